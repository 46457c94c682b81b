# Unmodified perftest over rxe0 between the two guests.
# timeout: 450
. "$E2E_LIB/common.sh"

perftest_pair 1 2
expect_host_at_baseline

# Unmodified perftest over rxe0 between guest 1 and a native process in L1,
# the guest as server and as client.
# timeout: 600
. "$E2E_LIB/common.sh"

perftest_pair host 1
perftest_pair 1 host
expect_host_at_baseline

# kill -9 of a guest application in the middle of a transfer: its host
# objects, queue mappings and pinned pages are all released.
. "$E2E_LIB/common.sh"

write_bw_under_way 1
hyv-guest 1 pkill -KILL -x ib_write_bw
wait_until 15 side_finished 1 /tmp/bw-client.log || fail "the guest application survived SIGKILL"
pkill -KILL -x ib_write_bw || true
expect_host_at_baseline

# kill -9 of a guest application in the middle of a transfer: its host
# objects, queue mappings and pinned pages are all released.
. "$E2E_LIB/common.sh"

gidx=$(rxe_ipv4_gid_index)
port=$((20000 + RANDOM % 20000))
side_start host /tmp/bw-server.log 120 ib_write_bw -d rxe0 -x "$gidx" -F -D 60 -p "$port"
wait_until 20 side_listening host "$port" || fail "ib_write_bw server does not listen"
side_start 1 /tmp/bw-client.log 120 ib_write_bw -d rxe0 -x "$gidx" -F -D 60 -p "$port" "$(side_ip host)"
wait_until 60 vm_has_pinned guest1 || fail "guest1's transfer never registered memory"
sleep 3
hyv-guest 1 pkill -KILL -x ib_write_bw
wait_until 15 side_finished 1 /tmp/bw-client.log || fail "the guest application survived SIGKILL"
pkill -KILL -x ib_write_bw || true
expect_host_at_baseline

# A guest VM killed in the middle of a transfer: hyvd drops the VM and every
# host object, queue mapping and pinned page it had; the guest restarts and
# runs RDMA again.
. "$E2E_LIB/common.sh"

write_bw_under_way 2
gidx=$(rxe_ipv4_gid_index)
hyv-guest-kill 2
wait_until 15 vm_gone guest2 || fail "hyvd still lists guest2"
pkill -KILL -x ib_write_bw || true
expect_host_at_baseline
hyv-guest-start 2
wait_until 60 guest_has_devices 2 "rxe0 siw0" || fail "restarted guest2 has '$(ib_devices 2)'"
pingpong host 2 ibv_rc_pingpong -d rxe0 -g "$gidx" -n 100
expect_host_at_baseline

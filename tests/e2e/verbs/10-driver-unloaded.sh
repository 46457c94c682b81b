# virtio_hyv unloaded while a guest application is in the middle of a
# transfer: the unload completes without waiting for the application, the
# host is back at its baseline while the application still lives, and the
# reloaded driver runs RDMA again.
. "$E2E_LIB/common.sh"

write_bw_under_way 1
gidx=$(rxe_ipv4_gid_index)
hyv-guest 1 timeout 60 rmmod virtio_hyv || fail "rmmod virtio_hyv failed or hung"
hyv-guest 1 pgrep -x ib_write_bw > /dev/null ||
	echo "note: ib_write_bw exited during the unload"
pkill -KILL -x ib_write_bw || true
expect_host_at_baseline
hyv-guest 1 pkill -KILL -x ib_write_bw || true
wait_until 15 side_finished 1 /tmp/bw-client.log || fail "the guest application survived SIGKILL"
hyv-guest 1 modprobe virtio_hyv
wait_until 30 guest_has_devices 1 "rxe0 siw0" || fail "guest1 has '$(ib_devices 1)' after modprobe"
pingpong host 1 ibv_rc_pingpong -d rxe0 -g "$gidx" -n 100
expect_host_at_baseline

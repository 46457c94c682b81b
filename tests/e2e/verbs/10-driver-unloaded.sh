# virtio_hyv unloaded while a guest application is in the middle of a
# transfer: the unload completes without waiting for the application, the
# host is back at its baseline while the application still lives, and the
# reloaded driver runs RDMA again.
. "$E2E_LIB/common.sh"

# guest_app_count RES: objects of type RES that ib_write_bw holds in guest 1,
# from the guest's RDMA core (rdma res), the same way hyvd_res_count counts.
guest_app_count() {
	local out
	out=$(hyv-guest 1 rdma res show "$1") || { echo "guest1: rdma res show $1 failed" >&2; return 1; }
	grep -c 'comm ib_write_bw' <<< "$out" || [ $? -eq 1 ]
}

write_bw_under_way 1
gidx=$(rxe_ipv4_gid_index)

# Before the unload the host holds the guest's transfer, so that the
# baseline below shows the unload released it: each object ib_write_bw has
# in the guest (one QP, one MR) is one of hyvd's on the host, next to
# hyvd's own context on each host device.
hyv-guest 1 rdma res show
rdma res show
expect_eq "$(guest_app_count qp)" 1 "ib_write_bw's QPs in guest1"
expect_eq "$(guest_app_count mr)" 1 "ib_write_bw's MRs in guest1"
expect_eq "$(hyvd_host_contexts)" "$(($(host_device_count) + 1))" "hyvd's host contexts"
for r in pd cq qp mr srq; do
	expect_eq "$(hyvd_res_count "$r")" "$(guest_app_count "$r")" "hyvd's ${r}s on the host, guest1's in the guest"
done
# The kernel's count agrees with hyvd's: the relays hold, as windows of
# guest pages pinned by vhost_hyv, the pages hyvd counts for guest1 (guest2
# runs nothing).  An earlier 1-minute transfer could end between the two
# readings, which then disagreed (32 and 0).
relay_pinned=$(hyvd_relay_stats | sed -n 's/.* guest_pages_pinned=\([0-9]*\) .*/\1/p' |
	awk '{ n += $1 } END { print n + 0 }')
hyvd_pinned=$(vm_pinned_pages guest1)
[ "$hyvd_pinned" -gt 0 ] 2> /dev/null || fail "hyvd pins '$hyvd_pinned' pages for guest1's transfer"
expect_eq "$relay_pinned" "$hyvd_pinned" "guest pages pinned in vhost_hyv's relays, by hyvd's count"
expect_eq "$(vm_pinned_pages guest2)" 0 "pages hyvd pins for guest2"
echo "L1: $(foll_pins_outstanding || echo '?') FOLL_PIN pages outstanding, $(pin_baseline || echo '?') with the guests idle"
! side_finished 1 /tmp/bw-client.log || fail "ib_write_bw ended before the unload"

# Stopped, the application can neither exit nor close anything during the
# unload: what the host releases, the unload released.  Its posted work is
# still in flight on the host's rxe.
hyv-guest 1 pkill -STOP -x ib_write_bw
hyv-guest 1 timeout 60 rmmod virtio_hyv || fail "rmmod virtio_hyv failed or hung"
pkill -KILL -x ib_write_bw || true	# the native server, so that its pins go too
expect_host_at_baseline
hyv-guest 1 pgrep -x ib_write_bw > /dev/null || fail "the stopped ib_write_bw is gone"
hyv-guest 1 pkill -KILL -x ib_write_bw
wait_until 15 side_finished 1 /tmp/bw-client.log || fail "the guest application survived SIGKILL"
hyv-guest 1 modprobe virtio_hyv
wait_until 30 guest_has_devices 1 "rxe0 siw0" || fail "guest1 has '$(ib_devices 1)' after modprobe"
pingpong host 1 ibv_rc_pingpong -d rxe0 -g "$gidx" -n 100
expect_host_at_baseline

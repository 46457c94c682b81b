# A guest whose virtio-hyv device is reset behind its driver's back loses
# everything it held on the host, at once and without the driver's help.
# ib_write_bw (server in guest 1, client natively in L1, the client writing
# into the guest's memory region) is under way when a guest process writes
# 0 to the device's status through the virtio PCI common configuration
# (hyv-virtio-reset).  Then: hyvd, rdma res and vhost_hyv hold nothing of
# the VM; the native client's writes are retried by rxe, landing nowhere;
# with it stopped, the kernel's pin counters are back to their baseline;
# the guest's program ends instead of waiting on a device that answers no
# more; and once its driver is bound again, the guest runs ibv_rc_pingpong.
# timeout: 600
. "$E2E_LIB/common.sh"

gidx=$(rxe_ipv4_gid_index)
port=$((20000 + RANDOM % 20000))
dev=$(hyv_sysfs 1)
[ -n "$dev" ] || fail "guest 1 has no virtio-hyv device"
devices=$(ib_devices 1)
resets=$(hyvctl_vm guest1 | jq -r .resets)

side_start 1 /tmp/bw-server.log 300 ib_write_bw -d rxe0 -x "$gidx" -F -D 240 -p "$port"
hyv-guest 1 "$E2E_LIB/await-listen" "$port" 30 ||
	fail "the guest's ib_write_bw does not listen: $(side_log 1 /tmp/bw-server.log)"
side_start host /tmp/bw-client.log 300 ib_write_bw -d rxe0 -x "$gidx" -F -D 240 \
	-p "$port" "$(side_ip 1)"
wait_until 60 vm_has_pinned guest1 || fail "the guest's ib_write_bw never registered memory"
sleep 3
! side_finished host /tmp/bw-client.log ||
	fail "the transfer ended before the reset: $(side_log host /tmp/bw-client.log | tail -n 3)"
echo "before the reset: $(hyvd_rdma_objects); hyvd: $(hyvctl_vm guest1 |
	jq -c '{contexts, pds, cqs, qps, mrs, pinned_pages}')"

hyv-guest 1 /hyv/extra/bin/hyv-virtio-reset "$dev"

# hyvd's side of the guest is gone at once: rdma res shows only hyvd's
# own context on each device, vhost_hyv counts nothing held in its relay.
hyvd_holds_nothing() {
	[ "$(hyvd_rdma_objects)" = "ctx=$(host_device_count) pd=0 cq=0 qp=0 mr=0 srq=0 " ] &&
		[ "$(relay_summary)" = "relays=1 held=0" ]
}
wait_until 15 hyvd_holds_nothing ||
	fail "hyvd still holds objects of the reset guest: $(hyvd_rdma_objects); vhost_hyv: $(relay_summary)"

# The native client's writes into the guest's memory region now go
# nowhere: rxe retries them (perftest's QPs retry for ever, retry_cnt 7)
# and none completes.  It is stopped, so that its own pins go too.
rxe_retries() {
	local out
	out=$(rdma statistic show link rxe0/1) || return 1
	sed -n 's/.* completer_retry_err \([0-9]*\).*/\1/p' <<< "$out" | grep .
}
before=$(rxe_retries) || fail "rxe0 has no completer_retry_err counter"
sleep 5
after=$(rxe_retries) || fail "rxe0 has no completer_retry_err counter"
echo "rxe0 completer retries in 5 s: $((after - before))"
[ "$after" -gt "$before" ] || fail "the native client's writes are not being retried: do they land?"
# Anchored: not hyv-logged, whose command line holds the same words.
pkill -f -- "^ib_write_bw -d rxe0 .* -p $port " ||
	fail "the native client is gone: $(side_log host /tmp/bw-client.log | tail -n 3)"
wait_until 15 side_finished host /tmp/bw-client.log || fail "the native client does not stop"

expect_host_at_baseline
vm=$(hyvctl_vm guest1)
echo "after the reset: $(hyvd_rdma_objects); hyvd: $vm"
expect_eq "$(jq -r .resets <<< "$vm")" "$((resets + 1))" "resets of guest1 counted by hyvd"
expect_eq "$(jq -r .contexts <<< "$vm")" 0 "guest1's contexts in hyvd"

# The guest's driver notices that its device was reset: the program's
# teardown fails fast instead of waiting for answers that never come.
wait_until 60 side_finished 1 /tmp/bw-server.log ||
	fail "the guest's ib_write_bw still runs: $(side_log 1 /tmp/bw-server.log | tail -n 5)"
hyv-guest 1 dmesg | grep 'virtio_hyv.*device reset under the driver' ||
	fail "guest 1's driver did not notice the reset"

name=$(basename "$dev")
hyv-guest 1 sh -c "echo $name > /sys/bus/virtio/drivers/virtio_hyv/unbind &&
	echo $name > /sys/bus/virtio/drivers/virtio_hyv/bind"
wait_until 30 guest_has_devices 1 "$devices" ||
	fail "guest 1 has '$(ib_devices 1)' after binding its driver again, not '$devices'"
pingpong host 1 ibv_rc_pingpong -d rxe0 -g "$gidx" -n 200
expect_host_at_baseline

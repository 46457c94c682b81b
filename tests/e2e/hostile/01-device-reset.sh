# A guest whose virtio-hyv device is reset behind its driver's back loses
# everything it held on the host, at once and without the driver's help.
# ib_write_bw (server in guest 1, client natively in L1, the client writing
# into the guest's memory region) is under way when a guest process writes
# 0 to the device's status through the virtio PCI common configuration
# (hyv-virtio-reset).  Then: the native client's writes fail; hyvd, rdma
# res, vhost_hyv and the kernel's pin counters hold nothing of the VM; the
# guest's program ends instead of waiting on a device that answers no more;
# and once its driver is bound again, the guest runs ibv_rc_pingpong.
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

# The client writes into the guest's memory region with its rkey: those
# writes must stop succeeding (its run is 240 s long).
wait_until 60 side_finished host /tmp/bw-client.log ||
	fail "the native client still writes into the reset guest's memory 60 s later"
client=$(side_log host /tmp/bw-client.log)
echo "-- native client:"; tail -n 5 <<< "$client"
[ "$(log_exit_status <<< "$client")" != 0 ] ||
	fail "the native client's writes into the reset guest's memory succeeded"

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

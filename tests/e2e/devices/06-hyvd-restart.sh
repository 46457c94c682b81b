# hyvd killed with SIGKILL while guests run: every host context it held is
# gone with it, the guest application holding a device gets
# IBV_EVENT_DEVICE_FATAL, and when hyvd is back the guests' devices come
# back without a guest reboot.
. "$E2E_LIB/common.sh"

watch=/hyv/extra/bin/hyv-async-watch
guest_background 2 /tmp/watch.log "$watch" rxe0
wait_until 30 guest_file_has 2 /tmp/watch.log '^opened rxe0' ||
	fail "hyv-async-watch did not open rxe0: $(hyv-guest 2 cat /tmp/watch.log)"
# hyvd's own context on each host device, and guest2's application's.
own=$(host_device_count)
wait_until 10 hyvd_host_contexts_are "$((own + 1))" ||
	fail "rdma res shows $(hyvd_host_contexts) contexts of hyvd, not $own of its own and guest2's"

hyv-hyvd kill
wait_until 30 guest_file_has 2 /tmp/watch.log "^event $device_fatal" ||
	fail "the guest application got no fatal event: $(hyv-guest 2 cat /tmp/watch.log)"
wait_until 30 guest_has_devices 2 "" || fail "guest2 still has '$(ib_devices 2)' with hyvd dead"
expect_eq "$(hyvd_host_contexts)" 0 "host contexts of the dead hyvd"

hyv-hyvd start
for n in 1 2; do
	wait_until 60 guest_has_devices "$n" "rxe0 siw0" ||
		fail "guest $n has '$(ib_devices "$n")' after hyvd came back"
done
hyv-guest 2 ibv_devinfo -d rxe0 > /dev/null || fail "guest2 cannot open rxe0 after the restart"
if dmesg | grep -E "$kernel_trouble"; then
	fail "L1 kernel log has warnings (above)"
fi

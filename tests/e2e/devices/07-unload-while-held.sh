# The guest driver unloaded while an application holds a device: the
# application gets IBV_EVENT_DEVICE_FATAL, rmmod completes, hyvd drops the
# context, and the driver comes back with its devices.
. "$E2E_LIB/common.sh"

watch=/hyv/extra/bin/hyv-async-watch
guest_background 1 /tmp/watch.log "$watch" rxe0
wait_until 30 guest_file_has 1 /tmp/watch.log '^opened rxe0' ||
	fail "hyv-async-watch did not open rxe0: $(hyv-guest 1 cat /tmp/watch.log)"
hyv-guest 1 timeout 60 rmmod virtio_hyv || fail "rmmod virtio_hyv failed or hung"
wait_until 10 guest_file_has 1 /tmp/watch.log "^event $device_fatal" ||
	fail "the application got no fatal event: $(hyv-guest 1 cat /tmp/watch.log)"
wait_until 10 vm_contexts_are guest1 0 ||
	fail "hyvd still holds $(vm_contexts guest1) context(s) of guest1"
hyv-guest 1 modprobe virtio_hyv
wait_until 30 guest_has_devices 1 "rxe0 siw0" || fail "guest1 has '$(ib_devices 1)' after modprobe"

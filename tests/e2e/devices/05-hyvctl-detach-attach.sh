# hyvctl takes a device away from a running guest and gives it back: an
# application holding it gets IBV_EVENT_DEVICE_FATAL, an ibv_devinfo loop
# sees the device go and return, and hyvd keeps no context of it meanwhile.
. "$E2E_LIB/common.sh"

watch=/hyv/extra/bin/hyv-async-watch
guest_background 1 /tmp/watch.log "$watch" siw0
wait_until 30 guest_file_has 1 /tmp/watch.log '^opened siw0' ||
	fail "hyv-async-watch did not open siw0: $(hyv-guest 1 cat /tmp/watch.log)"
wait_until 10 vm_contexts_are guest1 1 ||
	fail "hyvd counts $(vm_contexts guest1) context(s) for guest1 while one application holds siw0"
guest_background 1 /tmp/loop.log sh -c "'while :; do
	if ibv_devinfo -d siw0 > /dev/null 2>&1; then echo present; else echo absent; fi
	sleep 0.5; done'"
wait_until 30 guest_file_has 1 /tmp/loop.log '^present' ||
	fail "the ibv_devinfo loop never saw siw0: $(hyv-guest 1 cat /tmp/loop.log)"

hyvctl detach guest1 siw0
wait_until 30 guest_file_has 1 /tmp/watch.log "^event $device_fatal" ||
	fail "the application holding siw0 got no fatal event: $(hyv-guest 1 cat /tmp/watch.log)"
wait_until 30 guest_has_devices 1 rxe0 || fail "guest1 still has '$(ib_devices 1)'"
expect_eq "$(hyvctl_vm guest1 | jq -r '.devices | join(" ")')" rxe0 "hyvctl after detach"
wait_until 10 vm_contexts_are guest1 0 ||
	fail "hyvd still holds $(vm_contexts guest1) context(s) of guest1 after the detach"

hyvctl attach guest1 siw0
wait_until 30 guest_has_devices 1 "rxe0 siw0" || fail "siw0 did not come back to guest1"
sleep 2
hyv-guest 1 pkill -f 'while :; do' || true
loop=$(hyv-guest 1 cat /tmp/loop.log | uniq | xargs)
echo "ibv_devinfo loop: $loop"
expect_match "$loop" 'present absent( absent)* present' "the loop saw siw0 go and return"
hyv-guest 1 ibv_devinfo -d siw0 > /dev/null || fail "guest1 cannot open siw0 after attach"

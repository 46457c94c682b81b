# A VM killed while its application holds a device: hyvd forgets the VM and
# closes its host contexts (rdma res back to what hyvd holds for itself).
. "$E2E_LIB/common.sh"

# hyvd's own context on each host device, nothing of a guest.
baseline=$(host_device_count)
expect_eq "$(hyvd_host_contexts)" "$baseline" "hyvd's host contexts before guest2's application"
guest_background 2 /tmp/watch.log /hyv/extra/bin/hyv-async-watch siw0
wait_until 30 guest_file_has 2 /tmp/watch.log '^opened siw0' ||
	fail "hyv-async-watch did not open siw0"
wait_until 10 hyvd_host_contexts_are "$((baseline + 1))" ||
	fail "hyvd holds $(hyvd_host_contexts) host contexts with guest2's application, not $((baseline + 1))"
hyv-guest-kill 2
wait_until 15 vm_gone guest2 || fail "hyvd still lists guest2"
wait_until 10 hyvd_host_contexts_are "$baseline" ||
	fail "hyvd holds $(hyvd_host_contexts) host contexts, $baseline before guest2's"
hyv-guest-start 2
wait_until 60 guest_has_devices 2 "rxe0 siw0" || fail "restarted guest2 has '$(ib_devices 2)'"

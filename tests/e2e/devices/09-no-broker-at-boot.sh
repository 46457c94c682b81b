# A guest that boots while hyvd is down comes up with the driver bound and
# no RDMA device, and gets its devices when hyvd starts (QEMU reconnects).
. "$E2E_LIB/common.sh"

hyv-hyvd stop
trap 'hyv-hyvd start' EXIT
hyv-guest-start 2
dev=$(hyv_sysfs 2)
[ -n "$dev" ] || fail "guest2 has no virtio device with ID 63"
driver=$(hyv-guest 2 readlink -f "$dev/driver")
expect_eq "${driver##*/}" virtio_hyv "driver bound to $dev without hyvd"
guest_has_devices 2 "" || fail "guest2 has '$(ib_devices 2)' without hyvd"
hyv-hyvd start
trap - EXIT
wait_until 60 guest_has_devices 2 "rxe0 siw0" ||
	fail "guest2 has '$(ib_devices 2)' after hyvd started"

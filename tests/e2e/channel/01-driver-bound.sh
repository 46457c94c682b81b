# The guest's virtio_hyv driver bound the device and negotiated version 1.
. "$E2E_LIB/common.sh"

dev=$(hyv_sysfs 1)
[ -n "$dev" ] || fail "guest 1 has no virtio device with ID 63"
driver=$(hyv-guest 1 readlink -f "$dev/driver")
expect_eq "${driver##*/}" virtio_hyv "driver bound to $dev"
features=$(hyv-guest 1 cat "$dev/features")
expect_eq "${features:32:1}" 1 "VIRTIO_F_VERSION_1 negotiated"
# ACKNOWLEDGE | DRIVER | DRIVER_OK | FEATURES_OK, no FAILED / NEEDS_RESET
expect_eq "$(hyv-guest 1 cat "$dev/status")" 0x0000000f "device status"

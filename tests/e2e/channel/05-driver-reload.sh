# Unloading and reloading virtio_hyv in the guest works, and the reloaded
# driver talks to hyvd again.
. "$E2E_LIB/common.sh"

dev=$(hyv_sysfs 1)
before=$(hyvctl_vm guest1 | jq .requests)
hyv-guest 1 rmmod virtio_hyv
hyv-guest 1 test ! -e "$dev/driver" || fail "driver still bound after rmmod"
hyv-guest 1 modprobe virtio_hyv
wait_until 30 hyv-guest 1 test -e "$dev/hyv_version" ||
	fail "driver did not bind again"
expect_eq "$(hyv-guest 1 cat "$dev/hyv_version")" "$(hyvd_guest_protocol)" "version after reload"
after=$(hyvctl_vm guest1 | jq .requests)
[ "$after" -gt "$before" ] || fail "no new request reached hyvd ($before -> $after)"
expect_eq "$(hyv_inject 1 hello | cut -d' ' -f2)" status=0 "hello after reload"

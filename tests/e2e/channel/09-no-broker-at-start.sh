# QEMU started while hyvd is not running fails at once with a message that
# names the broker socket (documented in Documentation/admin-guide.rst).
. "$E2E_LIB/common.sh"

hyv-hyvd stop
socket=/run/hyvd/broker.sock
rc=0
out=$(timeout 60 qemu-system-x86_64 -nodefaults -display none -machine q35 \
	-accel tcg -chardev "socket,id=hyvd,path=$socket" \
	-device virtio-hyv-pci,broker=hyvd -S 2>&1) || rc=$?
echo "$out"
hyv-hyvd start
[ "$rc" -ne 0 ] || fail "QEMU started without a broker"
[ "$rc" -ne 124 ] || fail "QEMU hung instead of failing"
expect_match "$out" "$socket" "error message names the socket"

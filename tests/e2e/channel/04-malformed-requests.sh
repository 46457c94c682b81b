# Malformed requests from the guest get an error each; host and hyvd carry
# on.  Statuses are generic Linux errno values (EINVAL 22, EPROTONOSUPPORT
# 93, EOPNOTSUPP 95: Documentation/virtio-hyv.rst); an error response is
# its 8-byte header alone.  A chain without room for a response header
# comes back with used length 0, which the driver's inject file reports as
# its own -EIO (-5).
. "$E2E_LIB/common.sh"

hyvd_pid=$(pidof hyvd)
check() {	# check CASE STATUS USED
	local got
	got=$(hyv_inject 1 "$1")
	echo "$got"
	expect_eq "$got" "$1 status=$2 used=$3" "result of $1"
}

check unknown-opcode 95 8
check bad-version 93 8
check nonzero-reserved 22 8
check short-request 22 8
check oversize-request 22 8
check too-many-descs 22 8
check no-request 22 8
check no-response -5 0
check short-response -5 0
# HELLO's answer: header, major, minor, num_devices (16 bytes), then an
# 80-byte virtio_hyv_dev_info for each host device (guest1 gets them all).
check hello 0 "$((16 + 80 * $(host_device_count)))"

expect_eq "$(pidof hyvd)" "$hyvd_pid" "hyvd still running, same process"
vm_listed guest1 || fail "hyvd lost guest1"

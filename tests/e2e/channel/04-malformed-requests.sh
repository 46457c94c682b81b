# Malformed requests from the guest get an error each; host and hyvd carry
# on.  Statuses are generic Linux errno values (EINVAL 22, EPROTONOSUPPORT
# 93, EOPNOTSUPP 95); a chain without room for a response comes back with
# used length 0.
. "$E2E_LIB/common.sh"

hyvd_pid=$(pidof hyvd)
check() {	# check CASE EXPECTED_REGEX
	local got
	got=$(hyv_inject 1 "$1")
	echo "$got"
	expect_match "$got" "^$1 $2\$" "result of $1"
}

check unknown-opcode 'status=95 used=[0-9]+'
check bad-version 'status=93 used=[0-9]+'
check nonzero-reserved 'status=22 used=[0-9]+'
check short-request 'status=22 used=[0-9]+'
check oversize-request 'status=22 used=[0-9]+'
check too-many-descs 'status=22 used=[0-9]+'
check no-request 'status=22 used=[0-9]+'
check no-response 'status=[0-9-]+ used=0'
check short-response 'status=[0-9-]+ used=0'
check hello 'status=0 used=[0-9]+'

expect_eq "$(pidof hyvd)" "$hyvd_pid" "hyvd still running, same process"
vm_listed guest1 || fail "hyvd lost guest1"

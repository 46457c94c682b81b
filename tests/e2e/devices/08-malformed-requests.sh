# Requests naming things that do not exist, or built wrongly, each get
# their error; hyvd carries on (same pid) and the guest's devices keep
# working.
. "$E2E_LIB/common.sh"

pid=$(pidof hyvd)
check() {	# check CASE STATUS: an error response is its 8-byte header alone
	local out
	out=$(hyv_inject 1 "$1")
	echo "$out"
	expect_eq "$out" "$1 status=$2 used=8" "$1"
}
check query-device-unknown-dev 19
check query-port-bad-port 22
check gid-table-unknown-dev 19
check create-context-unknown-dev 19
check create-context-bad-udata-len 22
check destroy-context-unknown 22
expect_eq "$(pidof hyvd)" "$pid" "hyvd pid"
hyv-guest 1 ibv_devinfo -d rxe0 > /dev/null || fail "rxe0 unusable after malformed requests"

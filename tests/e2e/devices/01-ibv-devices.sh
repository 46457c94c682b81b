# Each guest lists the host's RDMA devices, by the host's names and node
# GUIDs, with no warning from libibverbs or a provider.
. "$E2E_LIB/common.sh"

host=$(ibv_devices 2>&1)
echo "$host"
for n in 1 2; do
	wait_until 30 guest_has_devices "$n" "rxe0 siw0" ||
		fail "guest $n has devices '$(ib_devices "$n")', not rxe0 and siw0"
	guest=$(hyv-guest "$n" sh -c 'ibv_devices 2>&1')
	expect_eq "$guest" "$host" "ibv_devices of guest $n"
done

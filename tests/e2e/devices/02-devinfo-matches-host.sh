# ibv_devinfo -v in the guest matches L1's for the same device, field by
# field, bound by the stock provider with no warning.  The one documented
# difference (Documentation/virtio-hyv.rst, "Guest devices"): a guest port
# is IB-typed inside the guest kernel, so GID types read differently; the
# GIDs themselves and their indices are the host's.
. "$E2E_LIB/common.sh"

strip_gid_type() { sed -E 's/^([[:space:]]*GID\[ *[0-9]+\]:[[:space:]]*[0-9a-f:]+).*$/\1/'; }

for dev in rxe0 siw0; do
	ibv_devinfo -v -d "$dev" > "/tmp/host-$dev" 2>&1
	hyv-guest 1 sh -c "ibv_devinfo -v -d $dev 2>/tmp/err" > "/tmp/guest-$dev" ||
		fail "ibv_devinfo -v -d $dev failed in the guest: $(cat "/tmp/guest-$dev")"
	warnings=$(hyv-guest 1 cat /tmp/err)
	[ -z "$warnings" ] || fail "ibv_devinfo -d $dev warned in the guest: $warnings"
	grep -q "GID\[" "/tmp/host-$dev" || fail "L1's ibv_devinfo shows no GID for $dev"
	if ! diff -u <(strip_gid_type < "/tmp/host-$dev") \
		     <(strip_gid_type < "/tmp/guest-$dev"); then
		fail "ibv_devinfo -v -d $dev differs between L1 (-) and the guest (+)"
	fi
	echo "$dev: $(wc -l < "/tmp/guest-$dev") lines identical"
done

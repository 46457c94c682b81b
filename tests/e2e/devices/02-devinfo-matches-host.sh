# ibv_devinfo -v in the guest matches L1's for the same device, field by
# field, bound by the stock provider with no warning.  The one documented
# difference (Documentation/virtio-hyv.rst, "Guest devices"): GID types,
# and so the form rdma-core prints a GID in; the GIDs and their indices
# are compared as 128-bit values.
. "$E2E_LIB/common.sh"

# GID lines become "GID[i]: <32 hex digits>", whatever form they came in.
canonical_gids() {
	perl -MSocket=inet_pton,AF_INET6 -pe '
		s/^(\s*GID\[\s*\d+\]:\s*)([0-9a-f:.]+).*$/
			$1 . unpack("H32", inet_pton(AF_INET6, $2) \/\/ die "bad GID $2\n")/e'
}

for dev in rxe0 siw0; do
	ibv_devinfo -v -d "$dev" > "/tmp/host-$dev" 2>&1
	hyv-guest 1 sh -c "ibv_devinfo -v -d $dev 2>/tmp/err" > "/tmp/guest-$dev" ||
		fail "ibv_devinfo -v -d $dev failed in the guest: $(cat "/tmp/guest-$dev")"
	warnings=$(hyv-guest 1 cat /tmp/err)
	[ -z "$warnings" ] || fail "ibv_devinfo -d $dev warned in the guest: $warnings"
	canonical_gids < "/tmp/host-$dev" > "/tmp/host-$dev.canon"
	canonical_gids < "/tmp/guest-$dev" > "/tmp/guest-$dev.canon"
	if ! diff -u "/tmp/host-$dev.canon" "/tmp/guest-$dev.canon"; then
		fail "ibv_devinfo -v -d $dev differs between L1 (-) and the guest (+)"
	fi
	echo "$dev: $(wc -l < "/tmp/guest-$dev") lines identical"
done
# rxe0 lists its GIDs (siw's provider prints none): they took part above.
grep -q "GID\[" /tmp/host-rxe0 || fail "L1's ibv_devinfo shows no GID for rxe0"

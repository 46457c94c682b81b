# The HELLO exchange travelled to hyvd and back: the guest knows the
# protocol version and exactly the host's RDMA devices, with their GUIDs.
. "$E2E_LIB/common.sh"

dev=$(hyv_sysfs 1)
expect_eq "$(hyv-guest 1 cat "$dev/hyv_version")" "$(hyvd_guest_protocol)" "protocol version"
listed=$(hyv-guest 1 cat "$dev/hyv_host_devices")
echo "guest 1 hyv_host_devices:"
echo "$listed"

host_devs=$(find /sys/class/infiniband -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)
guest_devs=$(awk '{print $2}' <<< "$listed" | sort)
expect_eq "$guest_devs" "$host_devs" "host devices seen by the guest"

for ibdev in $host_devs; do
	guid=$(cat "/sys/class/infiniband/$ibdev/node_guid")
	line=$(awk -v n="$ibdev" '$2 == n' <<< "$listed")
	expect_eq "$(awk '{print $4}' <<< "$line")" "$guid" "$ibdev node GUID"
done
expect_match "$listed" '^[0-9]+ rxe0 rxe ' "rxe0 with the rxe personality"
expect_match "$listed" '^[0-9]+ siw0 siw ' "siw0 with the siw personality"

# A host device leaves L1 and comes back (rdma link delete/add): hyvctl
# devices lists the host's devices with their drivers, hyvd drops the gone
# device and the guests lose it, and the new device gets a new dev_id and
# reaches the guests again without a guest reboot.
. "$E2E_LIB/common.sh"

# dev_id hyvd gives the host device NAME (empty when not listed).
dev_id_of() {
	local devs
	devs=$(hyvctl devices --json) || return 1
	jq -r --arg n "$1" '.devices[] | select(.name == $n) | .dev_id' <<< "$devs"
}
listed() { local id; id=$(dev_id_of "$1") && [ -n "$id" ]; }
unlisted() { local id; id=$(dev_id_of "$1") && [ -z "$id" ]; }

hyvctl devices
expect_eq "$(hyvctl devices --json | jq -r '[.devices[] | "\(.name):\(.driver)"] | join(" ")')" \
	"rxe0:rxe siw0:siw" "hyvctl devices"

old=$(dev_id_of rxe0)
rdma link delete rxe0
wait_until 5 unlisted rxe0 || fail "hyvd still lists rxe0 5 s after it left"
for n in 1 2; do
	wait_until 30 guest_has_devices "$n" siw0 || fail "guest $n still has '$(ib_devices "$n")'"
done
expect_eq "$(hyvd_host_contexts)" 1 "hyvd's host contexts with siw0 alone"

rdma link add rxe0 type rxe netdev d0
wait_until 5 listed rxe0 || fail "hyvd does not list rxe0 5 s after it came back"
new=$(dev_id_of rxe0)
[ "$new" != "$old" ] || fail "the new rxe0 has the old dev_id $old"
for n in 1 2; do
	wait_until 30 guest_has_devices "$n" "rxe0 siw0" ||
		fail "guest $n has '$(ib_devices "$n")' after rxe0 came back"
done
hyvctl devices
hyv-guest 1 ibv_devinfo -d rxe0 > /dev/null || fail "guest1 cannot open the new rxe0"
expect_eq "$(hyvd_host_contexts)" 2 "hyvd's host contexts with rxe0 back"

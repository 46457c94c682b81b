# hyvd's configuration decides which VM gets which device: with guest1
# given only rxe0 and guest2 only siw0, each sees only its own.  hyvd is
# restarted to load it; the running guests reconnect without a reboot.
. "$E2E_LIB/common.sh"

config=/tmp/split.toml
cat > "$config" <<'TOML'
[vm.guest1]
devices = ["rxe0"]

[vm.guest2]
devices = ["siw0"]
TOML

restore() { hyv-hyvd stop; hyv-hyvd start; }
trap restore EXIT
hyv-hyvd stop
hyv-hyvd start --config "$config"
wait_until 60 guest_has_devices 1 rxe0 || fail "guest1 has '$(ib_devices 1)', not only rxe0"
wait_until 60 guest_has_devices 2 siw0 || fail "guest2 has '$(ib_devices 2)', not only siw0"
hyvctl list
expect_eq "$(hyvctl_vm guest1 | jq -r '.devices | join(" ")')" rxe0 "hyvctl: devices of guest1"
expect_eq "$(hyvctl_vm guest2 | jq -r '.devices | join(" ")')" siw0 "hyvctl: devices of guest2"
hyv-guest 2 ibv_devinfo -d siw0 > /dev/null || fail "guest2 cannot open siw0"

trap - EXIT
restore
for n in 1 2; do
	wait_until 60 guest_has_devices "$n" "rxe0 siw0" ||
		fail "guest $n has '$(ib_devices "$n")' after the default configuration is back"
done

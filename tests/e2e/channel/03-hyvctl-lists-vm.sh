# hyvd knows the VM: hyvctl lists it with QEMU's pid and its devices.
. "$E2E_LIB/common.sh"

hyvctl list
vm=$(hyvctl_vm guest1)
[ -n "$vm" ] || fail "hyvctl does not list guest1"
expect_eq "$(jq -r .pid <<< "$vm")" "$(hyv-guest-pid 1)" "pid of guest1"
expect_eq "$(jq -r '.devices | sort | join(" ")' <<< "$vm")" \
	"$(find /sys/class/infiniband -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | xargs)" \
	"devices of guest1"
[ "$(jq -r .requests <<< "$vm")" -ge 1 ] || fail "no request counted for guest1"

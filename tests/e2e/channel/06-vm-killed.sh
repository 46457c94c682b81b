# A killed VM is forgotten by hyvd; a new one is welcomed.
. "$E2E_LIB/common.sh"

vm_listed guest1 || fail "guest1 not listed before the kill"
hyv-guest-kill 1
wait_until 15 vm_gone guest1 || fail "hyvd still lists guest1 after its QEMU died"
hyv-guest-start 1
wait_until 30 vm_listed guest1 || fail "restarted guest1 not listed"
expect_eq "$(hyv_inject 1 hello | cut -d' ' -f2)" status=0 "hello from restarted guest"

# hyvd's sockets serve only whom its [access] names (Documentation/
# admin-guide.rst): without an [access] table both socket files are 0600,
# hyvd checks every peer's credentials even when a socket was opened by
# mistake, and the fd sent with HELLO must be a vhost-hyv relay.
. "$E2E_LIB/common.sh"

broker=/run/hyvd/broker.sock
control=/run/hyvd/control.sock
hello=/hyv/extra/bin/hyv-broker-hello
log=$HYV_OUT/l1/hyvd.log

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

expect_eq "$(stat -c %a "$broker")" 600 "broker socket mode"
expect_eq "$(stat -c %a "$control")" 600 "control socket mode"
vms_now() { hyvctl list --json | jq -c '[.vms[] | {vm_id, name, state, devices}]'; }
vms_before=$(vms_now)
log_lines=$(wc -l < "$log")

echo "HELLO from root with files that are not relays"
for file in pipe /dev/null; do
	expect_eq "$("$hello" "$broker" "$file")" "welcome status=-22 vm_id=0" \
		"HELLO with $file as the relay"
done

echo "a stranger, stopped by the socket files' mode"
expect_eq "$(as_nobody "$hello" "$broker" pipe)" "connect: Permission denied" \
	"nobody's HELLO on a 0600 socket"
if out=$(as_nobody hyvctl list 2>&1); then
	fail "nobody listed the VMs: $out"
fi

echo "a stranger, stopped by hyvd when the files are opened by mistake"
trap 'chmod 0600 "$broker" "$control"' EXIT
chmod 0666 "$broker" "$control"
expect_eq "$(as_nobody "$hello" "$broker" pipe)" "welcome status=-13 vm_id=0" \
	"nobody's HELLO"
if out=$(as_nobody hyvctl list 2>&1); then
	fail "nobody listed the VMs: $out"
fi
expect_match "$out" "permission denied" "nobody's hyvctl list"
if out=$(as_nobody hyvctl detach 1 rxe0 2>&1); then
	fail "nobody detached a device: $out"
fi
expect_match "$out" "permission denied" "nobody's hyvctl detach"
chmod 0600 "$broker" "$control"

# Nothing was registered or changed, and hyvd said why each time.
expect_eq "$(vms_now)" "$vms_before" "VMs and their devices after the refusals"
new_log=$(tail -n "+$((log_lines + 1))" "$log")
expect_eq "$(grep -c 'not a vhost-hyv relay' <<< "$new_log")" 2 "refused relays logged"
expect_eq "$(grep -c 'not a QEMU user of \[access\]' <<< "$new_log")" 1 \
	"refused QEMU user logged"
expect_eq "$(grep -c 'control connection refused .*uid=65534' <<< "$new_log")" 2 \
	"refused control clients logged"

# The guest still works.
pingpong host 1 ibv_rc_pingpong -d rxe0 -g "$(rxe_ipv4_gid_index)" -n 200
expect_host_at_baseline

# Helpers for end-to-end cases; sourced by each case, which runs in L1 as
# root with the lab's commands (hyv-guest, hyv-guest-start, hyv-guest-kill,
# hyv-guest-pid, hyv-hyvd) on PATH.  set -e: the first failing command fails
# the case.
set -euo pipefail

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

expect_eq() {	# expect_eq ACTUAL EXPECTED WHAT
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

expect_match() {	# expect_match TEXT REGEX WHAT
	grep -Eq -- "$2" <<< "$1" || fail "$3: '$2' not in: $1"
}

wait_until() {	# wait_until SECONDS COMMAND...: poll once a second
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 1
	done
}

# sysfs directory of guest N's virtio-hyv device (virtio device ID 63).
hyv_sysfs() {
	hyv-guest "$1" sh -c 'for d in /sys/bus/virtio/devices/*; do
		[ "$(cat "$d/device")" = 0x003f ] && echo "$d"; done; true'
}

# debugfs inject file of guest N's virtio-hyv device.
hyv_inject_file() {
	local dev
	dev=$(hyv_sysfs "$1")
	[ -n "$dev" ] || fail "guest $1 has no virtio-hyv device"
	echo "/sys/kernel/debug/virtio_hyv/$(basename "$dev")/inject"
}

# hyv_inject N CASE: send one injected request from guest N, print the
# driver's result line "<case> status=<n> used=<bytes>".
hyv_inject() {
	local file
	file=$(hyv_inject_file "$1")
	hyv-guest "$1" sh -c "echo $2 > $file && cat $file"
}

# hyvctl's view of the VM named NAME, as JSON (empty when not listed).
hyvctl_vm() {
	hyvctl list --json | jq -c --arg n "$1" '.vms[] | select(.name == $n)'
}

vm_listed() { [ -n "$(hyvctl_vm "$1")" ]; }
vm_gone() { [ -z "$(hyvctl_vm "$1")" ]; }

# Kernel log lines that mean something went wrong, whatever the severity.
kernel_trouble='WARNING:|BUG:|Oops|Call Trace|general protection fault|UBSAN|KASAN|refcount_t:|list_(add|del) corruption|blocked for more than|Unable to handle'

# RDMA devices of guest N (or of L1 with N = host), sorted, on one line.
ib_devices() {
	if [ "$1" = host ]; then
		ls /sys/class/infiniband 2>/dev/null | sort | xargs
	else
		hyv-guest "$1" sh -c 'ls /sys/class/infiniband 2>/dev/null' | sort | xargs
	fi
}

guest_has_devices() {	# guest_has_devices N "DEV ...": exactly these devices
	[ "$(ib_devices "$1")" = "$2" ]
}

# Start PROGRAM ARG... in the background in guest N, detached from the agent,
# its output in guest file LOG.
guest_background() {	# guest_background N LOG PROGRAM [ARG...]
	local n=$1 log=$2
	shift 2
	hyv-guest "$n" sh -c "setsid $* > $log 2>&1 < /dev/null &"
}

guest_file_has() {	# guest_file_has N FILE REGEX
	hyv-guest "$1" cat "$2" 2>/dev/null | grep -Eq -- "$3"
}

# Contexts hyvd holds for the VM named NAME.
vm_contexts() {
	hyvctl_vm "$1" | jq -r '.contexts'
}

vm_contexts_are() {	# vm_contexts_are NAME COUNT
	[ "$(vm_contexts "$1")" = "$2" ]
}

vm_has_contexts() {	# vm_has_contexts NAME: at least one
	[ "$(vm_contexts "$1")" -ge 1 ] 2>/dev/null
}

# Host user contexts (uverbs files) open in hyvd, from the RDMA core's view.
hyvd_host_contexts() {
	rdma res show ctx 2>/dev/null | grep -c "comm hyvd" || true
}

hyvd_host_contexts_are() {	# hyvd_host_contexts_are COUNT
	[ "$(hyvd_host_contexts)" = "$1" ]
}

# The name libibverbs gives IBV_EVENT_DEVICE_FATAL (ibv_event_type_str).
device_fatal='local catastrophic error'

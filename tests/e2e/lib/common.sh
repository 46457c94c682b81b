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
	# shellcheck disable=SC2016 # expanded by the guest's sh, not here
	hyv-guest "$1" sh -c 'for d in /sys/bus/virtio/devices/*; do
		[ "$(cat "$d/device")" = 0x003f ] && echo "$d"; done; true'
}

# debugfs inject file of guest N's virtio-hyv device: a test hook, there
# only when virtio_hyv was built with CONFIG_VIRTIO_HYV_TEST_HOOKS=y, as
# tools/build-kmod builds the lab's modules (not with --product).
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
	hyv-guest "$1" sh -c "if [ -e $file ]; then echo $2 > $file && cat $file
		else echo 'no $file: virtio_hyv without test hooks' >&2; exit 1; fi"
}

# hyvctl's view of the VM named NAME, as JSON (empty when not listed).
hyvctl_vm() {
	hyvctl list --json | jq -c --arg n "$1" '.vms[] | select(.name == $n)'
}

# The guest protocol version hyvd speaks, "MAJOR.MINOR".
hyvd_guest_protocol() {
	hyvd --version | sed -n 's/.*guest protocol \([0-9]*\.[0-9]*\).*/\1/p'
}

vm_listed() { [ -n "$(hyvctl_vm "$1")" ]; }
vm_gone() {	# listed no more, by a hyvctl that answered
	local vm
	vm=$(hyvctl_vm "$1") && [ -z "$vm" ]
}

# shellcheck source=tests/e2e/lib/kernel-trouble
. "$E2E_LIB/kernel-trouble"

# Neither L1's kernel log nor any guest's shows trouble, and every guest is
# still up to be asked.
expect_kernel_logs_clean() {
	local n log
	if dmesg | grep -E "$kernel_trouble"; then
		fail "L1 kernel log has warnings (above)"
	fi
	for n in $(seq 1 "$HYV_GUESTS"); do
		log=$(hyv-guest "$n" dmesg) || fail "cannot read guest $n's kernel log: is it up?"
		if grep -E "$kernel_trouble" <<< "$log"; then
			fail "guest $n kernel log has warnings (above)"
		fi
	done
}

# RDMA devices of guest N (or of L1 with N = host), sorted, on one line.
ib_devices() {
	if [ "$1" = host ]; then
		find /sys/class/infiniband -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null |
			sort | xargs
	else
		# No class directory: ib_core is not loaded, so no device.
		hyv-guest "$1" sh -c '[ ! -d /sys/class/infiniband ] || ls /sys/class/infiniband' |
			sort | xargs
	fi
}

# A guest that cannot be asked has no list to compare: that fails, even
# against "" (no device).
guest_has_devices() {	# guest_has_devices N "DEV ...": exactly these devices
	local devs
	devs=$(ib_devices "$1") && [ "$devs" = "$2" ]
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

# hyvd_res_count RES: objects of type RES (ctx pd cq qp mr srq) that hyvd
# holds, from the RDMA core's view (rdma res).  A failing rdma command
# prints nothing and fails, so that it never reads as a count of 0 (grep -c
# prints 0 and exits 1 when nothing matches; that is a count).
hyvd_res_count() {
	local out
	out=$(rdma res show "$1") || { echo "rdma res show $1 failed" >&2; return 1; }
	grep -c 'comm hyvd' <<< "$out" || [ $? -eq 1 ]
}

# Host user contexts (uverbs files) open in hyvd.
hyvd_host_contexts() { hyvd_res_count ctx; }

# L1's RDMA devices: hyvd holds one context on each for its own queries.
host_device_count() {
	find /sys/class/infiniband -mindepth 1 -maxdepth 1 | wc -l
}

hyvd_host_contexts_are() {	# hyvd_host_contexts_are COUNT
	[ "$(hyvd_host_contexts)" = "$1" ]
}

# The name libibverbs gives IBV_EVENT_DEVICE_FATAL (ibv_event_type_str).
# shellcheck disable=SC2034 # for the cases that source this file
device_fatal='local catastrophic error'

# --- Verbs cases: programs on a "side", either L1 ("host") or guest N. ---

# The lab network (tools/lab/l1/init): L1 is 10.78.0.1, guest N 10.78.0.(10 + N).
side_ip() {
	if [ "$1" = host ]; then echo 10.78.0.1; else echo "10.78.0.$((10 + $1))"; fi
}

side_name() {
	if [ "$1" = host ]; then echo native; else echo "guest$1"; fi
}

on_side() {	# on_side SIDE PROGRAM [ARG...]: run it there, in the foreground
	local side=$1
	shift
	if [ "$side" = host ]; then "$@"; else hyv-guest "$side" "$@"; fi
}

logged=$E2E_LIB/hyv-logged	# the same path in L1 and in the guests

# side_start SIDE LOG SECONDS PROGRAM [ARG...]: start PROGRAM in the
# background on SIDE; LOG (a file there) gets its output and "exit=N".  LOG
# is emptied before the program starts, so that no poll reads an earlier
# run's status; in a guest that and the start are one call to the agent.
side_start() {
	local side=$1 log=$2 secs=$3
	shift 3
	if [ "$side" = host ]; then
		: > "$log"
		setsid "$logged" "$log" "$secs" "$@" &
	else
		# shellcheck disable=SC2016 # expanded by the guest's sh
		hyv-guest "$side" sh -c ': > "$1" && setsid "$0" "$@" > /dev/null 2>&1 < /dev/null &' \
			"$logged" "$log" "$secs" "$@"
	fi
}

side_log() { on_side "$1" cat "$2" 2>/dev/null || true; }

side_exit_status() {	# the N of "exit=N" in LOG, empty while running
	side_log "$1" "$2" | log_exit_status
}

log_exit_status() { sed -n 's/^exit=//p'; }	# of a log read on stdin

side_finished() { [ -n "$(side_exit_status "$1" "$2")" ]; }

side_listening() {	# side_listening SIDE PORT: a TCP listener on PORT
	on_side "$1" ss -Hltn "sport = :$2" | grep -q LISTEN
}

# rxe0's GID index holding its IPv4 address (a RoCE v2 GID): the index
# pingpong and perftest are given.  Guests mirror the host's indices.
rxe_ipv4_gid_index() {
	local f
	for f in /sys/class/infiniband/rxe0/ports/1/gids/*; do
		case $(cat "$f") in
		0000:0000:0000:0000:0000:ffff:*) basename "$f"; return ;;
		esac
	done
	fail "rxe0 has no IPv4 GID"
}

# client_server SERVER CLIENT SECONDS PORT_OPT PROGRAM [ARG...]: run
# PROGRAM as server on side SERVER and as client on side CLIENT (given the
# server's address last), on a fresh TCP port passed as "PORT_OPT PORT";
# fail unless both exit 0.  Their outputs are printed and left in
# $server_log and $client_log.  The client runs in the foreground, so that
# a guest is asked as few times as it can be (each call to a guest's agent
# costs the lab about a second).
client_server() {
	local server=$1 client=$2 secs=$3 port_opt=$4
	shift 4
	local port=$((20000 + RANDOM % 20000))
	local what
	what="$* ($(side_name "$client") -> $(side_name "$server"))"
	echo "== $what"
	side_start "$server" /tmp/cs-server.log "$secs" "$@" "$port_opt" "$port"
	on_side "$server" "$E2E_LIB/await-listen" "$port" 20 ||
		fail "$what: the server does not listen: $(side_log "$server" /tmp/cs-server.log)"
	client_log=$(on_side "$client" "$logged" - "$secs" "$@" "$port_opt" "$port" "$(side_ip "$server")")
	wait_until 15 server_finished "$server"
	echo "-- server:"; echo "$server_log"
	echo "-- client:"; echo "$client_log"
	expect_eq "$(log_exit_status <<< "$server_log")" 0 "$what: server exit"
	expect_eq "$(log_exit_status <<< "$client_log")" 0 "$what: client exit"
}

server_finished() {	# server_finished SIDE: reads client_server's $server_log
	server_log=$(side_log "$1" /tmp/cs-server.log)
	[ -n "$(log_exit_status <<< "$server_log")" ]
}

# pingpong SERVER CLIENT PROGRAM [ARG...]: an ibv_*_pingpong pair; both ends
# must report their transfer.
pingpong() {
	local server=$1 client=$2
	shift 2
	client_server "$server" "$client" 120 -p "$@"
	expect_match "$server_log" '[0-9]+ iters in [0-9.]+ seconds' "$1 server result"
	expect_match "$client_log" '[0-9]+ iters in [0-9.]+ seconds' "$1 client result"
}

# Objects hyvd holds on the host, from the RDMA core's view (rdma res);
# "?" for a type rdma could not list.
hyvd_rdma_objects() {
	local r n
	for r in ctx pd cq qp mr srq; do
		n=$(hyvd_res_count "$r") || n='?'
		printf '%s=%s ' "$r" "$n"
	done
}

# Pages pinned with FOLL_PIN in all of L1 and not unpinned yet, from the
# kernel's own counters: vhost_hyv pins guest pages (pin_user_pages_remote)
# and QEMU's shm maps, and the RDMA core pins every MR (ib_umem), hyvd's
# and native programs' alike.  stat_refresh folds the per-CPU deltas in.
foll_pins_outstanding() {
	echo 1 > /proc/sys/vm/stat_refresh || return 1
	awk '$1 == "nr_foll_pin_acquired" { a = $2; n++ }
		$1 == "nr_foll_pin_released" { r = $2; n++ }
		END { if (n != 2) exit 1; printf "%d\n", a - r }' /proc/vmstat
}

# The outstanding pins of L1 with the guests idle and no test program
# running, recorded once per L1 boot (/run is a tmpfs) by suite-entry
# before its first case.  hyvd holds no pin for an idle guest.
pin_baseline_file=/run/hyv-e2e-pin-baseline

record_pin_baseline() {
	local pins
	[ ! -f "$pin_baseline_file" ] || return 0
	pins=$(foll_pins_outstanding) && echo "$pins" > "$pin_baseline_file"
}

pin_baseline() { cat "$pin_baseline_file"; }

# vhost_hyv's own count of what hyvd's relays hold, one line per relay fd
# (one per VM hyvd serves): tests/e2e/progs/hyv-relay-stats.
hyvd_relay_stats() {
	local pid
	pid=$(pidof hyvd) || { echo "hyvd is not running" >&2; return 1; }
	/hyv/extra/bin/hyv-relay-stats "$pid"
}

# "relays=N held=N": hyvd's relay fds and the sum of what vhost_hyv counts
# in them (guest pages pinned and windows, shm pages and maps).
relay_summary() {
	local stats
	stats=$(hyvd_relay_stats) || return 1
	awk 'NF { n++; for (i = 3; i <= NF; i++) { split($i, kv, "="); held += kv[2] } }
		END { printf "relays=%d held=%d\n", n, held }' <<< "$stats"
}

# Guest pages hyvd has pinned for the VM named NAME.
vm_pinned_pages() {
	hyvctl_vm "$1" | jq -r '.pinned_pages'
}

# Nothing of any guest left on the host: in rdma res, hyvd holds only its
# own context on each host device (it queries them through it) and no other
# object; no VM listed by hyvd has a pinned page; vhost_hyv counts nothing
# held in hyvd's relays, of which there is one per VM listed; and the
# kernel's count of outstanding pins is back where it was with the guests
# idle, which also covers a VM hyvd no longer lists.  Native test programs
# must have exited.
host_at_baseline() {
	local vms pins
	[ "$(hyvd_rdma_objects)" = "ctx=$(host_device_count) pd=0 cq=0 qp=0 mr=0 srq=0 " ] &&
		vms=$(hyvctl list --json) &&
		! jq -e '.vms[] | select(.pinned_pages != 0)' <<< "$vms" > /dev/null &&
		[ "$(relay_summary)" = "relays=$(jq '.vms | length' <<< "$vms") held=0" ] &&
		pins=$(foll_pins_outstanding) && [ "$pins" = "$(pin_baseline)" ]
}

expect_host_at_baseline() {	# within a few seconds of the last application's exit
	wait_until 15 host_at_baseline ||
		fail "host not back to baseline: $(hyvd_rdma_objects); pinned by hyvd: $(hyvctl list --json | jq -c '[.vms[] | {name, pinned_pages}]'); vhost_hyv: $(relay_summary) for $(hyvctl list --json | jq '.vms | length') VM(s); FOLL_PIN pages outstanding in L1: $(foll_pins_outstanding), $(pin_baseline) with the guests idle"
}

# perftest_pair SERVER CLIENT: unmodified perftest over rxe0 from CLIENT to
# SERVER (sides as for client_server): send, write and read bandwidth and
# latency, atomics and UD sends, each checked for its result table.  Eight
# runs of 14 to 30 s each in the lab (guests under shadow paging).
perftest_pair() {
	local program gidx
	gidx=$(rxe_ipv4_gid_index)
	for program in ib_send_bw ib_send_lat ib_write_bw ib_write_lat \
		ib_read_bw ib_read_lat ib_atomic_bw "ib_send_bw -c UD -s 512"; do
		# shellcheck disable=SC2086 # a program and its options
		client_server "$1" "$2" 120 -p $program -d rxe0 -x "$gidx" -F -n 200
		expect_match "$client_log" '^ *#bytes' "$program: the client's result table"
		expect_match "$client_log" '^ *[0-9]+ +[0-9]+ ' "$program: the client's result line"
	done
}

vm_has_pinned() {	# vm_has_pinned NAME: hyvd pins guest pages for it
	[ "$(vm_pinned_pages "$1")" -gt 0 ] 2>/dev/null
}

# write_bw_under_way N: ib_write_bw, server natively in L1, client in guest
# N (log /tmp/bw-client.log there), returning once the guest's side
# registered its memory and ran for a few seconds: the transfer a case then
# interrupts.  It runs for 4 minutes, so that it is still under way however
# slowly the lab runs the case's checks (in 2026-12-07's lab a 1-minute
# transfer ended during verbs/10's), and still ends if a case fails first.
write_bw_under_way() {
	local gidx port
	gidx=$(rxe_ipv4_gid_index)
	port=$((20000 + RANDOM % 20000))
	side_start host /tmp/bw-server.log 300 ib_write_bw -d rxe0 -x "$gidx" -F -D 240 -p "$port"
	wait_until 20 side_listening host "$port" || fail "ib_write_bw server does not listen"
	side_start "$1" /tmp/bw-client.log 300 ib_write_bw -d rxe0 -x "$gidx" -F -D 240 -p "$port" "$(side_ip host)"
	wait_until 60 vm_has_pinned "guest$1" || fail "guest$1's transfer never registered memory"
	sleep 3
	! side_finished "$1" /tmp/bw-client.log ||
		fail "guest$1's ib_write_bw ended before the case acted on it: $(side_log "$1" /tmp/bw-client.log | tail -n 3)"
}

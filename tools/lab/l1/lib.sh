# Shared by L1's init and commands (sourced).  Runs as root in L1.
# shellcheck disable=SC2034 # the variables are for the scripts sourcing this

# The payload (read-only, from L0) and the results share (written back).
payload=/hyv
HYV_OUT=${HYV_OUT:-/hyv-out}
state=/run/hyv-lab			# pid files of what the lab started
guest_payload=/var/lib/hyv-lab/guest-payload.ext4
broker_socket=/run/hyvd/broker.sock

guest_cid() { echo $((3 + $1)); }
guest_out() { echo "$HYV_OUT/l2/guest$1"; }
guest_tap() { echo "hyvtap$1"; }	# on bridge hyvbr0 (l1/init)

# running PID: the process exists and has not exited (a zombie has: it
# only waits to be reaped by init).
running() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# wait_gone PID SECONDS: wait for PID to exit; false on timeout.
wait_gone() {
	local end=$((SECONDS + $2))
	while running "$1"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# pid_of NAME: the pid recorded for NAME (hyvd, guestN) if it still runs.
pid_of() {
	local pid
	pid=$(cat "$state/$1.pid" 2>/dev/null) || return 1
	running "$pid" || return 1
	echo "$pid"
}

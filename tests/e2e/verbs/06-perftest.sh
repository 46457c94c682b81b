# Unmodified perftest over rxe0, guest <-> native and guest <-> guest:
# send, write and read bandwidth and latency, atomics, and UD sends.
# 24 runs of about 14 s each in the lab (guests under shadow paging).
# timeout: 600
. "$E2E_LIB/common.sh"

gidx=$(rxe_ipv4_gid_index)
# perftest prints its result table after a "#bytes" header line.
perftest() {	# perftest SERVER CLIENT PROGRAM [ARG...]
	local server=$1 client=$2
	shift 2
	client_server "$server" "$client" 120 -p "$@" -d rxe0 -x "$gidx" -F -n 200
	expect_match "$client_log" '^ *#bytes' "$1 client result table"
	expect_match "$client_log" '^ *[0-9]+ +[0-9]+ ' "$1 client result line"
}
for pair in "host 1" "1 host" "1 2"; do
	# shellcheck disable=SC2086 # two words: server and client
	set -- $pair
	perftest "$1" "$2" ib_send_bw
	perftest "$1" "$2" ib_send_lat
	perftest "$1" "$2" ib_write_bw
	perftest "$1" "$2" ib_write_lat
	perftest "$1" "$2" ib_read_bw
	perftest "$1" "$2" ib_read_lat
	perftest "$1" "$2" ib_atomic_bw
	perftest "$1" "$2" ib_send_bw -c UD -s 512
done
expect_host_at_baseline

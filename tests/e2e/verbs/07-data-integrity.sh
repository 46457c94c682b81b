# hyv-integrity (tests/e2e/progs): RDMA WRITE, RDMA READ and SEND in both
# directions through buffers of many sizes, offsets and backings (heap,
# anonymous, huge pages), every byte checked, guest <-> native and
# guest <-> guest.
. "$E2E_LIB/common.sh"

gidx=$(rxe_ipv4_gid_index)
for side in host 1 2; do
	on_side "$side" sh -c 'echo 8 > /proc/sys/vm/nr_hugepages'
done
for pair in "host 1" "1 host" "1 2"; do
	# shellcheck disable=SC2086 # two words: server and client
	set -- $pair
	client_server "$1" "$2" 240 -p /hyv/extra/bin/hyv-integrity -d rxe0 -g "$gidx"
	for log in "$server_log" "$client_log"; do
		expect_match "$log" '^PASS: 0 failed' "hyv-integrity verdict"
		! grep -q '^FAIL' <<< "$log" || fail "hyv-integrity: a step failed"
		! grep -q '^SKIP' <<< "$log" || fail "hyv-integrity: huge pages were not available"
	done
done
expect_host_at_baseline

# Unmodified ibv_srq_pingpong over rxe0 between a guest and a native
# process on L1, each side as server and as client, polling and with
# completion events (-e); afterwards nothing of the guest's is left on the
# host.
. "$E2E_LIB/common.sh"

gidx=$(rxe_ipv4_gid_index)
for events in "" -e; do
	pingpong host 1 ibv_srq_pingpong -d rxe0 -g "$gidx" -n 200 ${events:+"$events"}
	pingpong 1 host ibv_srq_pingpong -d rxe0 -g "$gidx" -n 200 ${events:+"$events"}
done
expect_host_at_baseline

# The four pingpongs between two guests (polling and with events): both
# guests' QPs live on L1's rxe0, each guest maps only its own queues.
# 8 runs of 20-40 s each in the lab (two guests under shadow paging,
# slower still while the builder is busy).
# timeout: 600
. "$E2E_LIB/common.sh"

gidx=$(rxe_ipv4_gid_index)
for t in rc uc ud srq; do
	size=()
	[ "$t" = ud ] && size=(-s 512)
	for events in "" -e; do
		pingpong 1 2 "ibv_${t}_pingpong" -d rxe0 -g "$gidx" -n 200 "${size[@]}" ${events:+"$events"}
	done
done
expect_host_at_baseline

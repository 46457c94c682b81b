# hyv-resize-events (tests/e2e/progs) natively and in guest 1: a CQ grown
# with ibv_resize_cq holds more completions than it was created for; an
# SRQ grown with ibv_modify_srq keeps its posted receives; the SRQ limit
# armed through ibv_modify_srq makes the host's rxe raise
# IBV_EVENT_SRQ_LIMIT_REACHED, which reaches the application through
# ibv_get_async_event.  Then nothing of the guest is left on the host.
. "$E2E_LIB/common.sh"

gidx=$(rxe_ipv4_gid_index)
for side in host 1; do
	echo "== hyv-resize-events ($(side_name "$side"))"
	status=0
	log=$(on_side "$side" /hyv/extra/bin/hyv-resize-events -d rxe0 -g "$gidx" 2>&1) || status=$?
	echo "$log"
	expect_eq "$status" 0 "hyv-resize-events exit on $(side_name "$side")"
	for step in resize-cq resize-srq arm-limit connect send limit-event complete teardown; do
		expect_match "$log" "^PASS $step\$" "step $step on $(side_name "$side")"
	done
done
expect_host_at_baseline

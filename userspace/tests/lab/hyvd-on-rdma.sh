#!/bin/bash
# hyvd on real RDMA devices, in the lab's L1 (rxe0, siw0):
#   tools/hyv-lab run --guests 1 --extra DIR DIR/hyvd-on-rdma.sh
# with DIR holding this script and build/userspace/bin/hyv_rdma_tests
# (userspace/tests/lab/run does both).  Checks the real HostDevice and
# HostContext against libibverbs, hyvctl devices, and a device removed
# from and given back to the host, as hyvd and the guest see it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
wait_until() {	# wait_until SECONDS COMMAND...
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.5
	done
}
dev_id_of() { hyvctl devices --json | jq -r --arg n "$1" '.devices[] | select(.name == $n) | .dev_id'; }
listed() { [ -n "$(dev_id_of "$1")" ]; }
unlisted() { [ -z "$(dev_id_of "$1")" ]; }
guest_devices() { hyv-guest 1 sh -c 'ls /sys/class/infiniband 2>/dev/null' | sort | xargs; }
guest_has() { [ "$(guest_devices)" = "$1" ]; }

echo "== the real host devices against libibverbs"
"$here/hyv_rdma_tests" --reporter compact

echo "== hyvctl devices"
hyvctl devices
[ "$(hyvctl devices --json | jq -r '[.devices[] | "\(.name):\(.driver)"] | join(" ")')" = \
  "rxe0:rxe siw0:siw" ] || fail "hyvctl devices does not list rxe0 (rxe) and siw0 (siw)"
hyvctl list
wait_until 30 guest_has "rxe0 siw0" || fail "guest1 has '$(guest_devices)', not rxe0 siw0"

echo "== rxe0 leaves the host and comes back"
old=$(dev_id_of rxe0)
rdma link delete rxe0
wait_until 5 unlisted rxe0 || fail "hyvd still lists rxe0 5 s after it left"
wait_until 30 guest_has "siw0" || fail "guest1 still has '$(guest_devices)'"
rdma link add rxe0 type rxe netdev d0
wait_until 5 listed rxe0 || fail "hyvd does not list rxe0 5 s after it came back"
new=$(dev_id_of rxe0)
[ "$new" != "$old" ] || fail "the new rxe0 has the old dev_id $old"
wait_until 30 guest_has "rxe0 siw0" || fail "guest1 has '$(guest_devices)' after rxe0 came back"
hyvctl devices

echo "== the guest's devices (tests/e2e/devices compares them with L1's, field by field)"
hyv-guest 1 ibv_devinfo
hyvctl list
grep -E "device (added|removed)|vm (connected|disconnected)" "$HYV_OUT/l1/hyvd.log" | tail -8
echo "hyvd-on-rdma: all checks passed"

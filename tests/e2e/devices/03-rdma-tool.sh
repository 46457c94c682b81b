# iproute2's rdma tool shows the guest devices as on L1: same names, node
# types and GUIDs; their ports ACTIVE.  Device indices are the guest's own,
# and a guest port has no netdev (documented).
. "$E2E_LIB/common.sh"

no_index() { sed -E 's/^[0-9]+: //'; }
no_netdev() { sed -E 's/ netdev [^ ]+//'; }

host_dev=$(rdma dev show | no_index)
guest_dev=$(hyv-guest 1 rdma dev show | no_index)
echo "$guest_dev"
expect_eq "$guest_dev" "$host_dev" "rdma dev show"

host_link=$(rdma link show | no_index | no_netdev)
guest_link=$(hyv-guest 1 rdma link show | no_index | no_netdev)
echo "$guest_link"
expect_eq "$guest_link" "$host_link" "rdma link show"
expect_match "$guest_link" '^link rxe0/1 state ACTIVE' "rxe0 port state"
expect_match "$guest_link" 'link siw0/1 state ACTIVE' "siw0 port state"

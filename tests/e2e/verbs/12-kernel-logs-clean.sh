# After everything above, neither L1 nor the guest kernels logged trouble,
# and both guests are still up to say so.
. "$E2E_LIB/common.sh"

if dmesg | grep -E "$kernel_trouble"; then
	fail "L1 kernel log has warnings (above)"
fi
for n in 1 2; do
	log=$(hyv-guest "$n" dmesg) || fail "cannot read guest $n's kernel log: is it up?"
	if grep -E "$kernel_trouble" <<< "$log"; then
		fail "guest $n kernel log has warnings (above)"
	fi
done

# After everything above, neither L1 nor the guest kernels logged trouble.
. "$E2E_LIB/common.sh"

if dmesg | grep -E "$kernel_trouble"; then
	fail "L1 kernel log has warnings (above)"
fi
for n in 1 2; do
	if hyv-guest "$n" dmesg | grep -E "$kernel_trouble"; then
		fail "guest $n kernel log has warnings (above)"
	fi
done

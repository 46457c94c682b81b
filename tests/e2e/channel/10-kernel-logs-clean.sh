# After everything above, neither L1 nor the guest kernel logged trouble.
. "$E2E_LIB/common.sh"

if dmesg | grep -E "$kernel_trouble"; then
	fail "L1 kernel log has warnings (above)"
fi
if hyv-guest 1 dmesg | grep -E "$kernel_trouble"; then
	fail "guest kernel log has warnings (above)"
fi

# After everything above, neither L1 nor the guest kernels logged trouble,
# and the guests are still up to say so.
. "$E2E_LIB/common.sh"

expect_kernel_logs_clean

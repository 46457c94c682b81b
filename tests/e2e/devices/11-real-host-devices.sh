# hyvd's real host devices (userspace/tests/test_verbs_host_device.cpp,
# hyv_rdma_tests) against libibverbs on L1's rxe0 and siw0: the uverbs
# chardev rdma netlink names, device and port attributes, GID and P_Key
# tables, host contexts as uverbs files with their async file, and a host
# driver's refusal passed on as its errno.  The Catch2 program needs real
# RDMA devices, so it runs here rather than in the unit tests.
. "$E2E_LIB/common.sh"

tests=/hyv/extra/bin/hyv_rdma_tests
[ -x "$tests" ] ||
	fail "$tests missing: run-all copies it from build/userspace/bin into the lab's payload"
"$tests" --reporter compact || fail "hyv_rdma_tests failed (above)"

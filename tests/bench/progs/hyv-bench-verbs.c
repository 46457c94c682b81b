// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyv-bench-verbs DEVICE ITERATIONS: the cost of the control verbs a
 * guest pays for most, measured where it runs (natively in L1, or in a
 * guest where each one is forwarded to hyvd):
 *   - ibv_reg_mr and ibv_dereg_mr of 1, 4, 16 and 64 MiB (the buffer is
 *     touched first, so page faults are not counted);
 *   - ibv_create_qp and ibv_destroy_qp of an RC QP.
 * One line per measurement, "name key=value ...", read by tests/bench/run;
 * "error: ..." and exit status 1 on the first failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <infiniband/verbs.h>

#include "../../include/open_device.h"

#define MIB (1024UL * 1024UL)

static const unsigned int mr_sizes_mib[] = { 1, 4, 16, 64 };

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int failed(const char *what, int err)
{
	printf("error: %s: %s\n", what, strerror(err));
	return 1;
}

static int bench_mr(struct ibv_pd *pd, unsigned int mib, int iters)
{
	const int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
			   IBV_ACCESS_REMOTE_READ;
	size_t len = mib * MIB;
	double reg = 0, dereg = 0, t;
	void *buf;
	int i;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		return failed("mmap", errno);
	memset(buf, 1, len);

	/* One untimed run: the first registration also warms the caches */
	for (i = -1; i < iters; i++) {
		struct ibv_mr *mr;

		t = now_us();
		mr = ibv_reg_mr(pd, buf, len, access);
		if (i >= 0)
			reg += now_us() - t;
		if (!mr) {
			munmap(buf, len);
			return failed("ibv_reg_mr", errno);
		}
		t = now_us();
		errno = ibv_dereg_mr(mr);
		if (i >= 0)
			dereg += now_us() - t;
		if (errno) {
			munmap(buf, len);
			return failed("ibv_dereg_mr", errno);
		}
	}
	munmap(buf, len);
	printf("reg_mr mib=%u iters=%d reg_us=%.1f dereg_us=%.1f reg_us_per_mib=%.1f\n",
	       mib, iters, reg / iters, dereg / iters, reg / iters / mib);
	return 0;
}

static int bench_qp(struct ibv_pd *pd, struct ibv_cq *cq, int iters)
{
	struct ibv_qp_init_attr attr = {
		.send_cq = cq,
		.recv_cq = cq,
		.cap = { .max_send_wr = 64, .max_recv_wr = 64,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.qp_type = IBV_QPT_RC,
	};
	double create = 0, destroy = 0, t;
	int i;

	for (i = 0; i < iters; i++) {
		struct ibv_qp *qp;

		t = now_us();
		qp = ibv_create_qp(pd, &attr);
		create += now_us() - t;
		if (!qp)
			return failed("ibv_create_qp", errno);
		t = now_us();
		errno = ibv_destroy_qp(qp);
		destroy += now_us() - t;
		if (errno)
			return failed("ibv_destroy_qp", errno);
	}
	printf("create_qp iters=%d create_us=%.1f destroy_us=%.1f\n",
	       iters, create / iters, destroy / iters);
	return 0;
}

int main(int argc, char **argv)
{
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	unsigned int i;
	int iters, ret = 0;

	if (argc != 3 || (iters = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: hyv-bench-verbs DEVICE ITERATIONS\n");
		return 2;
	}
	ctx = open_device(argv[1]);
	if (!ctx)
		return failed("cannot open the device", errno ? errno : ENODEV);
	pd = ibv_alloc_pd(ctx);
	if (!pd)
		return failed("ibv_alloc_pd", errno);
	cq = ibv_create_cq(ctx, 128, NULL, NULL, 0);
	if (!cq)
		return failed("ibv_create_cq", errno);

	for (i = 0; !ret && i < sizeof(mr_sizes_mib) / sizeof(mr_sizes_mib[0]); i++)
		ret = bench_mr(pd, mr_sizes_mib[i], iters);
	if (!ret)
		ret = bench_qp(pd, cq, iters);

	ibv_destroy_cq(cq);
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	return ret;
}

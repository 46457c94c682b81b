// SPDX-License-Identifier: GPL-2.0
/*
 * hyv-resize-events: the verbs the pingpongs and perftest do not reach, on
 * one device, in one process:
 *
 *   - ibv_resize_cq grows a CQ, which then holds more completions than it
 *     was created for;
 *   - ibv_modify_srq grows an SRQ (IBV_SRQ_MAX_WR: rxe hands the new
 *     queue's mmap offset back through a user pointer) with receives
 *     posted, which all survive the move;
 *   - ibv_modify_srq arms the SRQ limit; SENDs over an RC QP connected to a
 *     second QP of the same device consume receives below it, and the
 *     device raises IBV_EVENT_SRQ_LIMIT_REACHED, read with
 *     ibv_get_async_event; the limit reads back as 0 (disarmed);
 *   - all SENDs then complete, in order and intact.
 *
 *   hyv-resize-events -d DEV -g GIDX
 *
 * Prints "PASS <step>" per step and exits 0, or "FAIL <step>: <why>" and
 * exits 1 at the first step that fails.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "../../include/open_device.h"

#define CQ_FIRST	16	/* entries asked at creation */
#define CQ_RESIZED	256
#define SRQ_FIRST	32
#define SRQ_RESIZED	128
#define RECVS_BEFORE	16	/* posted before the SRQ is resized */
#define RECVS_AFTER	16	/* and after */
#define SRQ_LIMIT	24
#define SENDS		20	/* > CQ_FIRST completions on each side */
#define MSG_SIZE	64
#define EVENT_TIMEOUT_MS 10000

struct setup {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_srq *srq;
	struct ibv_qp *sender, *receiver;
	struct ibv_mr *mr;
	char *buf;	/* SENDS send slots, then the receive slots */
	union ibv_gid gid;
	int gid_index;
};

static void fail(const char *step, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", step);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void pass(const char *step)
{
	printf("PASS %s\n", step);
	fflush(stdout);
}

static char *recv_slot(struct setup *s, int i)
{
	return s->buf + (SENDS + i) * MSG_SIZE;
}

static void post_recvs(struct setup *s, int first, int count, const char *step)
{
	for (int i = first; i < first + count; i++) {
		struct ibv_sge sge = {
			.addr = (uintptr_t)recv_slot(s, i),
			.length = MSG_SIZE,
			.lkey = s->mr->lkey,
		};
		struct ibv_recv_wr wr = { .wr_id = i, .sg_list = &sge, .num_sge = 1 };
		struct ibv_recv_wr *bad;
		int err = ibv_post_srq_recv(s->srq, &wr, &bad);

		if (err)
			fail(step, "ibv_post_srq_recv #%d: %s", i, strerror(err));
	}
}

static struct ibv_qp *create_qp(struct setup *s, struct ibv_srq *srq)
{
	struct ibv_qp_init_attr attr = {
		.send_cq = s->cq,
		.recv_cq = s->cq,
		.srq = srq,
		.cap = { .max_send_wr = SENDS, .max_recv_wr = srq ? 0 : 1,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.qp_type = IBV_QPT_RC,
	};

	return ibv_create_qp(s->pd, &attr);
}

/* Take QP through INIT, RTR and RTS towards REMOTE on the same port. */
static void connect_qp(struct setup *s, struct ibv_qp *qp, struct ibv_qp *remote)
{
	struct ibv_qp_attr attr = {
		.qp_state = IBV_QPS_INIT,
		.port_num = 1,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE,
	};
	int err;

	err = ibv_modify_qp(qp, &attr, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			    IBV_QP_PORT | IBV_QP_ACCESS_FLAGS);
	if (err)
		fail("connect", "to INIT: %s", strerror(err));

	memset(&attr, 0, sizeof(attr));
	attr.qp_state = IBV_QPS_RTR;
	attr.path_mtu = IBV_MTU_1024;
	attr.dest_qp_num = remote->qp_num;
	attr.rq_psn = 0;
	attr.max_dest_rd_atomic = 1;
	attr.min_rnr_timer = 12;
	attr.ah_attr.is_global = 1;
	attr.ah_attr.grh.dgid = s->gid;
	attr.ah_attr.grh.sgid_index = s->gid_index;
	attr.ah_attr.grh.hop_limit = 1;
	attr.ah_attr.port_num = 1;
	err = ibv_modify_qp(qp, &attr, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			    IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			    IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER);
	if (err)
		fail("connect", "to RTR: %s", strerror(err));

	memset(&attr, 0, sizeof(attr));
	attr.qp_state = IBV_QPS_RTS;
	attr.timeout = 14;
	attr.retry_cnt = 7;
	attr.rnr_retry = 7;
	attr.sq_psn = 0;
	attr.max_rd_atomic = 1;
	err = ibv_modify_qp(qp, &attr, IBV_QP_STATE | IBV_QP_TIMEOUT |
			    IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
			    IBV_QP_MAX_QP_RD_ATOMIC);
	if (err)
		fail("connect", "to RTS: %s", strerror(err));
}

static void setup_device(struct setup *s, const char *dev)
{
	size_t size = (SENDS + RECVS_BEFORE + RECVS_AFTER) * MSG_SIZE;

	s->ctx = open_device(dev);
	if (!s->ctx)
		fail("open", "cannot open %s", dev);
	if (ibv_query_gid(s->ctx, 1, s->gid_index, &s->gid))
		fail("open", "no GID %d on port 1", s->gid_index);
	s->pd = ibv_alloc_pd(s->ctx);
	s->buf = calloc(1, size);
	if (!s->pd || !s->buf)
		fail("open", "PD or buffer: %s", strerror(errno));
	s->mr = ibv_reg_mr(s->pd, s->buf, size, IBV_ACCESS_LOCAL_WRITE);
	if (!s->mr)
		fail("open", "ibv_reg_mr: %s", strerror(errno));
	pass("open");
}

static void resize_cq(struct setup *s)
{
	int err;

	s->cq = ibv_create_cq(s->ctx, CQ_FIRST, NULL, NULL, 0);
	if (!s->cq)
		fail("resize-cq", "ibv_create_cq: %s", strerror(errno));
	err = ibv_resize_cq(s->cq, CQ_RESIZED);
	if (err)
		fail("resize-cq", "ibv_resize_cq: %s", strerror(err));
	if (s->cq->cqe < CQ_RESIZED)
		fail("resize-cq", "%d entries after resizing to %d", s->cq->cqe, CQ_RESIZED);
	pass("resize-cq");
}

static void resize_srq(struct setup *s)
{
	struct ibv_srq_init_attr init = {
		.attr = { .max_wr = SRQ_FIRST, .max_sge = 1 },
	};
	struct ibv_srq_attr attr = { .max_wr = SRQ_RESIZED };
	int err;

	s->srq = ibv_create_srq(s->pd, &init);
	if (!s->srq)
		fail("resize-srq", "ibv_create_srq: %s", strerror(errno));
	post_recvs(s, 0, RECVS_BEFORE, "resize-srq");
	err = ibv_modify_srq(s->srq, &attr, IBV_SRQ_MAX_WR);
	if (err)
		fail("resize-srq", "ibv_modify_srq(MAX_WR): %s", strerror(err));
	memset(&attr, 0, sizeof(attr));
	err = ibv_query_srq(s->srq, &attr);
	if (err)
		fail("resize-srq", "ibv_query_srq: %s", strerror(err));
	if (attr.max_wr < SRQ_RESIZED)
		fail("resize-srq", "max_wr %u after resizing to %d", attr.max_wr, SRQ_RESIZED);
	post_recvs(s, RECVS_BEFORE, RECVS_AFTER, "resize-srq");
	pass("resize-srq");
}

static void arm_srq_limit(struct setup *s)
{
	struct ibv_srq_attr attr = { .srq_limit = SRQ_LIMIT };
	int err = ibv_modify_srq(s->srq, &attr, IBV_SRQ_LIMIT);

	if (err)
		fail("arm-limit", "ibv_modify_srq(LIMIT): %s", strerror(err));
	memset(&attr, 0, sizeof(attr));
	err = ibv_query_srq(s->srq, &attr);
	if (err)
		fail("arm-limit", "ibv_query_srq: %s", strerror(err));
	if (attr.srq_limit != SRQ_LIMIT)
		fail("arm-limit", "limit reads %u, set %d", attr.srq_limit, SRQ_LIMIT);
	pass("arm-limit");
}

static void connect_pair(struct setup *s)
{
	s->sender = create_qp(s, NULL);
	s->receiver = create_qp(s, s->srq);
	if (!s->sender || !s->receiver)
		fail("connect", "ibv_create_qp: %s", strerror(errno));
	connect_qp(s, s->sender, s->receiver);
	connect_qp(s, s->receiver, s->sender);
	pass("connect");
}

/* SENDS messages from the sender to the receiver, which takes them from the SRQ. */
static void post_sends(struct setup *s)
{
	for (int i = 0; i < SENDS; i++) {
		char *msg = s->buf + i * MSG_SIZE;
		struct ibv_sge sge = {
			.addr = (uintptr_t)msg, .length = MSG_SIZE, .lkey = s->mr->lkey,
		};
		struct ibv_send_wr wr = {
			.wr_id = i, .sg_list = &sge, .num_sge = 1,
			.opcode = IBV_WR_SEND, .send_flags = IBV_SEND_SIGNALED,
		};
		struct ibv_send_wr *bad;
		int err;

		snprintf(msg, MSG_SIZE, "hyv message %d", i);
		err = ibv_post_send(s->sender, &wr, &bad);
		if (err)
			fail("send", "ibv_post_send #%d: %s", i, strerror(err));
	}
	pass("send");
}

/*
 * Polled only once the transfer had time to finish (after the limit event
 * and a pause), so that the resized CQ holds more completions at once than
 * it was created for: every send and receive completes successfully, and
 * every message arrives intact and in order, in the receive slots posted
 * before and after the SRQ moved.
 */
static void collect_completions(struct setup *s)
{
	int sent = 0, received = 0;

	sleep(1);
	for (int polls = 0; sent + received < 2 * SENDS; polls++) {
		struct ibv_wc wc[8];
		int n = ibv_poll_cq(s->cq, 8, wc);

		if (n < 0)
			fail("complete", "ibv_poll_cq: %d", n);
		if (n == 0) {
			if (polls > 100000)
				fail("complete", "%d sends and %d receives completed of %d",
				     sent, received, SENDS);
			usleep(100);
			continue;
		}
		for (int i = 0; i < n; i++) {
			if (wc[i].status != IBV_WC_SUCCESS)
				fail("complete", "completion %s (wr %llu)",
				     ibv_wc_status_str(wc[i].status),
				     (unsigned long long)wc[i].wr_id);
			if (wc[i].opcode == IBV_WC_SEND) {
				sent++;
			} else {
				char expect[MSG_SIZE];

				snprintf(expect, sizeof(expect), "hyv message %d", received);
				if (strcmp(recv_slot(s, wc[i].wr_id), expect))
					fail("complete", "receive %llu holds '%.*s', expected '%s'",
					     (unsigned long long)wc[i].wr_id, MSG_SIZE,
					     recv_slot(s, wc[i].wr_id), expect);
				received++;
			}
		}
	}
	pass("complete");
}

static void expect_limit_event(struct setup *s)
{
	struct pollfd pfd = { .fd = s->ctx->async_fd, .events = POLLIN };
	struct ibv_async_event event;
	struct ibv_srq_attr attr;
	int err;

	err = poll(&pfd, 1, EVENT_TIMEOUT_MS);
	if (err <= 0)
		fail("limit-event", "no asynchronous event within %d ms", EVENT_TIMEOUT_MS);
	if (ibv_get_async_event(s->ctx, &event))
		fail("limit-event", "ibv_get_async_event: %s", strerror(errno));
	if (event.event_type != IBV_EVENT_SRQ_LIMIT_REACHED || event.element.srq != s->srq)
		fail("limit-event", "got '%s'", ibv_event_type_str(event.event_type));
	ibv_ack_async_event(&event);
	err = ibv_query_srq(s->srq, &attr);
	if (err)
		fail("limit-event", "ibv_query_srq: %s", strerror(err));
	if (attr.srq_limit != 0)
		fail("limit-event", "limit still %u after the event", attr.srq_limit);
	pass("limit-event");
}

static void expect_ok(int err, const char *what)
{
	if (err)
		fail("teardown", "%s: %s", what, strerror(err));
}

static void teardown(struct setup *s)
{
	expect_ok(ibv_destroy_qp(s->sender), "ibv_destroy_qp");
	expect_ok(ibv_destroy_qp(s->receiver), "ibv_destroy_qp");
	expect_ok(ibv_destroy_srq(s->srq), "ibv_destroy_srq");
	expect_ok(ibv_destroy_cq(s->cq), "ibv_destroy_cq");
	expect_ok(ibv_dereg_mr(s->mr), "ibv_dereg_mr");
	expect_ok(ibv_dealloc_pd(s->pd), "ibv_dealloc_pd");
	expect_ok(ibv_close_device(s->ctx), "ibv_close_device");
	free(s->buf);
	pass("teardown");
}

int main(int argc, char **argv)
{
	struct setup s = { .gid_index = -1 };
	const char *dev = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "d:g:")) != -1) {
		switch (opt) {
		case 'd':
			dev = optarg;
			break;
		case 'g':
			s.gid_index = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (!dev || s.gid_index < 0 || optind != argc)
		goto usage;

	setbuf(stdout, NULL);
	setup_device(&s, dev);
	resize_cq(&s);
	resize_srq(&s);
	arm_srq_limit(&s);
	connect_pair(&s);
	post_sends(&s);
	expect_limit_event(&s);
	collect_completions(&s);
	teardown(&s);
	return 0;

usage:
	fprintf(stderr, "usage: hyv-resize-events -d DEV -g GIDX\n");
	return 2;
}

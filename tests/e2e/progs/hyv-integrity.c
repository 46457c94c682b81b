// SPDX-License-Identifier: GPL-2.0
/*
 * hyv-integrity: moves patterns between two processes over an RC QP with
 * RDMA WRITE, RDMA READ and SEND, in both directions, through buffers of
 * several sizes, alignments and backings, and checks every byte.
 *
 *   hyv-integrity -d DEV -g GIDX [-p PORT]          server (waits on TCP)
 *   hyv-integrity -d DEV -g GIDX [-p PORT] SERVER   client
 *
 * Both sides run the same plan.  For every buffer case each side registers
 * a buffer; then, for each step, one side (the initiator) acts and tells
 * the other over TCP, and the side whose buffer received the data checks
 * it.  A line "PASS <case> <step>" or "FAIL ..." is printed per step and
 * the exit status is 0 only if every step passed.  Huge-page cases run
 * only where MAP_HUGETLB succeeds ("SKIP <case>: no huge pages").
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "../../include/open_device.h"

#define HUGE_SIZE (2UL << 20)

enum backing { HEAP, ANON, HUGE };

struct buffer_case {
	const char *name;
	size_t size;
	size_t offset;		/* of the registered range in its mapping */
	enum backing backing;
};

static const struct buffer_case cases[] = {
	{ "1B-aligned",		1,			0,	ANON },
	{ "63B-offset1",	63,			1,	HEAP },
	{ "4KiB-aligned",	4096,			0,	ANON },
	{ "4097B-offset4095",	4097,			4095,	ANON },
	{ "64KiB+13-offset2049", 65536 + 13,		2049,	HEAP },
	{ "1MiB+7-offset777",	(1 << 20) + 7,		777,	ANON },
	{ "4MiB-aligned",	4 << 20,		0,	ANON },
	{ "hugepage-1MiB-offset4096", 1 << 20,		4096,	HUGE },
	{ "hugepage-3MiB-offset100", (3 << 20),		100,	HUGE },
};

enum step_op { OP_WRITE, OP_READ, OP_SEND };

struct step {
	const char *name;
	bool client_initiates;
	enum step_op op;
};

/* In each step the checker is the side whose buffer the data landed in. */
static const struct step steps[] = {
	{ "write-client-to-server", true, OP_WRITE },
	{ "write-server-to-client", false, OP_WRITE },
	{ "read-client-from-server", true, OP_READ },
	{ "read-server-from-client", false, OP_READ },
	{ "send-client-to-server", true, OP_SEND },
	{ "send-server-to-client", false, OP_SEND },
};

struct peer_info {		/* exchanged over TCP, in network order */
	uint64_t addr;
	uint32_t rkey;
	uint32_t qpn;
	uint32_t psn;
	uint8_t gid[16];
} __attribute__((packed));

struct side {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp;
	int port;
	int gidx;
	int sock;
	bool server;
};

static void die(const char *what)
{
	fprintf(stderr, "hyv-integrity: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void dief(const char *what)
{
	fprintf(stderr, "hyv-integrity: %s\n", what);
	exit(2);
}

static void xfer(int sock, void *buf, size_t len, bool out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(sock, p, len) : read(sock, p, len);

		if (n <= 0)
			dief(out ? "peer write failed" : "peer went away");
		p += n;
		len -= (size_t)n;
	}
}

static void put_u32(int sock, uint32_t v)
{
	v = htonl(v);
	xfer(sock, &v, sizeof(v), true);
}

static uint32_t get_u32(int sock)
{
	uint32_t v;

	xfer(sock, &v, sizeof(v), false);
	return ntohl(v);
}

static uint8_t pattern(unsigned int seed, size_t i)
{
	return (uint8_t)(seed * 29 + i * 131 + (i >> 9) + (i >> 17));
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(seed, i);
}

/* Index of the first wrong byte, or n. */
static size_t check(const uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pattern(seed, i))
			return i;
	return n;
}

static int connect_tcp(const char *server, const char *port)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai;
	int one = 1;
	int s;

	if (getaddrinfo(server, port, &hints, &ai))
		dief("cannot resolve the server");
	s = socket(ai->ai_family, ai->ai_socktype, 0);
	if (s < 0)
		die("socket");
	for (int tries = 0; connect(s, ai->ai_addr, ai->ai_addrlen); tries++) {
		if (tries == 100)
			die("connect");
		usleep(100000);
	}
	freeaddrinfo(ai);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

static int accept_tcp(const char *port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)atoi(port)),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1;
	int l, s;

	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 1))
		die("bind/listen");
	s = accept(l, NULL, NULL);
	if (s < 0)
		die("accept");
	close(l);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

static void modify(struct ibv_qp *qp, struct ibv_qp_attr *attr, int mask)
{
	if (ibv_modify_qp(qp, attr, mask))
		die("ibv_modify_qp");
}

/* Creates the QP and brings it to RTS towards the peer. */
static void setup_qp(struct side *s)
{
	struct ibv_qp_init_attr init = {
		.send_cq = s->cq,
		.recv_cq = s->cq,
		.cap = { .max_send_wr = 4, .max_recv_wr = 4,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.qp_type = IBV_QPT_RC,
		.sq_sig_all = 1,
	};
	struct ibv_qp_attr attr;
	struct peer_info mine = {}, peer;
	union ibv_gid gid;

	s->qp = ibv_create_qp(s->pd, &init);
	if (!s->qp)
		die("ibv_create_qp");
	attr = (struct ibv_qp_attr) {
		.qp_state = IBV_QPS_INIT,
		.port_num = (uint8_t)s->port,
		.qp_access_flags = IBV_ACCESS_LOCAL_WRITE |
				   IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ,
	};
	modify(s->qp, &attr, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
	       IBV_QP_ACCESS_FLAGS);
	if (ibv_query_gid(s->ctx, (uint8_t)s->port, s->gidx, &gid))
		die("ibv_query_gid");
	mine.qpn = htonl(s->qp->qp_num);
	mine.psn = htonl(4242);
	memcpy(mine.gid, gid.raw, 16);
	xfer(s->sock, &mine, sizeof(mine), true);
	xfer(s->sock, &peer, sizeof(peer), false);

	attr = (struct ibv_qp_attr) {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = IBV_MTU_1024,
		.dest_qp_num = ntohl(peer.qpn),
		.rq_psn = ntohl(peer.psn),
		.max_dest_rd_atomic = 1,
		.min_rnr_timer = 12,
		.ah_attr = {
			.is_global = 1,
			.port_num = (uint8_t)s->port,
			.grh = { .hop_limit = 1, .sgid_index = (uint8_t)s->gidx },
		},
	};
	memcpy(attr.ah_attr.grh.dgid.raw, peer.gid, 16);
	modify(s->qp, &attr, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
	       IBV_QP_DEST_QPN | IBV_QP_RQ_PSN | IBV_QP_MAX_DEST_RD_ATOMIC |
	       IBV_QP_MIN_RNR_TIMER);
	attr = (struct ibv_qp_attr) {
		.qp_state = IBV_QPS_RTS,
		.timeout = 14,
		.retry_cnt = 7,
		.rnr_retry = 7,
		.sq_psn = 4242,
		.max_rd_atomic = 1,
	};
	modify(s->qp, &attr, IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
	       IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN | IBV_QP_MAX_QP_RD_ATOMIC);
}

static void wait_completion(struct side *s, enum ibv_wc_opcode opcode)
{
	struct ibv_wc wc;
	int n;

	do {
		n = ibv_poll_cq(s->cq, 1, &wc);
	} while (n == 0);
	if (n < 0)
		dief("ibv_poll_cq failed");
	if (wc.status != IBV_WC_SUCCESS || wc.opcode != opcode) {
		fprintf(stderr, "hyv-integrity: completion status %s opcode %d\n",
			ibv_wc_status_str(wc.status), wc.opcode);
		exit(2);
	}
}

static void post_recv(struct side *s, void *buf, size_t len, uint32_t lkey)
{
	struct ibv_sge sge = { (uintptr_t)buf, (uint32_t)len, lkey };
	struct ibv_recv_wr wr = { .sg_list = &sge, .num_sge = 1 }, *bad;

	if (ibv_post_recv(s->qp, &wr, &bad))
		die("ibv_post_recv");
}

static void post_send(struct side *s, enum ibv_wr_opcode op, void *buf,
		      size_t len, uint32_t lkey, uint64_t raddr, uint32_t rkey)
{
	struct ibv_sge sge = { (uintptr_t)buf, (uint32_t)len, lkey };
	struct ibv_send_wr wr = {
		.sg_list = &sge, .num_sge = 1, .opcode = op,
		.send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = { .remote_addr = raddr, .rkey = rkey },
	}, *bad;

	if (ibv_post_send(s->qp, &wr, &bad))
		die("ibv_post_send");
}

static void *map_case(const struct buffer_case *c, size_t *maplen)
{
	void *p;

	*maplen = c->offset + c->size;
	switch (c->backing) {
	case HEAP:
		return malloc(*maplen);
	case ANON:
		p = mmap(NULL, *maplen, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	case HUGE:
		*maplen = (*maplen + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1);
		p = mmap(NULL, *maplen, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	return NULL;
}

static void unmap_case(const struct buffer_case *c, void *p, size_t maplen)
{
	if (c->backing == HEAP)
		free(p);
	else
		munmap(p, maplen);
}

/* Runs every step on one buffer case; returns the number of failed steps. */
static int run_case(struct side *s, const struct buffer_case *c,
		    unsigned int case_no)
{
	int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
		     IBV_ACCESS_REMOTE_READ;
	struct peer_info mine = {}, peer;
	uint32_t have, peer_has;
	size_t maplen = 0;
	uint8_t *base, *buf;
	struct ibv_mr *mr;
	int failed = 0;

	base = map_case(c, &maplen);
	have = base != NULL;
	put_u32(s->sock, have);
	peer_has = get_u32(s->sock);
	if (!have || !peer_has) {
		printf("SKIP %s: no huge pages %s\n", c->name,
		       have ? "on the peer" : "here");
		if (base)
			unmap_case(c, base, maplen);
		return 0;
	}
	buf = base + c->offset;
	memset(base, 0, maplen);
	mr = ibv_reg_mr(s->pd, buf, c->size, access);
	if (!mr)
		die("ibv_reg_mr");
	mine.addr = htobe64((uintptr_t)buf);
	mine.rkey = htonl(mr->rkey);
	xfer(s->sock, &mine, sizeof(mine), true);
	xfer(s->sock, &peer, sizeof(peer), false);

	for (unsigned int i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct step *st = &steps[i];
		bool initiator = st->client_initiates != s->server;
		unsigned int seed = case_no * 16 + i + 1;
		/* WRITE and SEND land in the passive side; READ in the initiator. */
		bool checker = st->op == OP_READ ? initiator : !initiator;
		size_t bad;

		if (st->op == OP_SEND && !initiator)
			post_recv(s, buf, c->size, mr->lkey);
		/* The side whose data travels fills its buffer first. */
		if (!checker)
			fill(buf, c->size, seed);
		else
			memset(buf, 0, c->size);
		put_u32(s->sock, 1);	/* ready */
		(void)get_u32(s->sock);
		if (initiator) {
			switch (st->op) {
			case OP_WRITE:
				post_send(s, IBV_WR_RDMA_WRITE, buf, c->size,
					  mr->lkey, be64toh(peer.addr),
					  ntohl(peer.rkey));
				wait_completion(s, IBV_WC_RDMA_WRITE);
				break;
			case OP_READ:
				post_send(s, IBV_WR_RDMA_READ, buf, c->size,
					  mr->lkey, be64toh(peer.addr),
					  ntohl(peer.rkey));
				wait_completion(s, IBV_WC_RDMA_READ);
				break;
			case OP_SEND:
				post_send(s, IBV_WR_SEND, buf, c->size,
					  mr->lkey, 0, 0);
				wait_completion(s, IBV_WC_SEND);
				break;
			}
		} else if (st->op == OP_SEND) {
			wait_completion(s, IBV_WC_RECV);
		}
		put_u32(s->sock, 2);	/* done */
		(void)get_u32(s->sock);
		if (checker) {
			bad = check(buf, c->size, seed);
			if (bad == c->size) {
				printf("PASS %s %s (%zu bytes checked)\n",
				       c->name, st->name, c->size);
			} else {
				printf("FAIL %s %s: byte %zu is 0x%02x, not 0x%02x\n",
				       c->name, st->name, bad, buf[bad],
				       pattern(seed, bad));
				failed++;
			}
		}
	}
	if (ibv_dereg_mr(mr))
		die("ibv_dereg_mr");
	unmap_case(c, base, maplen);
	return failed;
}

int main(int argc, char **argv)
{
	const char *dev = NULL, *port = "18515", *server = NULL;
	struct side s = { .port = 1, .gidx = -1 };
	int failed = 0;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "d:g:p:")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'g': s.gidx = atoi(optarg); break;
		case 'p': port = optarg; break;
		default: dief("usage: hyv-integrity -d DEV -g GIDX [-p PORT] [SERVER]");
		}
	}
	if (!dev || s.gidx < 0 || argc - optind > 1)
		dief("usage: hyv-integrity -d DEV -g GIDX [-p PORT] [SERVER]");
	server = argc > optind ? argv[optind] : NULL;
	s.server = !server;
	s.sock = s.server ? accept_tcp(port) : connect_tcp(server, port);

	s.ctx = open_device(dev);
	if (!s.ctx)
		dief("cannot open the device");
	s.pd = ibv_alloc_pd(s.ctx);
	s.cq = ibv_create_cq(s.ctx, 8, NULL, NULL, 0);
	if (!s.pd || !s.cq)
		die("ibv_alloc_pd/ibv_create_cq");
	setup_qp(&s);

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		failed += run_case(&s, &cases[i], i);

	/* Both sides learn the verdict, so both exit non-zero on a failure. */
	put_u32(s.sock, (uint32_t)failed);
	failed += (int)get_u32(s.sock);
	if (ibv_destroy_qp(s.qp) || ibv_destroy_cq(s.cq) || ibv_dealloc_pd(s.pd) ||
	    ibv_close_device(s.ctx))
		die("releasing the verbs objects");
	printf("%s: %d failed step(s) on both sides\n", failed ? "FAIL" : "PASS", failed);
	return failed ? 1 : 0;
}

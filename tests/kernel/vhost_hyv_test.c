// SPDX-License-Identifier: GPL-2.0
/*
 * vhost_hyv_test: exercises /dev/vhost-hyv without QEMU, hyvd or a guest.
 *
 * The program is all three at once: it owns the vhost device as QEMU does
 * (SET_OWNER, a memory table over its own memory, the control and event
 * split rings, kick and call eventfds), writes descriptor chains into those
 * rings as a guest driver would, and serves the relay fd as the broker
 * would.  It checks contract 2 of the wire ABI: validation of chains, the
 * relay's read/write/poll, the statuses vhost_hyv completes unanswered
 * requests with, ring stop and reset with requests in flight, either side
 * closing first, the bound on outstanding requests, a race of broker
 * restarts and ring stops; and the eventq: events written by the broker
 * reach the guest's buffers in order, are kept while there is no buffer up
 * to the backlog, are discarded while stopped, and BROKER_DOWN follows a
 * closed relay fd; the doorbellq (read before the ctrlq, completed into its
 * own ring); shared-memory region 0 (SET_SHM, the vhost fd's mapping,
 * SHM_MAP/SHM_UNMAP of pages of its own memfd) and guest-memory windows
 * (MAP_GUEST of its own guest memory, mapped from the relay fd), with the
 * relay's stats back at 0 after unmaps and closes.
 *
 * Run as root where vhost_hyv.ko is loaded:  vhost_hyv_test [-v]
 * Prints TAP; exits 0 only if every check passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/vhost_hyv.h>

#define RING_NUM	64
#define MEM_SIZE	(4u << 20)
#define RING_AREA	(64u << 10)	/* per ring: desc, avail, used */
#define RING_SPAN	(16u << 10)	/* ring i at i * RING_SPAN */
#define SLOT_SIZE	(48u << 10)	/* per head: request and response */
#define SLOT_RESP	(24u << 10)	/* offset of the response in a slot */
#define EVBUF_AREA	(MEM_SIZE - (64u << 10))	/* eventq buffers */
#define EVBUF_SIZE	256
#define TIMEOUT_MS	5000
#define QUIET_MS	300	/* how long "nothing happens" is watched */

/* What a protocol 1.0 and a protocol 1.1 driver negotiate and set up. */
#define FEATURES_1_0	(1ull << VIRTIO_F_VERSION_1)
#define FEATURES_1_1	(FEATURES_1_0 | 1ull << VIRTIO_HYV_F_EVENT_QUEUE)
#define RINGS_1_0	(1u << VIRTIO_HYV_VQ_CTRL)
#define RINGS_1_1	(RINGS_1_0 | 1u << VIRTIO_HYV_VQ_EVENT)
#define FEATURES_1_2	(FEATURES_1_1 | 1ull << VIRTIO_HYV_F_DOORBELL_QUEUE)
#define RINGS_1_2	(RINGS_1_1 | 1u << VIRTIO_HYV_VQ_DOORBELL)
#define SPARE_AREA	(3584u << 10)	/* free guest memory for MAP_GUEST */
#define SHM_SIZE	(64u << 10)

static bool verbose;
static int nr_checks, nr_failed;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++nr_checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		nr_failed++;
}

static void note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The driver's side of one split ring, with its kick and call eventfds. */
struct ring {
	unsigned int index;		/* the virtqueue number */
	int kick, call;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t avail_idx, used_idx;
	bool desc_busy[RING_NUM];
};

/* QEMU's and the guest's side of one device. */
struct vm {
	int vhost;
	uint8_t *mem;			/* guest RAM at guest-physical 0 */
	struct ring ctrl, event, db;
};

struct seg {
	uint64_t gpa;
	uint32_t len;
	bool writable;
};

struct completion {
	unsigned int head;
	uint32_t len;
};

static uint64_t gpa_of(struct vm *vm, const void *p)
{
	return (const uint8_t *)p - vm->mem;
}

static uint8_t *slot_req(struct vm *vm, unsigned int slot)
{
	return vm->mem + RING_AREA + (size_t)slot * SLOT_SIZE;
}

static uint8_t *slot_resp(struct vm *vm, unsigned int slot)
{
	return slot_req(vm, slot) + SLOT_RESP;
}

static int vm_ioctl(struct vm *vm, unsigned long req, void *arg)
{
	return ioctl(vm->vhost, req, arg) < 0 ? -errno : 0;
}

static int set_running(struct vm *vm, int running)
{
	return vm_ioctl(vm, VHOST_HYV_SET_RUNNING, &running);
}

/* Lays out ring @index in the ring area and gives it eventfds. */
static void ring_init(struct vm *vm, struct ring *r, unsigned int index)
{
	uint8_t *base = vm->mem + (size_t)index * RING_SPAN;

	r->index = index;
	r->desc = (struct vring_desc *)base;
	r->avail = (struct vring_avail *)(base + 4096);
	r->used = (struct vring_used *)(base + 8192);
	r->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->kick < 0 || r->call < 0)
		die("eventfd");
}

/* Tells the vhost device where ring @r is, as QEMU does at start. */
static void ring_setup(struct vm *vm, struct ring *r)
{
	struct vhost_vring_state state = { .index = r->index };
	struct vhost_vring_addr addr = { .index = r->index };
	struct vhost_vring_file file = { .index = r->index };

	state.num = RING_NUM;
	if (vm_ioctl(vm, VHOST_SET_VRING_NUM, &state))
		die("VHOST_SET_VRING_NUM");
	state.num = 0;
	if (vm_ioctl(vm, VHOST_SET_VRING_BASE, &state))
		die("VHOST_SET_VRING_BASE");
	addr.desc_user_addr = (uintptr_t)r->desc;
	addr.avail_user_addr = (uintptr_t)r->avail;
	addr.used_user_addr = (uintptr_t)r->used;
	if (vm_ioctl(vm, VHOST_SET_VRING_ADDR, &addr))
		die("VHOST_SET_VRING_ADDR");
	file.fd = r->kick;
	if (vm_ioctl(vm, VHOST_SET_VRING_KICK, &file))
		die("VHOST_SET_VRING_KICK");
	file.fd = r->call;
	if (vm_ioctl(vm, VHOST_SET_VRING_CALL, &file))
		die("VHOST_SET_VRING_CALL");
}

/*
 * Opens the device and sets it up as QEMU does for a driver that acked
 * @features and set up the rings in @rings (a mask of virtqueue numbers),
 * without starting it.
 */
static void vm_open_stopped(struct vm *vm, uint64_t features,
			    unsigned int rings)
{
	struct vhost_memory *table;
	int memfd;

	memset(vm, 0, sizeof(*vm));
	vm->vhost = open("/dev/vhost-hyv", O_RDWR | O_CLOEXEC);
	if (vm->vhost < 0)
		die("open /dev/vhost-hyv");
	/* Shared, as QEMU's memory-backend-memfd: MAP_GUEST needs that. */
	memfd = memfd_create("guest-ram", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, MEM_SIZE))
		die("memfd");
	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, memfd, 0);
	if (vm->mem == MAP_FAILED)
		die("mmap");
	close(memfd);
	ring_init(vm, &vm->ctrl, VIRTIO_HYV_VQ_CTRL);
	ring_init(vm, &vm->event, VIRTIO_HYV_VQ_EVENT);
	ring_init(vm, &vm->db, VIRTIO_HYV_VQ_DOORBELL);

	if (vm_ioctl(vm, VHOST_SET_OWNER, NULL))
		die("VHOST_SET_OWNER");
	if (vm_ioctl(vm, VHOST_SET_FEATURES, &features))
		die("VHOST_SET_FEATURES");

	table = calloc(1, sizeof(*table) + sizeof(table->regions[0]));
	if (!table)
		die("calloc");
	table->nregions = 1;
	table->regions[0].guest_phys_addr = 0;
	table->regions[0].memory_size = MEM_SIZE;
	table->regions[0].userspace_addr = (uintptr_t)vm->mem;
	if (vm_ioctl(vm, VHOST_SET_MEM_TABLE, table))
		die("VHOST_SET_MEM_TABLE");
	free(table);

	if (rings & (1u << VIRTIO_HYV_VQ_CTRL))
		ring_setup(vm, &vm->ctrl);
	if (rings & (1u << VIRTIO_HYV_VQ_EVENT))
		ring_setup(vm, &vm->event);
	if (rings & (1u << VIRTIO_HYV_VQ_DOORBELL))
		ring_setup(vm, &vm->db);
}

/* A running device whose driver speaks protocol 1.2: all three queues. */
static void vm_open(struct vm *vm)
{
	vm_open_stopped(vm, FEATURES_1_2, RINGS_1_2);
	if (set_running(vm, 1))
		die("VHOST_HYV_SET_RUNNING 1");
}

static void vm_close(struct vm *vm)
{
	close(vm->vhost);
	close(vm->ctrl.kick);
	close(vm->ctrl.call);
	close(vm->event.kick);
	close(vm->event.call);
	close(vm->db.kick);
	close(vm->db.call);
	munmap(vm->mem, MEM_SIZE);
}

static void ring_kick(struct ring *r)
{
	uint64_t one = 1;

	if (write(r->kick, &one, sizeof(one)) != sizeof(one))
		die("kick");
}

static void ring_publish(struct ring *r, unsigned int head)
{
	r->avail->ring[r->avail_idx % RING_NUM] = head;
	__atomic_store_n(&r->avail->idx, ++r->avail_idx, __ATOMIC_RELEASE);
}

/* Writes a chain into free descriptors and offers it; returns its head. */
static int ring_post(struct ring *r, const struct seg *segs, unsigned int n)
{
	unsigned int idx[RING_NUM], found = 0, i;

	for (i = 0; i < RING_NUM && found < n; i++)
		if (!r->desc_busy[i])
			idx[found++] = i;
	if (found < n)
		return -ENOSPC;

	for (i = 0; i < n; i++) {
		struct vring_desc *d = &r->desc[idx[i]];

		r->desc_busy[idx[i]] = true;
		d->addr = segs[i].gpa;
		d->len = segs[i].len;
		d->flags = (segs[i].writable ? VRING_DESC_F_WRITE : 0) |
			   (i + 1 < n ? VRING_DESC_F_NEXT : 0);
		d->next = i + 1 < n ? idx[i + 1] : 0;
	}
	ring_publish(r, idx[0]);
	ring_kick(r);
	return idx[0];
}

static void ring_free_chain(struct ring *r, unsigned int head)
{
	for (;;) {
		r->desc_busy[head] = false;
		if (!(r->desc[head].flags & VRING_DESC_F_NEXT))
			break;
		head = r->desc[head].next;
	}
}

/* Takes the next used entry, waiting up to @timeout_ms; false on timeout. */
static bool ring_wait_used(struct ring *r, struct completion *c,
			   int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = r->call, .events = POLLIN };
	uint64_t count;

	for (;;) {
		uint16_t idx = __atomic_load_n(&r->used->idx, __ATOMIC_ACQUIRE);
		long left;

		if (idx != r->used_idx) {
			struct vring_used_elem *e =
				&r->used->ring[r->used_idx++ % RING_NUM];

			c->head = e->id;
			c->len = e->len;
			if (c->head < RING_NUM && r->desc_busy[c->head])
				ring_free_chain(r, c->head);
			return true;
		}
		left = deadline - now_ms();
		if (left <= 0)
			return false;
		if (poll(&pfd, 1, left > 100 ? 100 : left) > 0 &&
		    read(r->call, &count, sizeof(count)) < 0 && errno != EAGAIN)
			die("read call eventfd");
	}
}

static uint32_t resp_status(struct vm *vm, unsigned int slot)
{
	struct virtio_hyv_resp_hdr hdr;

	memcpy(&hdr, slot_resp(vm, slot), sizeof(hdr));
	return hdr.status;
}

/* A HELLO request in @slot; returns its length. */
static uint32_t build_hello(struct vm *vm, unsigned int slot, uint16_t tag)
{
	struct virtio_hyv_hello_req req = {
		.hdr.opcode = VIRTIO_HYV_OP_HELLO,
		.major = VIRTIO_HYV_VERSION_MAJOR,
		.minor = VIRTIO_HYV_VERSION_MINOR,
		.reserved = tag,	/* lets the broker side tell requests apart */
	};

	memcpy(slot_req(vm, slot), &req, sizeof(req));
	memset(slot_resp(vm, slot), 0xee, 64);
	return sizeof(req);
}

/* A two-descriptor request in @slot with @resp_len writable bytes. */
static int post_hello(struct vm *vm, unsigned int slot, uint16_t tag,
		      uint32_t resp_len)
{
	struct seg segs[2] = {
		{ gpa_of(vm, slot_req(vm, slot)), build_hello(vm, slot, tag),
		  false },
		{ gpa_of(vm, slot_resp(vm, slot)), resp_len, true },
	};

	return ring_post(&vm->ctrl, segs, 2);
}

/* The broker's side. */
struct relay_msg {
	struct vhost_hyv_relay_req hdr;
	uint8_t body[VIRTIO_HYV_MAX_REQ_SIZE];
};

static int get_relay(struct vm *vm)
{
	int fd = ioctl(vm->vhost, VHOST_HYV_GET_RELAY);

	return fd < 0 ? -errno : fd;
}

/* Reads one request within @timeout_ms: its length, 0 at EOF, or -errno. */
static ssize_t relay_read(int relay, struct relay_msg *msg, int timeout_ms)
{
	struct pollfd pfd = { .fd = relay, .events = POLLIN };
	ssize_t n;

	if (timeout_ms && poll(&pfd, 1, timeout_ms) == 0)
		return -ETIMEDOUT;
	n = read(relay, msg, sizeof(*msg));
	return n < 0 ? -errno : n;
}

/* What relay_read() returned, for a check's message. */
static const char *read_result(ssize_t n)
{
	static char buf[64];

	if (n == -ETIMEDOUT)
		return "timed out";
	if (!n)
		return "EOF";
	if (n < 0)
		snprintf(buf, sizeof(buf), "%s", strerror(-n));
	else
		snprintf(buf, sizeof(buf), "%zd bytes", n);
	return buf;
}

/* Whether relay_read() returned @n bytes of the HELLO posted with @tag. */
static bool is_hello(const struct relay_msg *msg, ssize_t n, uint16_t tag)
{
	struct virtio_hyv_hello_req req;

	if (n != (ssize_t)(sizeof(msg->hdr) + sizeof(req)) ||
	    msg->hdr.req_len != sizeof(req))
		return false;
	memcpy(&req, msg->body, sizeof(req));
	return req.hdr.opcode == VIRTIO_HYV_OP_HELLO && req.reserved == tag;
}

static ssize_t relay_answer(int relay, uint64_t id, uint32_t status,
			    const void *payload, uint32_t payload_len)
{
	struct {
		struct vhost_hyv_relay_resp hdr;
		struct virtio_hyv_resp_hdr resp;
		uint8_t payload[64];
	} msg = {
		.hdr.id = id,
		.hdr.resp_len = sizeof(msg.resp) + payload_len,
		.resp.status = status,
	};
	ssize_t n;

	memcpy(msg.payload, payload, payload_len);
	n = write(relay, &msg, sizeof(msg.hdr) + msg.hdr.resp_len);
	return n < 0 ? -errno : n;
}

static ssize_t relay_write_raw(int relay, const void *buf, size_t len)
{
	ssize_t n = write(relay, buf, len);

	return n < 0 ? -errno : n;
}

/* The relay's poll mask; 0 if poll() fails, which no check expects. */
static short relay_poll(int relay)
{
	struct pollfd pfd = { .fd = relay, .events = POLLIN | POLLOUT };

	return poll(&pfd, 1, 0) < 0 ? 0 : pfd.revents;
}

/* Waits until the relay has a request pending (all posted chains taken). */
static bool relay_wait_pending(int relay)
{
	struct pollfd pfd = { .fd = relay, .events = POLLIN };

	return poll(&pfd, 1, TIMEOUT_MS) == 1 && (pfd.revents & POLLIN);
}

/* A DOORBELL request in slot @slot, on the doorbellq. */
static int post_doorbell(struct vm *vm, unsigned int slot, uint32_t qp)
{
	struct virtio_hyv_doorbell_req req = {
		.hdr.opcode = VIRTIO_HYV_OP_DOORBELL,
		.ctx_handle = 1,
		.qp_handle = qp,
	};
	struct seg segs[2] = {
		{ gpa_of(vm, slot_req(vm, slot)), sizeof(req), false },
		{ gpa_of(vm, slot_resp(vm, slot)), 64, true },
	};

	memcpy(slot_req(vm, slot), &req, sizeof(req));
	memset(slot_resp(vm, slot), 0xee, 64);
	return ring_post(&vm->db, segs, 2);
}

static uint16_t msg_opcode(const struct relay_msg *msg)
{
	struct virtio_hyv_req_hdr hdr;

	memcpy(&hdr, msg->body, sizeof(hdr));
	return hdr.opcode;
}

static void test_doorbell(struct vm *vm, int relay)
{
	struct relay_msg *msg = malloc(sizeof(*msg));
	uint64_t ctrl_id = 0, db_id = 0;
	struct completion c;
	int db_head, ctrl_head;

	ctrl_head = post_hello(vm, 10, 0x5555, 64);
	db_head = post_doorbell(vm, 11, 7);
	/* Both taken from their rings before the first read. */
	usleep(QUIET_MS * 1000);
	check(relay_read(relay, msg, TIMEOUT_MS) > 0 &&
	      msg_opcode(msg) == VIRTIO_HYV_OP_DOORBELL,
	      "doorbell read before the earlier control request");
	db_id = msg->hdr.id;
	check(relay_read(relay, msg, TIMEOUT_MS) > 0 &&
	      msg_opcode(msg) == VIRTIO_HYV_OP_HELLO,
	      "then the control request");
	ctrl_id = msg->hdr.id;
	check(relay_answer(relay, db_id, 0, NULL, 0) > 0, "doorbell answered");
	check(ring_wait_used(&vm->db, &c, TIMEOUT_MS) && (int)c.head == db_head &&
	      c.len == 8 && resp_status(vm, 11) == 0,
	      "doorbell completes into the doorbellq's used ring");
	check(!ring_wait_used(&vm->ctrl, &c, QUIET_MS),
	      "nothing completes into the ctrlq meanwhile");
	check(relay_answer(relay, ctrl_id, 0, NULL, 0) > 0 &&
	      ring_wait_used(&vm->ctrl, &c, TIMEOUT_MS) &&
	      (int)c.head == ctrl_head && resp_status(vm, 10) == 0,
	      "control request completes into the ctrlq");
	free(msg);
}

static bool get_stats(int relay, struct vhost_hyv_relay_stats *st)
{
	memset(st, 0xff, sizeof(*st));
	return ioctl(relay, VHOST_HYV_RELAY_GET_STATS, st) == 0;
}

static bool stats_zero(int relay)
{
	struct vhost_hyv_relay_stats st;

	return get_stats(relay, &st) && !st.guest_pages_pinned &&
	       !st.shm_pages_mapped && !st.guest_maps && !st.shm_maps;
}

static int shm_map(int relay, void *addr, uint64_t len, uint64_t *off)
{
	struct vhost_hyv_shm_map m = { .uaddr = (uintptr_t)addr,
				       .length = len };

	if (ioctl(relay, VHOST_HYV_RELAY_SHM_MAP, &m))
		return -errno;
	*off = m.shm_offset;
	return 0;
}

static int shm_unmap(int relay, uint64_t off)
{
	return ioctl(relay, VHOST_HYV_RELAY_SHM_UNMAP, &off) ? -errno : 0;
}

/* A queue of the "host driver": shared pages that are not anonymous. */
static uint8_t *host_queue(size_t len, uint8_t fill)
{
	int fd = memfd_create("host-queue", MFD_CLOEXEC);
	uint8_t *p;

	if (fd < 0 || ftruncate(fd, len))
		die("memfd");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	close(fd);
	memset(p, fill, len);
	return p;
}

static bool all_bytes(const uint8_t *p, size_t len, uint8_t v)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void test_shm(struct vm *vm, int relay)
{
	struct vhost_hyv_shm_config cfg = { .size = 3 * 4096 };
	uint8_t *q = host_queue(2 * 4096, 0xa5), *q2 = host_queue(4096, 0x5a);
	struct vhost_hyv_relay_stats st;
	uint64_t off = 0, off2 = 0, dummy;
	uint8_t *anon, *bar;
	bool ok;
	int err;

	check(shm_map(relay, q, 4096, &dummy) == -ENXIO,
	      "SHM_MAP before SET_SHM: ENXIO");
	check(vm_ioctl(vm, VHOST_HYV_SET_SHM, &cfg) == -EINVAL,
	      "SET_SHM with a size not a power of two: EINVAL");
	cfg.size = SHM_SIZE;
	/* Run first: the arguments of check() have no evaluation order. */
	ok = vm_ioctl(vm, VHOST_HYV_SET_SHM, &cfg) == 0;
	check(ok && cfg.mmap_offset, "SET_SHM (mmap_offset %#llx)",
	      (unsigned long long)cfg.mmap_offset);
	check(vm_ioctl(vm, VHOST_HYV_SET_SHM, &cfg) == -EBUSY,
	      "second SET_SHM: EBUSY");
	check(mmap(NULL, SHM_SIZE, PROT_READ, MAP_SHARED, vm->vhost, 0) ==
	      MAP_FAILED, "mmap of the vhost fd at another offset fails");
	bar = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vm->vhost, cfg.mmap_offset);
	check(bar != MAP_FAILED, "mmap of the region");
	if (bar == MAP_FAILED)
		return;
	check(all_bytes(bar, SHM_SIZE, 0), "an empty region reads as zeroes");

	ok = shm_map(relay, q, 2 * 4096, &off) == 0;
	check(ok && !(off % 4096), "SHM_MAP of two pages (at %#llx)",
	      (unsigned long long)off);
	check(shm_map(relay, q2, 4096, &off2) == 0 && off2 != off,
	      "SHM_MAP of a third page elsewhere");
	check(all_bytes(bar + off, 2 * 4096, 0xa5) &&
	      all_bytes(bar + off2, 4096, 0x5a),
	      "the host pages read through the region's mapping");
	q[100] = 0x42;
	check(bar[off + 100] == 0x42, "the same pages, not a copy");
	check(get_stats(relay, &st) && st.shm_pages_mapped == 3 &&
	      st.shm_maps == 2, "stats: 3 shm pages in 2 maps");

	anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	check(shm_map(relay, anon, 4096, &dummy) == -EINVAL,
	      "SHM_MAP of anonymous memory: EINVAL");
	check(shm_map(relay, q + 1, 4096, &dummy) == -EINVAL,
	      "SHM_MAP of an unaligned address: EINVAL");
	/* Once: a second try could fail only because the first one mapped. */
	err = shm_map(relay, q, 2 * SHM_SIZE, &dummy);
	check(err == -EFAULT || err == -ENOSPC,
	      "SHM_MAP beyond the mapping or the region fails (%s)",
	      strerror(-err));
	munmap(anon, 4096);

	check(shm_unmap(relay, off) == 0, "SHM_UNMAP");
	check(all_bytes(bar + off, 2 * 4096, 0),
	      "unmapped pages read as the scratch page");
	check(bar[off2] == 0x5a, "the other map stays");
	check(shm_unmap(relay, off) == -ENOENT, "second SHM_UNMAP: ENOENT");
	check(shm_unmap(relay, off2 + 1) == -ENOENT,
	      "SHM_UNMAP inside a map: ENOENT");
	check(shm_unmap(relay, off2) == 0 && stats_zero(relay),
	      "stats back at 0 after the unmaps");

	/* Left mapped on purpose: closing the relay fd must unmap it. */
	check(shm_map(relay, q, 4096, &off) == 0, "SHM_MAP left to the close");
	munmap(bar, SHM_SIZE);
	munmap(q, 2 * 4096);
	munmap(q2, 4096);
}

static int map_guest(int relay, const struct virtio_hyv_page_run *runs,
		     uint32_t n, uint32_t flags, uint64_t *off, uint64_t *len)
{
	struct vhost_hyv_guest_map m = { .runs = (uintptr_t)runs,
					 .num_runs = n, .flags = flags };

	if (ioctl(relay, VHOST_HYV_RELAY_MAP_GUEST, &m))
		return -errno;
	*off = m.mmap_offset;
	*len = m.length;
	return 0;
}

static void test_map_guest(struct vm *vm, int relay)
{
	struct virtio_hyv_page_run runs[2] = {
		{ SPARE_AREA + 4 * 4096, 2 },
		{ SPARE_AREA, 1 },
	};
	struct virtio_hyv_page_run bad;
	struct vhost_hyv_relay_stats st;
	uint64_t off = 0, len = 0, d1, d2;
	uint8_t *win;

	memset(vm->mem + SPARE_AREA, 0x11, 4096);
	memset(vm->mem + SPARE_AREA + 4 * 4096, 0x22, 2 * 4096);
	check(map_guest(relay, runs, 2, VHOST_HYV_GUEST_MAP_WRITE, &off,
			&len) == 0 && len == 3 * 4096,
	      "MAP_GUEST of 3 pages in 2 runs");
	check(get_stats(relay, &st) && st.guest_pages_pinned == 3 &&
	      st.guest_maps == 1, "stats: 3 guest pages in 1 window");
	win = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, relay, off);
	check(win != MAP_FAILED, "mmap of the window from the relay fd");
	if (win != MAP_FAILED) {
		check(all_bytes(win, 2 * 4096, 0x22) &&
		      all_bytes(win + 2 * 4096, 4096, 0x11),
		      "the window holds the guest pages in run order");
		win[5] = 0x77;
		check(vm->mem[SPARE_AREA + 4 * 4096 + 5] == 0x77,
		      "writes through the window reach guest memory");
	}
	check(mmap(NULL, len, PROT_READ, MAP_SHARED, relay, off + 4096) ==
	      MAP_FAILED, "mmap not matching a window fails");

	bad = (struct virtio_hyv_page_run){ SPARE_AREA + 1, 1 };
	check(map_guest(relay, &bad, 1, 0, &d1, &d2) == -EINVAL,
	      "unaligned run: EINVAL");
	bad = (struct virtio_hyv_page_run){ SPARE_AREA, 0 };
	check(map_guest(relay, &bad, 1, 0, &d1, &d2) == -EINVAL,
	      "empty run: EINVAL");
	check(map_guest(relay, runs, 0, 0, &d1, &d2) == -EINVAL,
	      "no runs: EINVAL");
	check(map_guest(relay, runs, 1, 0x80, &d1, &d2) == -EINVAL,
	      "unknown flag: EINVAL");
	bad = (struct virtio_hyv_page_run){ MEM_SIZE, 1 };
	check(map_guest(relay, &bad, 1, 0, &d1, &d2) == -EFAULT,
	      "page outside guest memory: EFAULT");
	bad = (struct virtio_hyv_page_run){ MEM_SIZE - 4096, 2 };
	check(map_guest(relay, &bad, 1, 0, &d1, &d2) == -EFAULT,
	      "run running off guest memory: EFAULT");
	bad = (struct virtio_hyv_page_run){ 0, VHOST_HYV_MAX_GUEST_MAP_PAGES + 1 };
	check(map_guest(relay, &bad, 1, 0, &d1, &d2) == -EINVAL,
	      "run beyond the page limit: EINVAL");
	check(get_stats(relay, &st) && st.guest_maps == 1,
	      "failed MAP_GUESTs leave nothing pinned");

	check(ioctl(relay, VHOST_HYV_RELAY_UNMAP_GUEST, &off) == 0,
	      "UNMAP_GUEST");
	if (win != MAP_FAILED) {
		check(win[5] == 0x77, "the broker's mapping stays valid");
		munmap(win, len);
	}
	check(ioctl(relay, VHOST_HYV_RELAY_UNMAP_GUEST, &off) < 0 &&
	      errno == ENOENT, "second UNMAP_GUEST: ENOENT");
	check(stats_zero(relay) || (get_stats(relay, &st) && st.shm_maps == 1 &&
				    !st.guest_maps && !st.guest_pages_pinned),
	      "no guest pages pinned after UNMAP_GUEST");

	/* Left pinned on purpose: closing the relay fd must unpin it. */
	check(map_guest(relay, runs, 2, 0, &off, &len) == 0,
	      "MAP_GUEST left to the close");
	check(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, relay, off) ==
	      MAP_FAILED, "a read-only window cannot be mapped writable");
}

#define MAX_GUEST_MAPS_PARAM "/sys/module/vhost_hyv/parameters/max_guest_maps"

/* Writes @value to vhost_hyv's max_guest_maps; false if it cannot. */
static bool set_max_guest_maps(const char *value)
{
	FILE *f = fopen(MAX_GUEST_MAPS_PARAM, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(value, f) >= 0;
	return fclose(f) == 0 && ok;
}

/*
 * A relay holds at most max_guest_maps windows: one more is ENOSPC, and
 * pins nothing; unmapping one makes room again.
 */
static void test_map_guest_bound(int relay)
{
	struct virtio_hyv_page_run run = { SPARE_AREA, 1 };
	struct vhost_hyv_relay_stats st;
	uint64_t off[5], len;
	char saved[32] = "";
	FILE *f;
	bool ok;
	int i;

	f = fopen(MAX_GUEST_MAPS_PARAM, "r");
	check(f && fgets(saved, sizeof(saved), f), "read max_guest_maps");
	if (f)
		fclose(f);
	ok = set_max_guest_maps("4");
	check(ok, "set max_guest_maps to 4");
	if (!ok)
		return;
	for (i = 0; i < 4; i++)
		check(map_guest(relay, &run, 1, 0, &off[i], &len) == 0,
		      "MAP_GUEST %d of 4", i + 1);
	check(map_guest(relay, &run, 1, 0, &off[4], &len) == -ENOSPC,
	      "a fifth MAP_GUEST: ENOSPC");
	check(get_stats(relay, &st) && st.guest_maps == 4 &&
	      st.guest_pages_pinned == 4, "the fifth pinned nothing");
	check(ioctl(relay, VHOST_HYV_RELAY_UNMAP_GUEST, &off[0]) == 0 &&
	      map_guest(relay, &run, 1, 0, &off[0], &len) == 0,
	      "one unmapped, one more fits");
	for (i = 0; i < 4; i++)
		ioctl(relay, VHOST_HYV_RELAY_UNMAP_GUEST, &off[i]);
	check(set_max_guest_maps(saved), "restore max_guest_maps");
}

/* Closing the relay fd unpins what it left; a new relay fd starts empty. */
static int test_memory_close(struct vm *vm, int relay)
{
	close(relay);
	relay = get_relay(vm);
	check(relay >= 0 && stats_zero(relay),
	      "relay fd closed: its windows and shm maps are gone");
	return relay;
}

/* QEMU goes first: the shm maps go with it, the windows with the broker. */
static void test_memory_device_gone(void)
{
	struct virtio_hyv_page_run run = { SPARE_AREA, 1 };
	struct vhost_hyv_shm_config cfg = { .size = SHM_SIZE };
	uint8_t *q = host_queue(4096, 1);
	struct vhost_hyv_relay_stats st;
	uint64_t off, shm_off, len;
	struct vm vm;
	int relay;

	vm_open(&vm);
	relay = get_relay(&vm);
	/* Without both maps, "gone" and "kept" below would be vacuous. */
	check(relay >= 0 && vm_ioctl(&vm, VHOST_HYV_SET_SHM, &cfg) == 0 &&
	      shm_map(relay, q, 4096, &shm_off) == 0 &&
	      map_guest(relay, &run, 1, 0, &off, &len) == 0 &&
	      get_stats(relay, &st) && st.shm_maps == 1 && st.guest_maps == 1,
	      "a window and a shm map before QEMU goes");
	vm_close(&vm);
	check(get_stats(relay, &st) && !st.shm_maps && !st.shm_pages_mapped &&
	      st.guest_maps == 1, "device gone: shm maps gone, window kept");
	check(shm_map(relay, q, 4096, &off) == -ENXIO,
	      "SHM_MAP after the device is gone: ENXIO");
	check(ioctl(relay, VHOST_HYV_RELAY_SHM_UNMAP, &shm_off) < 0 &&
	      errno == ENXIO,
	      "SHM_UNMAP of a map that went with the device: ENXIO");
	check(map_guest(relay, &run, 1, 0, &off, &len) == -ENODEV,
	      "MAP_GUEST after the device is gone: ENODEV");
	close(relay);
	munmap(q, 4096);
}

static void test_ownership(void)
{
	int fd = open("/dev/vhost-hyv", O_RDWR | O_CLOEXEC);
	uint64_t features = 0;
	int running = 1;
	bool got;

	if (fd < 0)
		die("open /dev/vhost-hyv");
	check(ioctl(fd, VHOST_HYV_GET_RELAY) < 0 && errno == EPERM,
	      "GET_RELAY before SET_OWNER fails with EPERM");
	check(ioctl(fd, VHOST_HYV_SET_RUNNING, &running) < 0 &&
	      errno == EPERM, "SET_RUNNING before SET_OWNER fails with EPERM");
	check(ioctl(fd, VHOST_HYV_RESET_DEVICE) < 0 && errno == EPERM,
	      "RESET_DEVICE before SET_OWNER fails with EPERM");
	/* Read first: the arguments of check() have no evaluation order. */
	got = ioctl(fd, VHOST_GET_FEATURES, &features) == 0;
	check(got && (features & (1ull << VIRTIO_F_VERSION_1)) &&
	      (features & (1ull << VIRTIO_F_ACCESS_PLATFORM)) &&
	      (features & (1ull << VIRTIO_HYV_F_EVENT_QUEUE)) &&
	      (features & (1ull << VIRTIO_HYV_F_DOORBELL_QUEUE)) &&
	      !(features & (1ull << VHOST_F_LOG_ALL)),
	      "features: VERSION_1, ACCESS_PLATFORM and EVENT_QUEUE, no LOG_ALL (%#llx)",
	      (unsigned long long)features);
	features = 1ull << VHOST_F_LOG_ALL;
	check(ioctl(fd, VHOST_SET_FEATURES, &features) < 0 &&
	      errno == EOPNOTSUPP, "SET_FEATURES with LOG_ALL: EOPNOTSUPP");
	close(fd);
}

static void test_no_relay(struct vm *vm)
{
	struct completion c;
	int running = 2;

	check(vm_ioctl(vm, VHOST_HYV_SET_RUNNING, &running) == -EINVAL,
	      "SET_RUNNING 2 fails with EINVAL");
	post_hello(vm, 0, 0, 64);
	check(ring_wait_used(&vm->ctrl, &c, TIMEOUT_MS) && c.len == 8 &&
	      resp_status(vm, 0) == ENOTCONN,
	      "request without a relay fd completes with ENOTCONN");
}

static void test_relay_basics(struct vm *vm, int relay)
{
	struct relay_msg *msg = malloc(sizeof(*msg));
	int fd_flags = fcntl(relay, F_GETFD);
	char small[64];

	/* -1, a failed fcntl(), has every bit set. */
	check(fd_flags >= 0 && (fd_flags & FD_CLOEXEC), "relay fd is O_CLOEXEC");
	check(get_relay(vm) == -EBUSY, "second GET_RELAY fails with EBUSY");
	check(read(relay, small, sizeof(small)) < 0 && errno == EINVAL,
	      "read with a short buffer fails with EINVAL");
	fcntl(relay, F_SETFL, O_NONBLOCK);
	check(relay_read(relay, msg, 0) == -EAGAIN,
	      "non-blocking read with nothing pending: EAGAIN");
	fcntl(relay, F_SETFL, 0);
	check(relay_poll(relay) == POLLOUT, "idle relay polls POLLOUT only");
	free(msg);
}

static void test_round_trip(struct vm *vm, int relay)
{
	struct relay_msg *msg = malloc(sizeof(*msg));
	struct vhost_hyv_relay_resp bad;
	static const char pong[] = "pong-0123456789";
	struct completion c;
	uint32_t req_len = build_hello(vm, 1, 0);
	int head = post_hello(vm, 1, 0x1111, 4096);
	uint64_t id;
	ssize_t n;

	n = relay_read(relay, msg, TIMEOUT_MS);
	check(n == (ssize_t)(sizeof(msg->hdr) + req_len) &&
	      msg->hdr.req_len == req_len && msg->hdr.resp_max == 4096 &&
	      !memcmp(msg->body, slot_req(vm, 1), req_len),
	      "relay reads the request bytes, req_len and resp_max (%zd)", n);
	id = msg->hdr.id;
	check(relay_poll(relay) == POLLOUT, "nothing pending after the read");

	check(relay_answer(relay, id + 1000, 0, pong, 0) == -ENOENT,
	      "answer to an unknown id: ENOENT");
	bad = (struct vhost_hyv_relay_resp){ .id = id, .resp_len = 8,
					     .reserved = 1 };
	check(relay_write_raw(relay, &bad, sizeof(bad)) == -EINVAL,
	      "answer shorter than a response header: EINVAL");
	{
		struct {
			struct vhost_hyv_relay_resp hdr;
			uint8_t resp[4097];
		} big = { .hdr = { .id = id, .resp_len = 4097 } };

		big.hdr.reserved = 1;
		check(relay_write_raw(relay, &big, sizeof(big)) == -EINVAL,
		      "answer with reserved != 0: EINVAL");
		big.hdr.reserved = 0;
		big.hdr.resp_len = 100;
		check(relay_write_raw(relay, &big, sizeof(big)) == -EINVAL,
		      "answer whose resp_len disagrees with the write: EINVAL");
		big.hdr.resp_len = sizeof(big.resp);
		/* sizeof(big) includes tail padding: write exactly hdr + resp */
		check(relay_write_raw(relay, &big,
				      sizeof(big.hdr) + sizeof(big.resp)) == -EMSGSIZE,
		      "answer larger than resp_max: EMSGSIZE");
	}
	check(relay_answer(relay, id, 0, pong, sizeof(pong)) ==
	      (ssize_t)(sizeof(struct vhost_hyv_relay_resp) + 8 + sizeof(pong)),
	      "answer accepted after the rejected ones");
	check(ring_wait_used(&vm->ctrl, &c, TIMEOUT_MS) &&
	      (int)c.head == head &&
	      c.len == 8 + sizeof(pong) && resp_status(vm, 1) == 0 &&
	      !memcmp(slot_resp(vm, 1) + 8, pong, sizeof(pong)),
	      "guest gets the answer, used length = resp_len");
	check(relay_answer(relay, id, 0, pong, 0) == -ENOENT,
	      "second answer to the same id: ENOENT");
	free(msg);
}

static void test_split_chain(struct vm *vm, int relay)
{
	struct relay_msg *msg = malloc(sizeof(*msg));
	uint32_t req_len = build_hello(vm, 2, 0x2222);
	struct seg segs[VIRTIO_HYV_MAX_CHAIN_DESCS];
	struct completion c;
	unsigned int i, off = 0;
	ssize_t n;

	/* 15 readable pieces (the last takes the rest) and one writable. */
	for (i = 0; i < 15; i++) {
		uint32_t len = i < 14 ? 1 : req_len - off;

		segs[i] = (struct seg){ gpa_of(vm, slot_req(vm, 2) + off), len,
					false };
		off += len;
	}
	segs[15] = (struct seg){ gpa_of(vm, slot_resp(vm, 2)), 64, true };
	ring_post(&vm->ctrl, segs, 16);

	n = relay_read(relay, msg, TIMEOUT_MS);
	check(n > 0 && msg->hdr.req_len == req_len &&
	      !memcmp(msg->body, slot_req(vm, 2), req_len),
	      "16-descriptor chain is relayed, readable part concatenated");
	if (n > 0)
		relay_answer(relay, msg->hdr.id, 0, NULL, 0);
	check(ring_wait_used(&vm->ctrl, &c, TIMEOUT_MS) && c.len == 8,
	      "16-descriptor chain completes");
	free(msg);
}

/* A malformed chain: expect @status in an 8-byte answer, or used == 0. */
static void expect_rejected(struct vm *vm, int relay, const struct seg *segs,
			    unsigned int n, bool has_room, const char *name)
{
	struct relay_msg *msg = malloc(sizeof(*msg));
	struct completion c;

	memset(slot_resp(vm, 3), 0xee, 64);
	ring_post(&vm->ctrl, segs, n);
	if (has_room)
		check(ring_wait_used(&vm->ctrl, &c, TIMEOUT_MS) && c.len == 8 &&
		      resp_status(vm, 3) == EINVAL,
		      "%s: EINVAL, used 8", name);
	else
		check(ring_wait_used(&vm->ctrl, &c, TIMEOUT_MS) && c.len == 0,
		      "%s: used length 0", name);
	fcntl(relay, F_SETFL, O_NONBLOCK);
	check(relay_read(relay, msg, 0) == -EAGAIN,
	      "%s: nothing reaches the broker", name);
	fcntl(relay, F_SETFL, 0);
	free(msg);
}

static void test_malformed(struct vm *vm, int relay)
{
	uint64_t req = gpa_of(vm, slot_req(vm, 3));
	uint64_t resp = gpa_of(vm, slot_resp(vm, 3));
	struct seg segs[VIRTIO_HYV_MAX_CHAIN_DESCS + 1];
	unsigned int i;

	build_hello(vm, 3, 0);
	segs[0] = (struct seg){ req, 4, false };
	segs[1] = (struct seg){ resp, 64, true };
	expect_rejected(vm, relay, segs, 2, true, "short-request");

	segs[0] = (struct seg){ req, VIRTIO_HYV_MAX_REQ_SIZE + 1, false };
	expect_rejected(vm, relay, segs, 2, true, "oversize-request");

	segs[0] = (struct seg){ req, 16, false };
	segs[1] = (struct seg){ resp, VIRTIO_HYV_MAX_RESP_SIZE + 1, true };
	expect_rejected(vm, relay, segs, 2, true, "oversize-response");

	for (i = 0; i < VIRTIO_HYV_MAX_CHAIN_DESCS; i++)
		segs[i] = (struct seg){ req + i, 1, false };
	segs[i] = (struct seg){ resp, 64, true };
	expect_rejected(vm, relay, segs, i + 1, true, "too-many-descs");

	segs[0] = (struct seg){ resp, 64, true };
	expect_rejected(vm, relay, segs, 1, true, "no-request");

	segs[0] = (struct seg){ req, 16, false };
	expect_rejected(vm, relay, segs, 1, false, "no-response");

	segs[1] = (struct seg){ resp, 4, true };
	expect_rejected(vm, relay, segs, 2, false, "short-response");
}

/* The eventq: the guest's buffers and the broker's events. */
#define EVENT_WRITE_LEN \
	((ssize_t)(sizeof(struct vhost_hyv_relay_resp) + \
		   sizeof(struct virtio_hyv_event)))

/* Posts one eventq buffer of @len bytes; returns its head. */
static int post_event_buf(struct vm *vm, uint32_t len, bool writable)
{
	uint8_t *buf = vm->mem + EVBUF_AREA +
		       (size_t)(vm->event.avail_idx % RING_NUM) * EVBUF_SIZE;
	struct seg seg = { gpa_of(vm, buf), len, writable };

	memset(buf, 0xee, EVBUF_SIZE);
	return ring_post(&vm->event, &seg, 1);
}

/*
 * Waits up to @timeout_ms for the next used eventq buffer; returns its
 * first descriptor's memory and sets *@len to the used length, or NULL.
 */
static const uint8_t *wait_event(struct vm *vm, uint32_t *len,
				 int timeout_ms)
{
	struct completion c;

	if (!ring_wait_used(&vm->event, &c, timeout_ms) || c.head >= RING_NUM)
		return NULL;
	*len = c.len;
	return vm->mem + vm->event.desc[c.head].addr;
}

/* Whether the next used buffer holds exactly @ev, and nothing after it. */
static bool got_event(struct vm *vm, const struct virtio_hyv_event *ev)
{
	const uint8_t *buf;
	uint32_t len;

	buf = wait_event(vm, &len, TIMEOUT_MS);
	return buf && len == sizeof(*ev) && !memcmp(buf, ev, sizeof(*ev)) &&
	       buf[sizeof(*ev)] == 0xee;
}

/* DEVICE_ADDED for dev_id @n, every byte of it derived from @n. */
static struct virtio_hyv_event make_event(uint32_t n)
{
	struct virtio_hyv_event ev;
	unsigned int i;

	for (i = 0; i < sizeof(ev.raw); i++)
		ev.raw[i] = n + i;
	ev.type = VIRTIO_HYV_EVT_DEVICE_ADDED;
	ev.reserved = 0;
	ev.device.dev_id = n;
	snprintf(ev.device.name, sizeof(ev.device.name), "rxe%u", n);
	return ev;
}

static const struct virtio_hyv_event broker_down = {
	.type = VIRTIO_HYV_EVT_BROKER_DOWN,
};

/* The broker writes @ev for the guest. */
static ssize_t relay_event(int relay, const struct virtio_hyv_event *ev)
{
	struct {
		struct vhost_hyv_relay_resp hdr;
		struct virtio_hyv_event ev;
	} msg = {
		.hdr = { .id = VHOST_HYV_RELAY_EVENT,
			 .resp_len = sizeof(msg.ev) },
		.ev = *ev,
	};

	return relay_write_raw(relay, &msg, sizeof(msg));
}

static void test_event_delivered(struct vm *vm, int relay)
{
	struct virtio_hyv_event ev = make_event(1);

	post_event_buf(vm, EVBUF_SIZE, true);
	check(relay_event(relay, &ev) == EVENT_WRITE_LEN,
	      "event write accepted (%zd bytes)", EVENT_WRITE_LEN);
	check(got_event(vm, &ev),
	      "the event lands in the posted buffer: its 128 bytes, used 128");
}

/* Events wait for buffers, in order; unusable buffers come back empty. */
static void test_events_kept(struct vm *vm, int relay)
{
	struct virtio_hyv_event ev;
	unsigned int i, accepted = 0, in_order = 0;
	uint8_t *half = vm->mem + EVBUF_AREA - EVBUF_SIZE;
	struct seg split[2] = {
		{ gpa_of(vm, half), 64, true },
		{ gpa_of(vm, half + 64), 64, true },
	};
	uint32_t len;

	for (i = 0; i < 6; i++) {
		ev = make_event(10 + i);
		accepted += relay_event(relay, &ev) == EVENT_WRITE_LEN;
	}
	check(accepted == 6, "6 events accepted with no buffer posted");
	check(!wait_event(vm, &len, QUIET_MS), "no buffer: nothing is used");

	post_event_buf(vm, sizeof(ev) - 1, true);
	check(wait_event(vm, &len, TIMEOUT_MS) && len == 0,
	      "a 127-byte buffer comes back with used length 0");
	post_event_buf(vm, EVBUF_SIZE, false);
	check(wait_event(vm, &len, TIMEOUT_MS) && len == 0,
	      "a device-readable buffer comes back with used length 0");

	/* The first event, into two 64-byte descriptors. */
	ev = make_event(10);
	memset(half, 0xee, EVBUF_SIZE);
	ring_post(&vm->event, split, 2);
	check(wait_event(vm, &len, TIMEOUT_MS) && len == sizeof(ev) &&
	      !memcmp(half, &ev, sizeof(ev)),
	      "the first kept event fills a buffer of two 64-byte pieces");

	for (i = 1; i < 6; i++)
		post_event_buf(vm, EVBUF_SIZE, true);
	for (i = 1; i < 6; i++) {
		ev = make_event(10 + i);
		in_order += got_event(vm, &ev);
	}
	check(in_order == 5,
	      "later buffers take the other kept events in order (%u/5)",
	      in_order);
}

static void test_event_backlog(struct vm *vm, int relay)
{
	struct virtio_hyv_event ev;
	unsigned int i, accepted = 0, in_order = 0;

	for (i = 0; i < VHOST_HYV_EVENT_BACKLOG; i++) {
		ev = make_event(100 + i);
		accepted += relay_event(relay, &ev) == EVENT_WRITE_LEN;
	}
	check(accepted == VHOST_HYV_EVENT_BACKLOG,
	      "%u events kept without a buffer (%u)", VHOST_HYV_EVENT_BACKLOG,
	      accepted);
	ev = make_event(99);
	check(relay_event(relay, &ev) == -ENOBUFS,
	      "one more than the backlog: ENOBUFS");

	post_event_buf(vm, EVBUF_SIZE, true);
	ev = make_event(100);
	check(got_event(vm, &ev), "a buffer takes the oldest kept event");
	ev = make_event(100 + VHOST_HYV_EVENT_BACKLOG);
	check(relay_event(relay, &ev) == EVENT_WRITE_LEN,
	      "a delivered event makes room for one more");

	for (i = 0; i < VHOST_HYV_EVENT_BACKLOG; i++)
		post_event_buf(vm, EVBUF_SIZE, true);
	for (i = 1; i <= VHOST_HYV_EVENT_BACKLOG; i++) {
		ev = make_event(100 + i);
		in_order += got_event(vm, &ev);
	}
	check(in_order == VHOST_HYV_EVENT_BACKLOG,
	      "the backlog drains in order, none lost to the ENOBUFS (%u/%u)",
	      in_order, VHOST_HYV_EVENT_BACKLOG);
}

static void test_event_bad_writes(struct vm *vm, int relay)
{
	static const uint32_t sizes[] = {
		sizeof(struct virtio_hyv_resp_hdr),
		sizeof(struct virtio_hyv_event) - 1,
		sizeof(struct virtio_hyv_event) + 1,
		2 * sizeof(struct virtio_hyv_event),
	};
	struct {
		struct vhost_hyv_relay_resp hdr;
		uint8_t body[2 * sizeof(struct virtio_hyv_event)];
	} msg = { .hdr.id = VHOST_HYV_RELAY_EVENT };
	struct virtio_hyv_event ev = make_event(2);
	unsigned int i, refused = 0;

	memset(msg.body, 0x5a, sizeof(msg.body));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizeof(msg.hdr) + sizes[i];

		msg.hdr.resp_len = sizes[i];
		refused += relay_write_raw(relay, &msg, n) == -EINVAL;
	}
	check(refused == i, "event of 8, 127, 129 or 256 bytes: EINVAL (%u/%u)",
	      refused, i);
	post_event_buf(vm, EVBUF_SIZE, true);
	relay_event(relay, &ev);
	check(got_event(vm, &ev), "none of them was kept");
}

/* Events are kept only while the device runs. */
static void test_events_while_stopped(struct vm *vm, int relay)
{
	struct virtio_hyv_event ev;
	unsigned int accepted = 0;
	uint32_t len;

	ev = make_event(200);
	accepted += relay_event(relay, &ev) == EVENT_WRITE_LEN;
	ev = make_event(201);
	accepted += relay_event(relay, &ev) == EVENT_WRITE_LEN;
	/* Else "discarded" below would hold of events never kept. */
	check(accepted == 2, "2 events kept before the stop (%u/2)", accepted);
	check(set_running(vm, 0) == 0, "stop with 2 events kept");
	ev = make_event(202);
	check(relay_event(relay, &ev) == EVENT_WRITE_LEN,
	      "event written while stopped: accepted");
	check(set_running(vm, 1) == 0, "start again");
	post_event_buf(vm, EVBUF_SIZE, true);
	check(!wait_event(vm, &len, QUIET_MS),
	      "events kept at the stop and written while stopped are discarded");
	ev = make_event(203);
	relay_event(relay, &ev);
	check(got_event(vm, &ev), "events after the start are delivered");
}

/* Returns the relay fd that replaces @relay. */
static int test_broker_down(struct vm *vm, int relay)
{
	struct virtio_hyv_event ev = make_event(300);
	unsigned int i, brokers = 0;
	uint32_t len;

	post_event_buf(vm, EVBUF_SIZE, true);
	close(relay);
	check(got_event(vm, &broker_down),
	      "closing the relay fd sends the guest BROKER_DOWN");

	/* Two brokers come and go while the guest posts no buffer. */
	for (i = 0; i < 2; i++) {
		relay = get_relay(vm);
		if (relay >= 0)
			close(relay);
		brokers += relay >= 0;
	}
	check(brokers == 2, "two brokers open and close their relay fd (%u/2)",
	      brokers);
	relay = get_relay(vm);
	post_event_buf(vm, EVBUF_SIZE, true);
	post_event_buf(vm, EVBUF_SIZE, true);
	check(got_event(vm, &broker_down) && !wait_event(vm, &len, QUIET_MS),
	      "an undelivered BROKER_DOWN makes the next one redundant");
	relay_event(relay, &ev);
	check(got_event(vm, &ev), "the new broker's events follow");
	return relay;
}

/* A 1.0 driver has no eventq; one that negotiated it must set it up. */
static void test_eventq_negotiation(void)
{
	struct virtio_hyv_event ev = make_event(400);
	struct vm vm;
	uint32_t len;
	int relay;

	/* Queue 1 holds a ring, as it may from an earlier driver. */
	vm_open_stopped(&vm, FEATURES_1_0, RINGS_1_1);
	check(set_running(&vm, 1) == 0, "1.0 driver: SET_RUNNING 1");
	relay = get_relay(&vm);
	post_event_buf(&vm, EVBUF_SIZE, true);
	check(relay_event(relay, &ev) == EVENT_WRITE_LEN,
	      "1.0 driver: event write accepted");
	close(relay);
	check(!wait_event(&vm, &len, QUIET_MS),
	      "1.0 driver: queue 1 is not serviced, events and BROKER_DOWN are discarded");
	vm_close(&vm);

	vm_open_stopped(&vm, FEATURES_1_1, RINGS_1_0);
	check(set_running(&vm, 1) == -EFAULT,
	      "EVENT_QUEUE negotiated, queue 1 not set up: SET_RUNNING fails with EFAULT");
	vm_close(&vm);
}

static int test_relay_close(struct vm *vm, int relay)
{
	struct relay_msg *msg = malloc(sizeof(*msg));
	struct completion c[2];
	ssize_t n;
	bool ok;

	post_hello(vm, 4, 0x4444, 64);
	post_hello(vm, 5, 0x5555, 64);
	n = relay_read(relay, msg, TIMEOUT_MS);
	ok = is_hello(msg, n, 0x4444);
	check(ok && relay_wait_pending(relay),
	      "one of two requests read before the broker dies (read: %s)",
	      read_result(n));
	close(relay);
	ok = ring_wait_used(&vm->ctrl, &c[0], TIMEOUT_MS) &&
	     ring_wait_used(&vm->ctrl, &c[1], TIMEOUT_MS);
	check(ok && resp_status(vm, 4) == ECONNRESET &&
	      resp_status(vm, 5) == ECONNRESET,
	      "closing the relay fails read and unread requests: ECONNRESET");
	relay = get_relay(vm);
	check(relay >= 0, "a new relay fd after the old one closed");
	free(msg);
	return relay;
}

static void test_stop_drains(struct vm *vm, int relay)
{
	struct vhost_vring_state state = { .index = 0 };
	struct relay_msg *msg = malloc(sizeof(*msg));
	struct completion c[2];
	uint64_t id = 0;
	ssize_t n;
	bool ok;

	post_hello(vm, 6, 0x6666, 64);
	post_hello(vm, 7, 0x7777, 64);
	/* Else "in-flight" below is not tested, and id 0 is never in flight. */
	n = relay_read(relay, msg, TIMEOUT_MS);
	ok = is_hello(msg, n, 0x6666);
	if (ok)
		id = msg->hdr.id;
	check(ok && relay_wait_pending(relay),
	      "one request read and one pending before the stop (read: %s)",
	      read_result(n));
	check(set_running(vm, 0) == 0, "SET_RUNNING 0 with requests queued");
	/* Drained before the ioctl returned: no waiting allowed. */
	check(ring_wait_used(&vm->ctrl, &c[0], 0) &&
	      ring_wait_used(&vm->ctrl, &c[1], 0) &&
	      resp_status(vm, 6) == ECONNRESET &&
	      resp_status(vm, 7) == ECONNRESET,
	      "stopping completes in-flight and pending requests: ECONNRESET");
	check(id && relay_answer(relay, id, 0, NULL, 0) == -ENOENT,
	      "answer after the stop: ENOENT");
	check(vm_ioctl(vm, VHOST_GET_VRING_BASE, &state) == 0 &&
	      state.num == vm->ctrl.avail_idx,
	      "GET_VRING_BASE accounts for every chain (%u/%u)", state.num,
	      vm->ctrl.avail_idx);
	check(set_running(vm, 1) == 0, "SET_RUNNING 1 again");
	post_hello(vm, 8, 0, 64);
	if (relay_read(relay, msg, TIMEOUT_MS) > 0)
		relay_answer(relay, msg->hdr.id, 0, NULL, 0);
	check(ring_wait_used(&vm->ctrl, &c[0], TIMEOUT_MS) && c[0].len == 8 &&
	      resp_status(vm, 8) == 0, "requests flow after the restart");
	free(msg);
}

/* Whether relay_read() returned @n bytes of the reset notice. */
static bool is_reset_notice(const struct relay_msg *msg, ssize_t n)
{
	return n == (ssize_t)sizeof(msg->hdr) &&
	       msg->hdr.id == VHOST_HYV_RELAY_RESET && !msg->hdr.req_len &&
	       !msg->hdr.resp_max;
}

/*
 * A device reset completes what the broker has not answered, as a stop
 * does, and the broker reads one reset notice before anything the guest's
 * next instance asks.
 */
static void test_reset_notice(struct vm *vm, int relay)
{
	struct relay_msg *msg = malloc(sizeof(*msg));
	struct completion c;
	uint64_t id = 0;
	ssize_t n;

	post_hello(vm, 6, 0x6161, 64);
	n = relay_read(relay, msg, TIMEOUT_MS);
	if (is_hello(msg, n, 0x6161))
		id = msg->hdr.id;
	check(id, "a request in flight before the reset (read: %s)",
	      read_result(n));
	check(vm_ioctl(vm, VHOST_HYV_RESET_DEVICE, NULL) == 0,
	      "RESET_DEVICE by the owner");
	check(ring_wait_used(&vm->ctrl, &c, 0) &&
	      resp_status(vm, 6) == ECONNRESET,
	      "the reset completes the request in flight: ECONNRESET");
	check(relay_poll(relay) & POLLIN, "the reset notice is readable");

	check(set_running(vm, 1) == 0, "SET_RUNNING 1 after the reset");
	post_hello(vm, 7, 0x7272, 64);
	usleep(200 * 1000);	/* the worker queues it behind the notice */
	n = relay_read(relay, msg, TIMEOUT_MS);
	check(is_reset_notice(msg, n),
	      "the broker reads the reset notice first (read: %s, id %#llx)",
	      read_result(n), (unsigned long long)msg->hdr.id);
	n = relay_read(relay, msg, TIMEOUT_MS);
	check(is_hello(msg, n, 0x7272),
	      "then the next instance's request (read: %s)", read_result(n));
	if (n > 0)
		relay_answer(relay, msg->hdr.id, 0, NULL, 0);
	check(ring_wait_used(&vm->ctrl, &c, TIMEOUT_MS) &&
	      resp_status(vm, 7) == 0, "which is answered as usual");

	check(vm_ioctl(vm, VHOST_HYV_RESET_DEVICE, NULL) == 0 &&
	      vm_ioctl(vm, VHOST_HYV_RESET_DEVICE, NULL) == 0 &&
	      set_running(vm, 1) == 0, "two resets, then a start");
	n = relay_read(relay, msg, TIMEOUT_MS);
	check(is_reset_notice(msg, n) &&
	      relay_read(relay, msg, 300) == -ETIMEDOUT,
	      "two resets before a read give one notice (read: %s)",
	      read_result(n));
	free(msg);
}

/* A driver that recycles one head cannot queue more than the ring size. */
static void test_outstanding_bound(struct vm *vm, int relay)
{
	struct relay_msg *msg = malloc(sizeof(*msg));
	uint16_t used0 = vm->ctrl.used_idx, avail0 = vm->ctrl.avail_idx;
	struct vhost_vring_state state = { .index = 0 };
	unsigned int i, nr_read = 0;
	uint64_t first_id = 0;
	uint16_t used;
	int head;

	head = post_hello(vm, 9, 0, 64);
	for (i = 1; i < RING_NUM + 8; i++) {
		if (i == RING_NUM)
			usleep(500000);	/* let vhost take the first ring-full */
		ring_publish(&vm->ctrl, head);
		ring_kick(&vm->ctrl);
	}
	fcntl(relay, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t n = relay_read(relay, msg, 500);

		if (n <= 0)
			break;
		if (!nr_read++)
			first_id = msg->hdr.id;
	}
	check(nr_read == RING_NUM, "%u chains posted, %u relayed (ring size)",
	      RING_NUM + 8, nr_read);
	check(nr_read && relay_answer(relay, first_id, 0, NULL, 0) > 0 &&
	      relay_read(relay, msg, TIMEOUT_MS) > 0,
	      "one answer lets one more chain in");

	/* 1 answered + 64 in flight completed; 7 never taken. */
	check(set_running(vm, 0) == 0, "stop with a ring-full in flight");
	used = __atomic_load_n(&vm->ctrl.used->idx, __ATOMIC_ACQUIRE);
	check((uint16_t)(used - used0) == RING_NUM + 1 &&
	      vm_ioctl(vm, VHOST_GET_VRING_BASE, &state) == 0 &&
	      (uint16_t)(state.num - avail0) == RING_NUM + 1,
	      "stop completed each taken chain once (%u used, base %u)",
	      (uint16_t)(used - used0), (uint16_t)(state.num - avail0));

	/* The 7 left are taken after the restart; answer them. */
	check(set_running(vm, 1) == 0, "start with chains left in the ring");
	for (i = 0; i < 7 && relay_read(relay, msg, TIMEOUT_MS) > 0; i++)
		relay_answer(relay, msg->hdr.id, 0, NULL, 0);
	fcntl(relay, F_SETFL, 0);
	for (i = 0; i < 50; i++) {
		used = __atomic_load_n(&vm->ctrl.used->idx, __ATOMIC_ACQUIRE);
		if (used == vm->ctrl.avail_idx)
			break;
		usleep(100000);
	}
	check(used == vm->ctrl.avail_idx,
	      "every recycled chain completed exactly once (%u/%u)",
	      (uint16_t)(used - used0),
	      (uint16_t)(vm->ctrl.avail_idx - avail0));
	vm->ctrl.used_idx = used;
	ring_free_chain(&vm->ctrl, head);
	free(msg);
}

/*
 * The broker of the race test: answers everything, restarts often.  Its
 * relay fd is non-blocking: a ring stop between poll() and read() takes
 * the request back, and a blocking read() would then wait for one that
 * may never come (hyvd reads the same way, through Asio).  Its answer
 * echoes the request's tag, so that the guest can tell it from another
 * chain's; every answer the relay takes must reach the guest once.
 */
struct broker {
	struct vm *vm;
	int relay;
	bool stop;			/* __atomic */
	unsigned int answered;		/* answers the relay took */
	unsigned int late;		/* -ENOENT: a ring stop failed it first */
	unsigned int restarts;
	bool stopped;			/* it left its loop when told to */
	char error[96];			/* why it ended before it was told to */
};

static void *broker_main(void *arg)
{
	struct broker *b = arg;
	struct relay_msg *msg = malloc(sizeof(*msg));

	if (!msg || fcntl(b->relay, F_SETFL, O_NONBLOCK)) {
		snprintf(b->error, sizeof(b->error), "setup: %s",
			 strerror(errno));
		goto out;
	}
	for (;;) {
		struct virtio_hyv_hello_req req;
		uint64_t tag;
		ssize_t n;

		if (__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE)) {
			b->stopped = true;
			break;
		}
		n = relay_read(b->relay, msg, 50);
		if (n == -ETIMEDOUT || n == -EAGAIN)
			continue;
		if (n != (ssize_t)(sizeof(msg->hdr) + sizeof(req))) {
			snprintf(b->error, sizeof(b->error), "read: %s",
				 read_result(n));
			break;
		}
		memcpy(&req, msg->body, sizeof(req));
		tag = req.reserved;
		n = relay_answer(b->relay, msg->hdr.id, 0, &tag, sizeof(tag));
		/* Some answers race with ring stops; ENOENT is fine then. */
		if (n == -ENOENT) {
			b->late++;
			continue;
		}
		if (n < 0) {
			snprintf(b->error, sizeof(b->error), "answer: %s",
				 strerror(-n));
			break;
		}
		if (++b->answered % 97)
			continue;
		close(b->relay);
		b->relay = get_relay(b->vm);
		if (b->relay < 0) {
			snprintf(b->error, sizeof(b->error), "GET_RELAY: %s",
				 strerror(-b->relay));
			break;
		}
		b->restarts++;
		if (fcntl(b->relay, F_SETFL, O_NONBLOCK)) {
			snprintf(b->error, sizeof(b->error), "fcntl: %s",
				 strerror(errno));
			break;
		}
	}
out:
	free(msg);
	return NULL;
}

static void test_race(struct vm *vm, int relay)
{
	struct broker b = { .vm = vm, .relay = relay };
	unsigned int round, i, done = 0, posted = 0, bad = 0, stops = 0;
	unsigned int answered = 0, failed = 0, stop_errors = 0;
	bool outstanding[RING_NUM] = { false };
	unsigned int slot_of[RING_NUM] = { 0 };
	uint16_t tag_of[RING_NUM] = { 0 };
	const uint32_t hdr_len = sizeof(struct virtio_hyv_resp_hdr);
	pthread_t thread;
	int err;

	if (pthread_create(&thread, NULL, broker_main, &b))
		die("pthread_create");
	for (round = 0; round < 200; round++) {
		unsigned int batch = 1 + round % 24;
		struct completion c;

		for (i = 0; i < batch; i++) {
			uint16_t tag = round * 32 + i;
			int head = post_hello(vm, 10 + i, tag, 64);

			if (head < 0)
				break;
			outstanding[head] = true;
			slot_of[head] = 10 + i;
			tag_of[head] = tag;
			posted++;
		}
		if (round % 7 == 3) {
			stop_errors += set_running(vm, 0) != 0;
			stop_errors += set_running(vm, 1) != 0;
			stops++;
		}
		while (done < posted &&
		       ring_wait_used(&vm->ctrl, &c, TIMEOUT_MS)) {
			unsigned int slot;
			uint32_t status;
			uint64_t echo;

			done++;
			if (c.head >= RING_NUM || !outstanding[c.head]) {
				bad++;
				continue;
			}
			outstanding[c.head] = false;
			slot = slot_of[c.head];
			status = resp_status(vm, slot);
			memcpy(&echo, slot_resp(vm, slot) + hdr_len,
			       sizeof(echo));
			/* Answered, or failed: by a stop, or between brokers. */
			if (!status && c.len == hdr_len + sizeof(echo) &&
			    echo == tag_of[c.head])
				answered++;
			else if ((status == ECONNRESET || status == ENOTCONN) &&
				 c.len == hdr_len)
				failed++;
			else
				bad++;
		}
		if (done < posted)
			break;
	}
	__atomic_store_n(&b.stop, true, __ATOMIC_RELEASE);
	err = pthread_join(thread, NULL);
	if (err)
		snprintf(b.error, sizeof(b.error), "pthread_join: %s",
			 strerror(err));
	note("race: %u posted, %u answered, %u failed, %u late, %u restarts, %u stops",
	     posted, answered, failed, b.late, b.restarts, stops);
	/* A broker gone early leaves the chains to ENOTCONN: not a pass. */
	check(b.stopped && !b.error[0],
	      "race: the broker ran until it was told to stop%s%s",
	      b.error[0] ? ", it failed at " :
	      b.stopped ? "" : ", it ended on its own",
	      b.error);
	check(done == posted && !bad,
	      "race: every chain completed exactly once (%u/%u, %u bad)",
	      done, posted, bad);
	check(b.answered && answered == b.answered,
	      "race: each answer the relay took reached its chain, once (%u/%u)",
	      answered, b.answered);
	check(b.restarts && stops && !stop_errors,
	      "race: %u broker restarts, %u ring stops, %u stop/start errors",
	      b.restarts, stops, stop_errors);
	if (b.relay >= 0)
		close(b.relay);
}

static void test_device_gone(void)
{
	struct relay_msg *msg = malloc(sizeof(*msg));
	struct virtio_hyv_event ev = make_event(500);
	struct vm vm;
	uint64_t id = 0;
	int relay;
	ssize_t n;
	bool ok;

	vm_open(&vm);
	relay = get_relay(&vm);
	post_hello(&vm, 0, 0xd0, 64);
	post_hello(&vm, 1, 0xd1, 64);
	/* Without one in flight, the ENOENT below would be of id 0. */
	n = relay_read(relay, msg, TIMEOUT_MS);
	ok = is_hello(msg, n, 0xd0);
	if (ok)
		id = msg->hdr.id;
	check(ok && relay_wait_pending(relay),
	      "one request read and one pending before QEMU dies (read: %s)",
	      read_result(n));
	vm_close(&vm);		/* QEMU dies with one in flight, one pending */
	n = relay_read(relay, msg, TIMEOUT_MS);
	check(n == 0, "relay reads EOF once the device is gone (read: %s)",
	      read_result(n));
	check(relay_poll(relay) & POLLHUP, "relay polls POLLHUP");
	check(id && relay_answer(relay, id, 0, NULL, 0) == -ENOENT,
	      "answer after the device is gone: ENOENT");
	check(relay_event(relay, &ev) == EVENT_WRITE_LEN,
	      "event after the device is gone: accepted, discarded");
	close(relay);
	free(msg);
}

static void test_reset_owner(void)
{
	struct relay_msg *msg = malloc(sizeof(*msg));
	struct completion c;
	struct vm vm;
	uint64_t id = 0;
	int relay;
	ssize_t n;
	bool ok;

	vm_open(&vm);
	relay = get_relay(&vm);
	post_hello(&vm, 0, 0xe0, 64);
	/*
	 * A request left pending completes with ECONNRESET too, and id 0 is
	 * never in flight: without this read neither check below tests
	 * what it says.
	 */
	n = relay_read(relay, msg, TIMEOUT_MS);
	ok = is_hello(msg, n, 0xe0);
	if (ok)
		id = msg->hdr.id;
	check(ok, "the request is read before RESET_OWNER (read: %s)",
	      read_result(n));
	check(vm_ioctl(&vm, VHOST_RESET_OWNER, NULL) == 0, "RESET_OWNER");
	check(id && ring_wait_used(&vm.ctrl, &c, 0) &&
	      resp_status(&vm, 0) == ECONNRESET,
	      "RESET_OWNER completes the in-flight request: ECONNRESET");
	check(id && relay_answer(relay, id, 0, NULL, 0) == -ENOENT,
	      "answer after RESET_OWNER: ENOENT");
	check(relay_poll(relay) == POLLOUT,
	      "the relay fd stays valid across the reset, nothing pending");
	check(vm_ioctl(&vm, VHOST_SET_OWNER, NULL) == 0,
	      "SET_OWNER again after RESET_OWNER");
	close(relay);		/* the broker goes first this time */
	vm_close(&vm);
	free(msg);
}

int main(int argc, char **argv)
{
	struct vm vm;
	int relay;

	verbose = argc > 1 && !strcmp(argv[1], "-v");
	printf("TAP version 13\n");

	test_ownership();
	vm_open(&vm);
	test_no_relay(&vm);
	check(vm_ioctl(&vm, VHOST_HYV_RESET_DEVICE, NULL) == 0 &&
	      set_running(&vm, 1) == 0,
	      "RESET_DEVICE without a relay fd, then a start");
	relay = get_relay(&vm);
	check(relay >= 0, "GET_RELAY by the owner");
	if (relay < 0)
		die("GET_RELAY");
	check(!(relay_poll(relay) & POLLIN),
	      "a reset while no relay fd was open leaves no notice");
	test_relay_basics(&vm, relay);
	test_round_trip(&vm, relay);
	test_split_chain(&vm, relay);
	test_malformed(&vm, relay);
	test_event_delivered(&vm, relay);
	test_events_kept(&vm, relay);
	test_event_backlog(&vm, relay);
	test_event_bad_writes(&vm, relay);
	test_events_while_stopped(&vm, relay);
	relay = test_broker_down(&vm, relay);
	relay = test_relay_close(&vm, relay);
	test_stop_drains(&vm, relay);
	test_reset_notice(&vm, relay);
	test_outstanding_bound(&vm, relay);
	test_race(&vm, relay);	/* closes the relay fd it ends with */
	relay = get_relay(&vm);
	check(relay >= 0, "GET_RELAY after the race");
	test_doorbell(&vm, relay);
	test_shm(&vm, relay);
	test_map_guest_bound(relay);
	test_map_guest(&vm, relay);
	relay = test_memory_close(&vm, relay);
	close(relay);
	vm_close(&vm);
	test_eventq_negotiation();
	test_device_gone();
	test_reset_owner();
	test_memory_device_gone();

	printf("1..%d\n# %d passed, %d failed\n", nr_checks,
	       nr_checks - nr_failed, nr_failed);
	return nr_failed ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost_hyv internals shared by the device (main.c), the virtqueue handlers
 * (request_ring.c, eventq.c), the broker relay (relay.c, relay_file.c) and
 * the memory it hands out (shm.c, guest_map.c).
 *
 * Objects and lifetimes
 * ---------------------
 * struct vhost_hyv is one open /dev/vhost-hyv: the vhost device with the
 * control, event and doorbell virtqueues.  QEMU owns it.  It holds one
 * reference to the relay.
 *
 * struct vhost_hyv_relay is what passes between the device and the broker:
 * the queue of requests, and the events kept for the guest.  It is reference
 * counted: the vhost device holds one reference for its whole life, an
 * open relay fd holds another, so either can be closed first.  A relay fd
 * that outlives the device reads EOF.
 *
 * struct vhost_hyv_request is one descriptor chain the guest queued: its
 * driver-readable bytes, its ring head and its device-writable iovecs (QEMU
 * addresses, only usable in the vhost worker, which runs in QEMU's mm).
 * While on the relay it is in exactly one state:
 *
 *   PENDING  --read()-->  INFLIGHT  --write()-->  DONE  --ring handler-->
 *   (pending list)        (inflight table)        (done list)   used ring
 *
 * Each request ring (ctrlq, doorbellq) has its own pending and done list;
 * read() takes from the doorbellq's pending list first.
 *
 * A closed relay fd or a stopped virtqueue moves PENDING and INFLIGHT
 * requests to DONE with an error status; a released device frees them.
 * The relay's list membership owns one reference; read() holds a second one
 * while it copies a request out without the lock.
 *
 * Ring generations: a request is completed into the used ring only if its
 * ring has not been stopped since the request was taken from it
 * (req->ring_gen == vh->ring_gen[req->ring]).  Stopping drains what it can
 * into the old ring and then advances the generation, so a late answer can
 * never land in a ring the guest has since reset and rebuilt.
 *
 * A device reset (VHOST_HYV_RESET_DEVICE) fails what the broker has not
 * answered, as a stop does, and in the same critical section arms the
 * reset notice (relay->reset_pending) if a relay fd is open.  A reader
 * takes the notice before any pending request, so everything the guest's
 * next instance asks reaches the broker after it.
 *
 * Events are copied into the relay when they are written (or, for
 * BROKER_DOWN, when the relay fd closes) and kept there, in order, until
 * the eventq handler has put them into guest buffers.  They are kept only
 * while the eventq runs: from a start with VIRTIO_HYV_F_EVENT_QUEUE
 * negotiated until the next stop, reset or release, which discards them.
 * At most VHOST_HYV_EVENT_BACKLOG of them come from the broker; one more
 * slot is reserved so that BROKER_DOWN always fits (an undelivered
 * BROKER_DOWN makes the next one redundant, so two never wait in a row).
 * Only the eventq handler takes events out while the eventq runs, and
 * stopping discards them only after the handler can no longer run (the
 * backend is cleared under eventq.mutex first), so what the handler peeked
 * at is still the oldest event when it pops it.
 *
 * Memory (shm.c, guest_map.c) lives on the relay too, because the relay
 * fd's ioctls create it and either end may close first:
 *
 * - struct vhost_hyv_shm is shared-memory region 0: QEMU sizes it once
 *   (VHOST_HYV_SET_SHM) and maps the vhost fd at shm.mmap_offset, an offset
 *   no other open /dev/vhost-hyv uses (an ida slot of 2^40 bytes), so that
 *   unmap_mapping_range() on the device inode's shared mapping reaches only
 *   this VM's mappings.  The broker places pinned pages of its own mappings
 *   in it, one struct vhost_hyv_shm_range per SHM_MAP; faults insert them,
 *   or the scratch page in holes.  SHM_UNMAP zaps the range in every
 *   mapping of the region, then unpins.  A closed relay fd unmaps every
 *   range the same way; a released device (no mapping of the region can
 *   exist any more: each holds the file) unpins them and the region is
 *   gone for good.
 * - struct vhost_hyv_window is one VHOST_HYV_RELAY_MAP_GUEST: pinned guest
 *   pages the broker maps from the relay fd at win->offset (unique per relay,
 *   never reused).  Pinned until UNMAP_GUEST or until the relay fd closes
 *   (which also happens only once the broker's mappings are gone); a
 *   broker's mapping holds its own page references.
 *
 * Lock rules
 * ----------
 * Lock order: vhost_dev.mutex -> vhost_virtqueue.mutex
 *             -> vhost_hyv_relay.lock.
 * Memory:     vhost_hyv_relay.dev_lock -> vhost_dev.mutex
 *             -> mmap_lock (QEMU's) -> vhost_hyv_shm.lock -> i_mmap_rwsem;
 *             mmap_lock (broker's) -> vhost_hyv_relay.map_lock.
 * No mmap_lock is taken under vhost_hyv_shm.lock or map_lock: SHM_MAP pins
 * the broker's pages first, MAP_GUEST pins under dev_lock only.
 *
 * vhost_hyv_relay.dev_lock (mutex)
 *                   relay->dev, the device MAP_GUEST translates through;
 *                   NULL once the device is released.
 * vhost_hyv_shm.lock (mutex)
 *                   the region's size, ranges and counters, and the
 *                   scratch page; held across inserting a page in a fault
 *                   and across zapping, so that no fault can map a page
 *                   being unmapped.
 * vhost_hyv_relay.map_lock (mutex)
 *                   the windows list and its counters.
 *
 * vhost_dev.mutex   ioctls and the start/stop/reset paths.
 * ctrlq.mutex,      the ring, the backend pointer, the ring's
 * dbq.mutex         vh->ring_gen[], and the requests the handler has taken
 *                   off the ring's done list.
 * eventq.mutex      the ring and the backend pointer.
 * vhost_hyv_relay.lock (spinlock, innermost)
 *                   every list, the inflight table, every
 *                   vhost_hyv_request.state, the kept events, the relay's
 *                   flags and counters.  Nothing sleeps under it;
 *                   vhost_poll_queue() (an llist add and a wake-up) is
 *                   called under it so that the device cannot be torn down
 *                   between the check and the queueing.
 *
 * Guest memory is only touched by the vhost worker (the relay's writer is
 * the broker, whose mm is not QEMU's).
 */
#ifndef _VHOST_HYV_H
#define _VHOST_HYV_H

#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <linux/vhost_hyv.h>
#include <linux/virtio_hyv.h>

#include "vhost.h"

/*
 * Work bounds of one run of a virtqueue handler, as vhost-vsock's: chains
 * taken from the ring, answered requests completed into it, and bytes
 * copied either way.
 */
#define VHOST_HYV_PKT_WEIGHT	256
#define VHOST_HYV_WEIGHT	0x80000

/*
 * The rings whose chains are requests for the broker: the ctrlq and the
 * doorbellq.  Each has its own pending and done lists on the relay and its
 * own generation; a request remembers which one it came from.
 */
enum vhost_hyv_ring {
	VHOST_HYV_RING_CTRL,
	VHOST_HYV_RING_DOORBELL,
	VHOST_HYV_NR_RINGS
};

struct vhost_hyv {
	struct vhost_dev dev;
	struct vhost_virtqueue ctrlq;
	struct vhost_virtqueue eventq;
	struct vhost_virtqueue dbq;
	struct vhost_virtqueue *vqs[VIRTIO_HYV_NUM_VQS];
	struct vhost_hyv_relay *relay;
	/* Each under its ring's vq mutex. */
	u64 ring_gen[VHOST_HYV_NR_RINGS];
};

static inline struct vhost_hyv *to_vhost_hyv(struct vhost_dev *dev)
{
	return container_of(dev, struct vhost_hyv, dev);
}

enum vhost_hyv_request_state {
	VHOST_HYV_REQ_PENDING,	/* waiting for the broker to read it */
	VHOST_HYV_REQ_INFLIGHT,	/* read by the broker, not answered */
	VHOST_HYV_REQ_DONE,	/* answered or failed, not in the ring yet */
	VHOST_HYV_REQ_DETACHED,	/* off the relay */
};

struct vhost_hyv_request {
	struct kref ref;
	enum vhost_hyv_request_state state; /* relay->lock */
	struct list_head node;		/* pending or done list */
	struct hlist_node inflight_node;
	u64 id;				/* unique per relay, never reused */
	enum vhost_hyv_ring ring;	/* the ring it came from */
	u64 ring_gen;
	unsigned int head;
	unsigned int nr_resp_iov;
	struct iovec resp_iov[VIRTIO_HYV_MAX_CHAIN_DESCS];
	u32 resp_max;			/* bytes in resp_iov */
	u32 status;			/* DONE without resp: completion status */
	void *resp;			/* DONE with resp: the broker's answer */
	u32 resp_len;
	u32 req_len;
	u8 req[] __counted_by(req_len);
};

#define VHOST_HYV_RELAY_INFLIGHT_BITS	6

/* The broker's backlog, and the slot reserved for BROKER_DOWN. */
#define VHOST_HYV_RELAY_EVENT_SLOTS	(VHOST_HYV_EVENT_BACKLOG + 1)

struct vhost_hyv_relay_event {
	u64 seq;			/* numbers every event the relay took */
	struct virtio_hyv_event ev;
};

/* Why an event never reached the guest (the event_dropped tracepoint). */
enum vhost_hyv_event_drop {
	/* the eventq was not running */
	VHOST_HYV_EVENT_DROP_NOT_RUNNING,
	/* kept when the eventq stopped */
	VHOST_HYV_EVENT_DROP_STOPPING,
	/* BROKER_DOWN after an undelivered one */
	VHOST_HYV_EVENT_DROP_REDUNDANT,
};

/* Shared-memory region 0 (shm.c); see above. */
struct vhost_hyv_shm {
	struct mutex lock;		/* see the lock rules above */
	u64 size;			/* 0: not set up, or device gone */
	u64 mmap_offset;		/* in the vhost fd */
	int slot;			/* ida slot behind mmap_offset, or -1 */
	struct page *scratch;		/* what holes read as */
	struct address_space *mapping;	/* of QEMU's vhost fd */
	struct list_head maps;		/* vhost_hyv_shm_range, by offset */
	unsigned int nr_maps;
	u64 nr_pages;
};

struct vhost_hyv_shm_range {
	struct list_head node;
	u64 offset;			/* in the region, page-aligned */
	unsigned long nr_pages;
	struct page **pages;		/* pinned */
};

/* A MAP_GUEST window (guest_map.c). */
struct vhost_hyv_window {
	struct list_head node;
	u64 offset;			/* in the relay fd */
	unsigned long nr_pages;
	bool writable;
	struct page **pages;		/* pinned */
};

struct vhost_hyv_relay {
	struct kref ref;
	spinlock_t lock;		/* see the lock rules above */
	wait_queue_head_t readers;
	/* The request rings' and the eventq's polls: NULL once the device is gone. */
	struct vhost_poll *ring_poll[VHOST_HYV_NR_RINGS];
	struct vhost_poll *eventq_poll;
	pid_t owner_pid;		/* of the VMM that opened the device */
	bool file_open;
	bool reset_pending;		/* the next read is the reset notice */
	bool events_running;		/* events are kept, not discarded */
	u64 last_id;
	/* Per ring: pending + inflight + done. */
	unsigned int nr_requests[VHOST_HYV_NR_RINGS];
	struct list_head pending[VHOST_HYV_NR_RINGS];
	struct list_head done[VHOST_HYV_NR_RINGS];
	DECLARE_HASHTABLE(inflight, VHOST_HYV_RELAY_INFLIGHT_BITS);
	u64 next_event_seq;
	unsigned int first_event;	/* slot of the oldest kept event */
	unsigned int nr_events;		/* kept events */
	struct vhost_hyv_relay_event events[VHOST_HYV_RELAY_EVENT_SLOTS];

	struct vhost_hyv_shm shm;
	struct mutex dev_lock;		/* see the lock rules above */
	struct vhost_dev *dev;		/* dev_lock */
	struct mutex map_lock;		/* see the lock rules above */
	struct list_head windows;	/* map_lock */
	u64 next_window_offset;		/* map_lock */
	unsigned int nr_windows;	/* map_lock */
	u64 nr_window_pages;		/* map_lock */
};

/* relay.c */
struct vhost_hyv_request *vhost_hyv_request_alloc(u32 req_len);
void vhost_hyv_request_put(struct vhost_hyv_request *req);

struct vhost_hyv_relay *vhost_hyv_relay_create(struct vhost_dev *dev,
					       struct vhost_poll **ring_poll,
					       struct vhost_poll *eventq_poll,
					       pid_t owner_pid);
void vhost_hyv_relay_put(struct vhost_hyv_relay *relay);
void vhost_hyv_relay_detach_device(struct vhost_hyv_relay *relay);
int vhost_hyv_relay_attach_file(struct vhost_hyv_relay *relay);
void vhost_hyv_relay_detach_file(struct vhost_hyv_relay *relay);
unsigned int vhost_hyv_relay_nr_requests(struct vhost_hyv_relay *relay,
					 enum vhost_hyv_ring ring);
unsigned int vhost_hyv_relay_nr_requests_all(struct vhost_hyv_relay *relay);
int vhost_hyv_relay_submit(struct vhost_hyv_relay *relay,
			   struct vhost_hyv_request *req);
void vhost_hyv_relay_fail_all(struct vhost_hyv_relay *relay, u32 status);
void vhost_hyv_relay_reset(struct vhost_hyv_relay *relay);
void vhost_hyv_relay_unclaim_reset(struct vhost_hyv_relay *relay);
bool vhost_hyv_relay_take_done(struct vhost_hyv_relay *relay,
			       enum vhost_hyv_ring ring, struct list_head *list,
			       unsigned int max);
/* vhost_hyv_relay_claim() gave the reader the reset notice. */
#define VHOST_HYV_RELAY_CLAIMED_RESET	1
int vhost_hyv_relay_claim(struct vhost_hyv_relay *relay, bool nonblock,
			  struct vhost_hyv_request **reqp);
void vhost_hyv_relay_unclaim(struct vhost_hyv_relay *relay,
			     struct vhost_hyv_request *req);
int vhost_hyv_relay_answer(struct vhost_hyv_relay *relay, u64 id, void *resp,
			   u32 resp_len);
__poll_t vhost_hyv_relay_poll_mask(struct vhost_hyv_relay *relay);
void vhost_hyv_relay_start_events(struct vhost_hyv_relay *relay);
void vhost_hyv_relay_stop_events(struct vhost_hyv_relay *relay);
int vhost_hyv_relay_post_event(struct vhost_hyv_relay *relay,
			       const struct virtio_hyv_event *ev);
bool vhost_hyv_relay_peek_event(struct vhost_hyv_relay *relay,
				struct vhost_hyv_relay_event *event);
void vhost_hyv_relay_pop_event(struct vhost_hyv_relay *relay);

/* relay_file.c */
int vhost_hyv_relay_file_create(struct vhost_hyv_relay *relay);

/* shm.c */
void vhost_hyv_shm_init(struct vhost_hyv_shm *shm);
long vhost_hyv_shm_set(struct vhost_hyv_relay *relay, struct file *file,
		       struct vhost_hyv_shm_config __user *argp);
int vhost_hyv_shm_mmap(struct vhost_hyv_relay *relay,
		       struct vm_area_struct *vma);
long vhost_hyv_shm_map_ioctl(struct vhost_hyv_relay *relay,
			     struct vhost_hyv_shm_map __user *argp);
long vhost_hyv_shm_unmap_ioctl(struct vhost_hyv_relay *relay, u64 __user *argp);
void vhost_hyv_shm_unmap_all(struct vhost_hyv_relay *relay);
void vhost_hyv_shm_device_gone(struct vhost_hyv_relay *relay);
void vhost_hyv_shm_stats(struct vhost_hyv_relay *relay,
			 struct vhost_hyv_relay_stats *st);

/* guest_map.c */
long vhost_hyv_guest_map_ioctl(struct vhost_hyv_relay *relay,
			       struct vhost_hyv_guest_map __user *argp);
long vhost_hyv_guest_unmap_ioctl(struct vhost_hyv_relay *relay,
				 u64 __user *argp);
int vhost_hyv_guest_map_mmap(struct vhost_hyv_relay *relay,
			     struct vm_area_struct *vma);
void vhost_hyv_guest_unmap_all(struct vhost_hyv_relay *relay);
void vhost_hyv_guest_map_stats(struct vhost_hyv_relay *relay,
			       struct vhost_hyv_relay_stats *st);

/* request_ring.c: the ctrlq's and the doorbellq's handler */
void vhost_hyv_ring_handle_kick(struct vhost_work *work);

/* eventq.c */
void vhost_hyv_eventq_handle_kick(struct vhost_work *work);

#endif /* _VHOST_HYV_H */

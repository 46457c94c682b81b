/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost_hyv internals shared by the device (main.c), the virtqueue handlers
 * (ctrlq.c, eventq.c) and the broker relay (relay.c, relay_file.c).
 *
 * Objects and lifetimes
 * ---------------------
 * struct vhost_hyv is one open /dev/vhost-hyv: the vhost device with the
 * control, event and doorbell virtqueues.  QEMU owns it.  It holds one
 * reference to the relay.
 *
 * struct hyv_relay is what passes between the device and the broker: the
 * queue of requests, and the events kept for the guest.  It is reference
 * counted: the vhost device holds one reference for its whole life, an
 * open relay fd holds another, so either can be closed first.  A relay fd
 * that outlives the device reads EOF.
 *
 * struct hyv_request is one descriptor chain the guest queued: its
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
 * (req->ring_gen == vh->ring_gen[req->ring]).  Stopping drains what it can into the old
 * ring and then advances the generation, so a late answer can never land
 * in a ring the guest has since reset and rebuilt.
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
 * - struct hyv_shm is shared-memory region 0: QEMU sizes it once
 *   (VHOST_HYV_SET_SHM) and maps the vhost fd at shm.mmap_offset, an offset
 *   no other open /dev/vhost-hyv uses (an ida slot of 2^40 bytes), so that
 *   unmap_mapping_range() on the device inode's shared mapping reaches only
 *   this VM's mappings.  The broker places pinned pages of its own mappings
 *   in it (struct hyv_shm_map); faults insert them, or the scratch page in
 *   holes.  SHM_UNMAP zaps the range in every mapping of the region, then
 *   unpins.  A closed relay fd unmaps every shm map the same way; a
 *   released device (no mapping of the region can exist any more: each
 *   holds the file) unpins them and the region is gone for good.
 * - struct hyv_window is one VHOST_HYV_RELAY_MAP_GUEST: pinned guest pages
 *   the broker maps from the relay fd at win->offset (unique per relay,
 *   never reused).  Pinned until UNMAP_GUEST or until the relay fd closes
 *   (which also happens only once the broker's mappings are gone); a
 *   broker's mapping holds its own page references.
 *
 * Lock rules
 * ----------
 * Lock order: vhost_dev.mutex -> vhost_virtqueue.mutex -> hyv_relay.lock.
 * Memory:     hyv_relay.dev_lock -> vhost_dev.mutex -> mmap_lock (QEMU's)
 *             -> hyv_shm.lock -> i_mmap_rwsem;  mmap_lock (broker's)
 *             -> hyv_relay.map_lock.
 * No mmap_lock is taken under hyv_shm.lock or map_lock: SHM_MAP pins the
 * broker's pages first, MAP_GUEST pins under dev_lock only.
 *
 * hyv_relay.dev_lock (mutex) relay->dev, the device MAP_GUEST translates
 *                   through; NULL once the device is released.
 * hyv_shm.lock      (mutex) the region's size, maps and counters, and the
 *                   scratch page; held across inserting a page in a fault
 *                   and across zapping, so that no fault can map a page
 *                   being unmapped.
 * hyv_relay.map_lock (mutex) the windows list and its counters.
 *
 * vhost_dev.mutex   ioctls and the start/stop/reset paths.
 * ctrlq.mutex,      the ring, the backend pointer, the ring's
 * dbq.mutex         vh->ring_gen[], and the requests the handler has taken
 *                   off the ring's done list.
 * eventq.mutex      the ring and the backend pointer.
 * hyv_relay.lock    (spinlock, innermost) every list, the inflight table,
 *                   every hyv_request.state, the kept events, the relay's
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
enum hyv_ring {
	HYV_RING_CTRL,
	HYV_RING_DOORBELL,
	HYV_NR_RINGS
};

struct vhost_hyv {
	struct vhost_dev dev;
	struct vhost_virtqueue ctrlq;
	struct vhost_virtqueue eventq;
	struct vhost_virtqueue dbq;
	struct vhost_virtqueue *vqs[VIRTIO_HYV_NUM_VQS];
	struct hyv_relay *relay;
	u64 ring_gen[HYV_NR_RINGS];	/* each under its ring's vq mutex */
};

static inline struct vhost_hyv *to_vhost_hyv(struct vhost_dev *dev)
{
	return container_of(dev, struct vhost_hyv, dev);
}

enum hyv_request_state {
	HYV_REQ_PENDING,	/* waiting for the broker to read it */
	HYV_REQ_INFLIGHT,	/* read by the broker, not answered */
	HYV_REQ_DONE,		/* answered or failed, not in the ring yet */
	HYV_REQ_DETACHED,	/* off the relay */
};

struct hyv_request {
	struct kref ref;
	enum hyv_request_state state;	/* relay->lock */
	struct list_head node;		/* pending or done list */
	struct hlist_node inflight_node;
	u64 id;				/* unique per relay, never reused */
	enum hyv_ring ring;		/* the ring it came from */
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

#define HYV_RELAY_INFLIGHT_BITS	6

/* The broker's backlog, and the slot reserved for BROKER_DOWN. */
#define HYV_RELAY_EVENT_SLOTS	(VHOST_HYV_EVENT_BACKLOG + 1)

struct hyv_relay_event {
	u64 seq;			/* numbers every event the relay took */
	struct virtio_hyv_event ev;
};

/* Why an event never reached the guest (the event_dropped tracepoint). */
enum hyv_event_drop {
	HYV_EVENT_DROP_NOT_RUNNING,	/* the eventq was not running */
	HYV_EVENT_DROP_STOPPING,	/* kept when the eventq stopped */
	HYV_EVENT_DROP_REDUNDANT,	/* BROKER_DOWN after an undelivered one */
};

/* Shared-memory region 0 (shm.c); see above. */
struct hyv_shm {
	struct mutex lock;		/* see the lock rules above */
	u64 size;			/* 0: not set up, or device gone */
	u64 mmap_offset;		/* in the vhost fd */
	int slot;			/* ida slot behind mmap_offset, or -1 */
	struct page *scratch;		/* what holes read as */
	struct address_space *mapping;	/* of QEMU's vhost fd */
	struct list_head maps;		/* struct hyv_shm_map, by offset */
	unsigned int nr_maps;
	u64 nr_pages;
};

struct hyv_shm_map {
	struct list_head node;
	u64 offset;			/* in the region, page-aligned */
	unsigned long nr_pages;
	struct page **pages;		/* pinned */
};

/* A MAP_GUEST window (guest_map.c). */
struct hyv_window {
	struct list_head node;
	u64 offset;			/* in the relay fd */
	unsigned long nr_pages;
	bool writable;
	struct page **pages;		/* pinned */
};

struct hyv_relay {
	struct kref ref;
	spinlock_t lock;		/* see the lock rules above */
	wait_queue_head_t readers;
	/* The request rings' and the eventq's polls: NULL once the device is gone. */
	struct vhost_poll *ring_poll[HYV_NR_RINGS];
	struct vhost_poll *eventq_poll;
	pid_t owner_pid;		/* of the VMM that opened the device */
	bool file_open;
	bool events_running;		/* events are kept, not discarded */
	u64 last_id;
	/* Per ring: pending + inflight + done. */
	unsigned int nr_requests[HYV_NR_RINGS];
	struct list_head pending[HYV_NR_RINGS];
	struct list_head done[HYV_NR_RINGS];
	DECLARE_HASHTABLE(inflight, HYV_RELAY_INFLIGHT_BITS);
	u64 next_event_seq;
	unsigned int first_event;	/* slot of the oldest kept event */
	unsigned int nr_events;		/* kept events */
	struct hyv_relay_event events[HYV_RELAY_EVENT_SLOTS];

	struct hyv_shm shm;
	struct mutex dev_lock;		/* see the lock rules above */
	struct vhost_dev *dev;		/* dev_lock */
	struct mutex map_lock;		/* see the lock rules above */
	struct list_head windows;	/* map_lock */
	u64 next_window_offset;		/* map_lock */
	unsigned int nr_windows;	/* map_lock */
	u64 nr_window_pages;		/* map_lock */
};

/* relay.c */
struct hyv_request *hyv_request_alloc(u32 req_len);
void hyv_request_put(struct hyv_request *req);

struct hyv_relay *hyv_relay_create(struct vhost_dev *dev,
				   struct vhost_poll **ring_poll,
				   struct vhost_poll *eventq_poll,
				   pid_t owner_pid);
void hyv_relay_put(struct hyv_relay *relay);
void hyv_relay_detach_device(struct hyv_relay *relay);
int hyv_relay_attach_file(struct hyv_relay *relay);
void hyv_relay_detach_file(struct hyv_relay *relay);
unsigned int hyv_relay_nr_requests(struct hyv_relay *relay,
				   enum hyv_ring ring);
unsigned int hyv_relay_nr_requests_all(struct hyv_relay *relay);
int hyv_relay_submit(struct hyv_relay *relay, struct hyv_request *req);
void hyv_relay_fail_all(struct hyv_relay *relay, u32 status);
bool hyv_relay_take_done(struct hyv_relay *relay, enum hyv_ring ring,
			 struct list_head *list, unsigned int max);
int hyv_relay_claim(struct hyv_relay *relay, bool nonblock,
		    struct hyv_request **reqp);
void hyv_relay_unclaim(struct hyv_relay *relay, struct hyv_request *req);
int hyv_relay_answer(struct hyv_relay *relay, u64 id, void *resp,
		     u32 resp_len);
__poll_t hyv_relay_poll_mask(struct hyv_relay *relay);
void hyv_relay_start_events(struct hyv_relay *relay);
void hyv_relay_stop_events(struct hyv_relay *relay);
int hyv_relay_post_event(struct hyv_relay *relay,
			 const struct virtio_hyv_event *ev);
bool hyv_relay_peek_event(struct hyv_relay *relay,
			  struct hyv_relay_event *event);
void hyv_relay_pop_event(struct hyv_relay *relay);

/* relay_file.c */
int hyv_relay_file_create(struct hyv_relay *relay);

/* shm.c */
void hyv_shm_init(struct hyv_shm *shm);
long hyv_shm_set(struct hyv_relay *relay, struct file *file,
		 struct vhost_hyv_shm_config __user *argp);
int hyv_shm_mmap(struct hyv_relay *relay, struct vm_area_struct *vma);
long hyv_shm_map_ioctl(struct hyv_relay *relay,
		       struct vhost_hyv_shm_map __user *argp);
long hyv_shm_unmap_ioctl(struct hyv_relay *relay, u64 __user *argp);
void hyv_shm_unmap_all(struct hyv_relay *relay);
void hyv_shm_device_gone(struct hyv_relay *relay);
void hyv_shm_stats(struct hyv_relay *relay, struct vhost_hyv_relay_stats *st);

/* guest_map.c */
long hyv_guest_map_ioctl(struct hyv_relay *relay,
			 struct vhost_hyv_guest_map __user *argp);
long hyv_guest_unmap_ioctl(struct hyv_relay *relay, u64 __user *argp);
int hyv_guest_map_mmap(struct hyv_relay *relay, struct vm_area_struct *vma);
void hyv_guest_unmap_all(struct hyv_relay *relay);
void hyv_guest_map_stats(struct hyv_relay *relay,
			 struct vhost_hyv_relay_stats *st);

/* ctrlq.c: the ctrlq's and the doorbellq's handler */
void hyv_ctrlq_handle_kick(struct vhost_work *work);

/* eventq.c */
void hyv_eventq_handle_kick(struct vhost_work *work);

#endif /* _VHOST_HYV_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The relay: requests between the request rings (the control and the
 * doorbell virtqueue) and the broker, and events from the broker to the
 * event virtqueue.
 *
 * This file owns the request state machine and the kept events described
 * in vhost_hyv.h; the request rings' handler (request_ring.c) feeds the
 * requests and drains them, the relay fd (relay_file.c) reads and answers
 * them and posts events, the event queue handler (eventq.c) delivers
 * those.  Every transition happens under relay->lock, which also makes
 * "the device is still there" and "queue the handler" one atomic step.
 */
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "vhost_hyv.h"
#include "trace.h"

struct vhost_hyv_request *vhost_hyv_request_alloc(u32 req_len)
{
	struct vhost_hyv_request *req;

	req = kzalloc(struct_size(req, req, req_len), GFP_KERNEL_ACCOUNT);
	if (!req)
		return NULL;

	req->req_len = req_len;
	kref_init(&req->ref);
	INIT_LIST_HEAD(&req->node);
	INIT_HLIST_NODE(&req->inflight_node);
	req->state = VHOST_HYV_REQ_DETACHED;
	return req;
}

static void vhost_hyv_request_free(struct kref *ref)
{
	struct vhost_hyv_request *req =
		container_of(ref, struct vhost_hyv_request, ref);

	kfree(req->resp);
	kfree(req);
}

void vhost_hyv_request_put(struct vhost_hyv_request *req)
{
	kref_put(&req->ref, vhost_hyv_request_free);
}

struct vhost_hyv_relay *vhost_hyv_relay_create(struct vhost_dev *dev,
					       struct vhost_poll **ring_poll,
					       struct vhost_poll *eventq_poll,
					       pid_t owner_pid)
{
	struct vhost_hyv_relay *relay;
	int ring;

	/* The kept events make it larger than two pages. */
	relay = kvzalloc(sizeof(*relay), GFP_KERNEL_ACCOUNT);
	if (!relay)
		return NULL;

	kref_init(&relay->ref);
	spin_lock_init(&relay->lock);
	init_waitqueue_head(&relay->readers);
	for (ring = 0; ring < VHOST_HYV_NR_RINGS; ring++) {
		relay->ring_poll[ring] = ring_poll[ring];
		INIT_LIST_HEAD(&relay->pending[ring]);
		INIT_LIST_HEAD(&relay->done[ring]);
	}
	relay->eventq_poll = eventq_poll;
	relay->owner_pid = owner_pid;
	vhost_hyv_shm_init(&relay->shm);
	mutex_init(&relay->dev_lock);
	relay->dev = dev;
	mutex_init(&relay->map_lock);
	INIT_LIST_HEAD(&relay->windows);
	hash_init(relay->inflight);
	return relay;
}

static void vhost_hyv_relay_free(struct kref *ref)
{
	struct vhost_hyv_relay *relay =
		container_of(ref, struct vhost_hyv_relay, ref);

	/* Both owners detached, and each detach empties the relay. */
	WARN_ON(relay->nr_requests[VHOST_HYV_RING_CTRL] ||
		relay->nr_requests[VHOST_HYV_RING_DOORBELL]);
	WARN_ON(!list_empty(&relay->windows) ||
		!list_empty(&relay->shm.maps));
	kvfree(relay);
}

void vhost_hyv_relay_put(struct vhost_hyv_relay *relay)
{
	kref_put(&relay->ref, vhost_hyv_relay_free);
}

static bool vhost_hyv_relay_device_gone(struct vhost_hyv_relay *relay)
{
	return !relay->ring_poll[VHOST_HYV_RING_CTRL];
}

/* Runs @ring's handler so that it completes its done list. */
static void vhost_hyv_relay_kick_ring(struct vhost_hyv_relay *relay,
				      enum vhost_hyv_ring ring)
{
	lockdep_assert_held(&relay->lock);

	if (!vhost_hyv_relay_device_gone(relay))
		vhost_poll_queue(relay->ring_poll[ring]);
}

static struct vhost_hyv_relay_event *
vhost_hyv_relay_event_at(struct vhost_hyv_relay *relay, unsigned int i)
{
	return &relay->events[(relay->first_event + i) %
			      VHOST_HYV_RELAY_EVENT_SLOTS];
}

static bool vhost_hyv_relay_last_event_is(struct vhost_hyv_relay *relay,
					  u32 type)
{
	const struct vhost_hyv_relay_event *last;

	lockdep_assert_held(&relay->lock);

	if (!relay->nr_events)
		return false;
	last = vhost_hyv_relay_event_at(relay, relay->nr_events - 1);
	return le32_to_cpu(last->ev.type) == type;
}

/* Appends @ev and has the event queue handler deliver it. */
static void vhost_hyv_relay_keep_event_locked(struct vhost_hyv_relay *relay,
					      const struct virtio_hyv_event *ev)
{
	struct vhost_hyv_relay_event *event;

	lockdep_assert_held(&relay->lock);

	event = vhost_hyv_relay_event_at(relay, relay->nr_events++);
	event->seq = relay->next_event_seq++;
	event->ev = *ev;
	vhost_poll_queue(relay->eventq_poll);
}

/*
 * Discards the kept events and keeps no more until the next start.
 * Called only once the eventq handler can no longer run.
 */
static void vhost_hyv_relay_stop_events_locked(struct vhost_hyv_relay *relay)
{
	const struct vhost_hyv_relay_event *event;
	unsigned int i;

	lockdep_assert_held(&relay->lock);

	relay->events_running = false;
	for (i = 0; i < relay->nr_events; i++) {
		event = vhost_hyv_relay_event_at(relay, i);
		trace_vhost_hyv_event_dropped(relay->owner_pid, event->seq,
					      &event->ev,
					      VHOST_HYV_EVENT_DROP_STOPPING);
	}
	relay->first_event = 0;
	relay->nr_events = 0;
}

/*
 * Tells the guest that the broker is gone, and with it every host object
 * it held for this VM.  There is always room: see vhost_hyv.h.
 */
static void vhost_hyv_relay_broker_down_locked(struct vhost_hyv_relay *relay)
{
	const struct virtio_hyv_event ev = {
		.type = cpu_to_le32(VIRTIO_HYV_EVT_BROKER_DOWN),
	};
	enum vhost_hyv_event_drop why;

	lockdep_assert_held(&relay->lock);

	if (!relay->events_running) {
		why = VHOST_HYV_EVENT_DROP_NOT_RUNNING;
	} else if (vhost_hyv_relay_last_event_is(relay,
						 VIRTIO_HYV_EVT_BROKER_DOWN)) {
		why = VHOST_HYV_EVENT_DROP_REDUNDANT;
	} else {
		vhost_hyv_relay_keep_event_locked(relay, &ev);
		return;
	}
	trace_vhost_hyv_event_dropped(relay->owner_pid,
				      relay->next_event_seq++, &ev, why);
}

/*
 * Called by the device's release, after its virtqueues have stopped.
 * Every request is dropped: the ring they came from is going away, and the
 * broker's later answers get -ENOENT.  So are the kept events; later ones
 * are discarded.  Readers see EOF.
 */
void vhost_hyv_relay_detach_device(struct vhost_hyv_relay *relay)
{
	struct vhost_hyv_request *req, *tmp;
	struct hlist_node *next;
	LIST_HEAD(dropped);
	int bkt, ring;

	/* MAP_GUEST translates through the device: not any more. */
	mutex_lock(&relay->dev_lock);
	relay->dev = NULL;
	mutex_unlock(&relay->dev_lock);
	vhost_hyv_shm_device_gone(relay);

	spin_lock(&relay->lock);
	WRITE_ONCE(relay->ring_poll[VHOST_HYV_RING_CTRL], NULL);
	relay->ring_poll[VHOST_HYV_RING_DOORBELL] = NULL;
	relay->eventq_poll = NULL;
	vhost_hyv_relay_stop_events_locked(relay);
	for (ring = 0; ring < VHOST_HYV_NR_RINGS; ring++) {
		list_splice_tail_init(&relay->pending[ring], &dropped);
		list_splice_tail_init(&relay->done[ring], &dropped);
		relay->nr_requests[ring] = 0;
	}
	hash_for_each_safe(relay->inflight, bkt, next, req, inflight_node) {
		hash_del(&req->inflight_node);
		list_add_tail(&req->node, &dropped);
	}
	list_for_each_entry(req, &dropped, node) {
		req->state = VHOST_HYV_REQ_DETACHED;
		trace_vhost_hyv_request_dropped(relay->owner_pid, req);
	}
	spin_unlock(&relay->lock);

	wake_up_interruptible_poll(&relay->readers, EPOLLHUP);

	list_for_each_entry_safe(req, tmp, &dropped, node) {
		list_del_init(&req->node);
		vhost_hyv_request_put(req);
	}
}

/* Marks the relay fd open, on behalf of a new relay file. */
int vhost_hyv_relay_attach_file(struct vhost_hyv_relay *relay)
{
	int err = 0;

	spin_lock(&relay->lock);
	if (relay->file_open)
		err = -EBUSY;
	else if (vhost_hyv_relay_device_gone(relay))
		err = -ENODEV;
	else
		relay->file_open = true;
	if (!err) {
		relay->reset_pending = false;
		kref_get(&relay->ref);
	}
	spin_unlock(&relay->lock);
	return err;
}

static void vhost_hyv_relay_fail_locked(struct vhost_hyv_relay *relay,
					struct vhost_hyv_request *req,
					u32 status)
{
	req->status = status;
	req->state = VHOST_HYV_REQ_DONE;
	list_add_tail(&req->node, &relay->done[req->ring]);
}

/* Fails what the broker has not answered; kicks the rings that got some. */
static void vhost_hyv_relay_fail_all_locked(struct vhost_hyv_relay *relay,
					    u32 status)
{
	bool failed[VHOST_HYV_NR_RINGS] = {};
	struct vhost_hyv_request *req, *tmp;
	struct hlist_node *next;
	int bkt, ring;

	lockdep_assert_held(&relay->lock);

	hash_for_each_safe(relay->inflight, bkt, next, req, inflight_node) {
		hash_del(&req->inflight_node);
		vhost_hyv_relay_fail_locked(relay, req, status);
		failed[req->ring] = true;
	}
	for (ring = 0; ring < VHOST_HYV_NR_RINGS; ring++) {
		list_for_each_entry_safe(req, tmp, &relay->pending[ring],
					 node) {
			list_del(&req->node);
			vhost_hyv_relay_fail_locked(relay, req, status);
			failed[ring] = true;
		}
		if (failed[ring])
			vhost_hyv_relay_kick_ring(relay, ring);
	}
}

/*
 * Fails every request the broker has not answered with @status, and has
 * the handler of each request's ring complete them.  The broker's later answers to
 * them get -ENOENT.
 */
void vhost_hyv_relay_fail_all(struct vhost_hyv_relay *relay, u32 status)
{
	spin_lock(&relay->lock);
	vhost_hyv_relay_fail_all_locked(relay, status);
	spin_unlock(&relay->lock);
}

/*
 * The guest reset the device: whatever the broker has not answered
 * completes with ECONNRESET, as for a stop, and the broker's next read is
 * the reset notice, ahead of any request the device takes afterwards.  One
 * critical section, so that no request slips in ahead of the notice.
 * Without a relay fd there is no one to tell: the next broker session
 * starts with nothing of the VM.
 */
void vhost_hyv_relay_reset(struct vhost_hyv_relay *relay)
{
	bool notify;

	spin_lock(&relay->lock);
	vhost_hyv_relay_fail_all_locked(relay, ECONNRESET);
	notify = relay->file_open;
	if (notify)
		WRITE_ONCE(relay->reset_pending, true);
	spin_unlock(&relay->lock);

	trace_vhost_hyv_device_reset(relay->owner_pid, notify);
	if (notify)
		wake_up_interruptible_poll(&relay->readers,
					   EPOLLIN | EPOLLRDNORM);
}

/*
 * The relay fd was closed: whatever the broker had not answered, read or
 * not, completes with ECONNRESET; new requests fail with ENOTCONN until
 * another relay fd is opened; the guest is sent BROKER_DOWN.  One critical
 * section, so that no request slips in between.
 */
void vhost_hyv_relay_detach_file(struct vhost_hyv_relay *relay)
{
	spin_lock(&relay->lock);
	relay->file_open = false;
	relay->reset_pending = false;
	vhost_hyv_relay_fail_all_locked(relay, ECONNRESET);
	vhost_hyv_relay_broker_down_locked(relay);
	spin_unlock(&relay->lock);

	vhost_hyv_relay_put(relay);
}

unsigned int vhost_hyv_relay_nr_requests(struct vhost_hyv_relay *relay,
					 enum vhost_hyv_ring ring)
{
	unsigned int nr;

	spin_lock(&relay->lock);
	nr = relay->nr_requests[ring];
	spin_unlock(&relay->lock);
	return nr;
}

unsigned int vhost_hyv_relay_nr_requests_all(struct vhost_hyv_relay *relay)
{
	unsigned int nr = 0;
	int ring;

	spin_lock(&relay->lock);
	for (ring = 0; ring < VHOST_HYV_NR_RINGS; ring++)
		nr += relay->nr_requests[ring];
	spin_unlock(&relay->lock);
	return nr;
}

/*
 * Queues @req for the broker, taking over the caller's reference.
 * -ENOTCONN when no relay fd is open; the caller keeps @req then.
 */
int vhost_hyv_relay_submit(struct vhost_hyv_relay *relay,
			   struct vhost_hyv_request *req)
{
	spin_lock(&relay->lock);
	if (!relay->file_open || vhost_hyv_relay_device_gone(relay)) {
		spin_unlock(&relay->lock);
		return -ENOTCONN;
	}
	req->id = ++relay->last_id;
	req->state = VHOST_HYV_REQ_PENDING;
	list_add_tail(&req->node, &relay->pending[req->ring]);
	relay->nr_requests[req->ring]++;
	trace_vhost_hyv_request_queued(relay->owner_pid, req);
	spin_unlock(&relay->lock);

	wake_up_interruptible_poll(&relay->readers, EPOLLIN | EPOLLRDNORM);
	return 0;
}

/*
 * Moves up to @max done requests to @list, with their references, for the
 * handler of @ring to complete.  Returns whether more are left.
 */
bool vhost_hyv_relay_take_done(struct vhost_hyv_relay *relay,
			       enum vhost_hyv_ring ring, struct list_head *list,
			       unsigned int max)
{
	struct vhost_hyv_request *req, *tmp;
	bool more;

	spin_lock(&relay->lock);
	list_for_each_entry_safe(req, tmp, &relay->done[ring], node) {
		if (!max--)
			break;
		req->state = VHOST_HYV_REQ_DETACHED;
		list_move_tail(&req->node, list);
		relay->nr_requests[ring]--;
	}
	more = !list_empty(&relay->done[ring]);
	spin_unlock(&relay->lock);
	return more;
}

static bool vhost_hyv_relay_pending(struct vhost_hyv_relay *relay)
{
	return !list_empty(&relay->pending[VHOST_HYV_RING_DOORBELL]) ||
	       !list_empty(&relay->pending[VHOST_HYV_RING_CTRL]);
}

static bool vhost_hyv_relay_readable(struct vhost_hyv_relay *relay)
{
	/*
	 * Unlocked hint for wait_event; vhost_hyv_relay_claim() checks
	 * again.
	 */
	return READ_ONCE(relay->reset_pending) ||
	       vhost_hyv_relay_pending(relay) ||
	       !READ_ONCE(relay->ring_poll[VHOST_HYV_RING_CTRL]);
}

/*
 * Doorbells go first: each one stands for work requests the guest already
 * posted and waits for, while a control request behind it may take the
 * broker long (a CREATE_QP, a REG_MR of many pages).
 */
static struct vhost_hyv_request *
vhost_hyv_relay_first_pending(struct vhost_hyv_relay *relay)
{
	struct list_head *list = &relay->pending[VHOST_HYV_RING_DOORBELL];

	if (list_empty(list))
		list = &relay->pending[VHOST_HYV_RING_CTRL];
	return list_first_entry(list, struct vhost_hyv_request, node);
}

/*
 * Takes what a reader gets next: the reset notice if one is armed
 * (VHOST_HYV_RELAY_CLAIMED_RESET; vhost_hyv_relay_unclaim_reset() arms it
 * again if the reader cannot deliver it), else the oldest pending request,
 * doorbells first, made in flight.  Then *reqp holds a reference the reader
 * must put (or hand to vhost_hyv_relay_unclaim()); it is NULL once the
 * device is gone (EOF).
 */
int vhost_hyv_relay_claim(struct vhost_hyv_relay *relay, bool nonblock,
			  struct vhost_hyv_request **reqp)
{
	struct vhost_hyv_request *req;
	int err;

	*reqp = NULL;
	spin_lock(&relay->lock);
	while (!relay->reset_pending && !vhost_hyv_relay_pending(relay) &&
	       !vhost_hyv_relay_device_gone(relay)) {
		spin_unlock(&relay->lock);
		if (nonblock)
			return -EAGAIN;
		err = wait_event_interruptible(relay->readers,
					       vhost_hyv_relay_readable(relay));
		if (err)
			return err;
		spin_lock(&relay->lock);
	}

	if (vhost_hyv_relay_device_gone(relay)) {
		spin_unlock(&relay->lock);
		return 0;
	}
	if (relay->reset_pending) {
		WRITE_ONCE(relay->reset_pending, false);
		spin_unlock(&relay->lock);
		return VHOST_HYV_RELAY_CLAIMED_RESET;
	}

	req = vhost_hyv_relay_first_pending(relay);
	list_del_init(&req->node);
	req->state = VHOST_HYV_REQ_INFLIGHT;
	hash_add(relay->inflight, &req->inflight_node, req->id);
	kref_get(&req->ref);
	trace_vhost_hyv_request_relayed(relay->owner_pid, req);
	*reqp = req;
	spin_unlock(&relay->lock);
	return 0;
}

/*
 * The reader could not copy the reset notice out: arm it again, unless the
 * relay fd was closed meanwhile (then no one is left to tell).
 */
void vhost_hyv_relay_unclaim_reset(struct vhost_hyv_relay *relay)
{
	bool rearmed;

	spin_lock(&relay->lock);
	rearmed = relay->file_open;
	if (rearmed)
		WRITE_ONCE(relay->reset_pending, true);
	spin_unlock(&relay->lock);

	if (rearmed)
		wake_up_interruptible_poll(&relay->readers,
					   EPOLLIN | EPOLLRDNORM);
}

/*
 * The reader could not copy @req out: put it back at the head of the
 * pending list, unless it was failed or dropped meanwhile, and drop the
 * reader's reference.
 */
void vhost_hyv_relay_unclaim(struct vhost_hyv_relay *relay,
			     struct vhost_hyv_request *req)
{
	bool requeued = false;

	spin_lock(&relay->lock);
	if (req->state == VHOST_HYV_REQ_INFLIGHT) {
		hash_del(&req->inflight_node);
		req->state = VHOST_HYV_REQ_PENDING;
		list_add(&req->node, &relay->pending[req->ring]);
		requeued = true;
	}
	spin_unlock(&relay->lock);

	if (requeued)
		wake_up_interruptible_poll(&relay->readers,
					   EPOLLIN | EPOLLRDNORM);
	vhost_hyv_request_put(req);
}

static struct vhost_hyv_request *
vhost_hyv_relay_find_inflight(struct vhost_hyv_relay *relay, u64 id)
{
	struct vhost_hyv_request *req;

	lockdep_assert_held(&relay->lock);

	hash_for_each_possible(relay->inflight, req, inflight_node, id)
		if (req->id == id)
			return req;
	return NULL;
}

/*
 * Attaches the broker's answer @resp (kmalloc'ed, @resp_len bytes) to the
 * in-flight request @id and has the handler of its ring complete it.
 * Takes over @resp on success.  -ENOENT: @id is not in flight (never
 * read, already answered, or failed by a ring stop); -EMSGSIZE: the chain
 * has no room for @resp_len bytes, and the request stays in flight.
 */
int vhost_hyv_relay_answer(struct vhost_hyv_relay *relay, u64 id, void *resp,
			   u32 resp_len)
{
	struct vhost_hyv_request *req;
	int err = 0;

	spin_lock(&relay->lock);
	req = vhost_hyv_relay_find_inflight(relay, id);
	if (!req) {
		err = -ENOENT;
	} else if (resp_len > req->resp_max) {
		err = -EMSGSIZE;
	} else {
		hash_del(&req->inflight_node);
		req->resp = resp;
		req->resp_len = resp_len;
		req->state = VHOST_HYV_REQ_DONE;
		list_add_tail(&req->node, &relay->done[req->ring]);
		vhost_hyv_relay_kick_ring(relay, req->ring);
	}
	spin_unlock(&relay->lock);
	return err;
}

__poll_t vhost_hyv_relay_poll_mask(struct vhost_hyv_relay *relay)
{
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	spin_lock(&relay->lock);
	if (vhost_hyv_relay_device_gone(relay))
		mask |= EPOLLHUP;
	else if (relay->reset_pending || vhost_hyv_relay_pending(relay))
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&relay->lock);
	return mask;
}

/* Keeps events from now on: the eventq has started. */
void vhost_hyv_relay_start_events(struct vhost_hyv_relay *relay)
{
	spin_lock(&relay->lock);
	relay->events_running = true;
	spin_unlock(&relay->lock);
}

/*
 * Discards the kept events and those that come until the next start: the
 * eventq has stopped, and a starting driver resynchronises with HELLO.
 */
void vhost_hyv_relay_stop_events(struct vhost_hyv_relay *relay)
{
	spin_lock(&relay->lock);
	vhost_hyv_relay_stop_events_locked(relay);
	spin_unlock(&relay->lock);
}

/*
 * The broker's event for the guest: kept while the eventq runs (-ENOBUFS
 * when VHOST_HYV_EVENT_BACKLOG are waiting already), discarded otherwise.
 */
int vhost_hyv_relay_post_event(struct vhost_hyv_relay *relay,
			       const struct virtio_hyv_event *ev)
{
	int err = 0;

	spin_lock(&relay->lock);
	if (!relay->events_running)
		trace_vhost_hyv_event_dropped(relay->owner_pid,
					      relay->next_event_seq++, ev,
					      VHOST_HYV_EVENT_DROP_NOT_RUNNING);
	else if (relay->nr_events >= VHOST_HYV_EVENT_BACKLOG)
		err = -ENOBUFS;
	else
		vhost_hyv_relay_keep_event_locked(relay, ev);
	spin_unlock(&relay->lock);
	return err;
}

/* Copies the oldest kept event to @event; false if none is kept. */
bool vhost_hyv_relay_peek_event(struct vhost_hyv_relay *relay,
				struct vhost_hyv_relay_event *event)
{
	bool kept;

	spin_lock(&relay->lock);
	kept = relay->nr_events;
	if (kept)
		*event = *vhost_hyv_relay_event_at(relay, 0);
	spin_unlock(&relay->lock);
	return kept;
}

/*
 * Forgets the oldest kept event: the guest has it.  Only the eventq
 * handler calls this, after vhost_hyv_relay_peek_event() (see vhost_hyv.h).
 */
void vhost_hyv_relay_pop_event(struct vhost_hyv_relay *relay)
{
	spin_lock(&relay->lock);
	if (!WARN_ON_ONCE(!relay->nr_events)) {
		relay->first_event = (relay->first_event + 1) %
				     VHOST_HYV_RELAY_EVENT_SLOTS;
		relay->nr_events--;
	}
	spin_unlock(&relay->lock);
}

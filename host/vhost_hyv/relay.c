// SPDX-License-Identifier: GPL-2.0
/*
 * The relay: requests between the control virtqueue and the broker, and
 * events from the broker to the event virtqueue.
 *
 * This file owns the request state machine and the kept events described
 * in vhost_hyv.h; the control queue handler feeds the requests and drains
 * them, the relay fd (relay_file.c) reads and answers them and posts
 * events, the event queue handler delivers those.  Every transition happens
 * under relay->lock, which also makes "the device is still there" and
 * "queue the handler" one atomic step.
 */
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "vhost_hyv.h"
#include "trace.h"

struct hyv_request *hyv_request_alloc(u32 req_len)
{
	struct hyv_request *req;

	req = kzalloc(struct_size(req, req, req_len), GFP_KERNEL_ACCOUNT);
	if (!req)
		return NULL;

	req->req_len = req_len;
	kref_init(&req->ref);
	INIT_LIST_HEAD(&req->node);
	INIT_HLIST_NODE(&req->inflight_node);
	req->state = HYV_REQ_DETACHED;
	return req;
}

static void hyv_request_free(struct kref *ref)
{
	struct hyv_request *req = container_of(ref, struct hyv_request, ref);

	kfree(req->resp);
	kfree(req);
}

void hyv_request_put(struct hyv_request *req)
{
	kref_put(&req->ref, hyv_request_free);
}

struct hyv_relay *hyv_relay_create(struct vhost_dev *dev,
				   struct vhost_poll **ring_poll,
				   struct vhost_poll *eventq_poll,
				   pid_t owner_pid)
{
	struct hyv_relay *relay;
	int ring;

	/* The kept events make it larger than two pages. */
	relay = kvzalloc(sizeof(*relay), GFP_KERNEL_ACCOUNT);
	if (!relay)
		return NULL;

	kref_init(&relay->ref);
	spin_lock_init(&relay->lock);
	init_waitqueue_head(&relay->readers);
	for (ring = 0; ring < HYV_NR_RINGS; ring++) {
		relay->ring_poll[ring] = ring_poll[ring];
		INIT_LIST_HEAD(&relay->pending[ring]);
		INIT_LIST_HEAD(&relay->done[ring]);
	}
	relay->eventq_poll = eventq_poll;
	relay->owner_pid = owner_pid;
	hyv_shm_init(&relay->shm);
	mutex_init(&relay->dev_lock);
	relay->dev = dev;
	mutex_init(&relay->map_lock);
	INIT_LIST_HEAD(&relay->windows);
	hash_init(relay->inflight);
	return relay;
}

static void hyv_relay_free(struct kref *ref)
{
	struct hyv_relay *relay = container_of(ref, struct hyv_relay, ref);

	/* Both owners detached, and each detach empties the relay. */
	WARN_ON(relay->nr_requests[HYV_RING_CTRL] ||
		relay->nr_requests[HYV_RING_DOORBELL]);
	WARN_ON(!list_empty(&relay->windows) ||
		!list_empty(&relay->shm.maps));
	kvfree(relay);
}

void hyv_relay_put(struct hyv_relay *relay)
{
	kref_put(&relay->ref, hyv_relay_free);
}

static bool hyv_relay_device_gone(struct hyv_relay *relay)
{
	return !relay->ring_poll[HYV_RING_CTRL];
}

/* Runs @ring's handler so that it completes its done list. */
static void hyv_relay_kick_ring(struct hyv_relay *relay, enum hyv_ring ring)
{
	lockdep_assert_held(&relay->lock);

	if (!hyv_relay_device_gone(relay))
		vhost_poll_queue(relay->ring_poll[ring]);
}

static struct hyv_relay_event *hyv_relay_event_at(struct hyv_relay *relay,
						  unsigned int i)
{
	return &relay->events[(relay->first_event + i) %
			      HYV_RELAY_EVENT_SLOTS];
}

static bool hyv_relay_last_event_is(struct hyv_relay *relay, u32 type)
{
	const struct hyv_relay_event *last;

	lockdep_assert_held(&relay->lock);

	if (!relay->nr_events)
		return false;
	last = hyv_relay_event_at(relay, relay->nr_events - 1);
	return le32_to_cpu(last->ev.type) == type;
}

/* Appends @ev and has the event queue handler deliver it. */
static void hyv_relay_keep_event_locked(struct hyv_relay *relay,
					const struct virtio_hyv_event *ev)
{
	struct hyv_relay_event *event;

	lockdep_assert_held(&relay->lock);

	event = hyv_relay_event_at(relay, relay->nr_events++);
	event->seq = relay->next_event_seq++;
	event->ev = *ev;
	vhost_poll_queue(relay->eventq_poll);
}

/*
 * Discards the kept events and keeps no more until the next start.
 * Called only once the eventq handler can no longer run.
 */
static void hyv_relay_stop_events_locked(struct hyv_relay *relay)
{
	const struct hyv_relay_event *event;
	unsigned int i;

	lockdep_assert_held(&relay->lock);

	relay->events_running = false;
	for (i = 0; i < relay->nr_events; i++) {
		event = hyv_relay_event_at(relay, i);
		trace_vhost_hyv_event_dropped(relay->owner_pid, event->seq,
					      &event->ev,
					      HYV_EVENT_DROP_STOPPING);
	}
	relay->first_event = 0;
	relay->nr_events = 0;
}

/*
 * Tells the guest that the broker is gone, and with it every host object
 * it held for this VM.  There is always room: see vhost_hyv.h.
 */
static void hyv_relay_broker_down_locked(struct hyv_relay *relay)
{
	const struct virtio_hyv_event ev = {
		.type = cpu_to_le32(VIRTIO_HYV_EVT_BROKER_DOWN),
	};
	enum hyv_event_drop why;

	lockdep_assert_held(&relay->lock);

	if (!relay->events_running) {
		why = HYV_EVENT_DROP_NOT_RUNNING;
	} else if (hyv_relay_last_event_is(relay,
					   VIRTIO_HYV_EVT_BROKER_DOWN)) {
		why = HYV_EVENT_DROP_REDUNDANT;
	} else {
		hyv_relay_keep_event_locked(relay, &ev);
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
void hyv_relay_detach_device(struct hyv_relay *relay)
{
	struct hyv_request *req, *tmp;
	struct hlist_node *next;
	LIST_HEAD(dropped);
	int bkt, ring;

	/* MAP_GUEST translates through the device: not any more. */
	mutex_lock(&relay->dev_lock);
	relay->dev = NULL;
	mutex_unlock(&relay->dev_lock);
	hyv_shm_device_gone(relay);

	spin_lock(&relay->lock);
	WRITE_ONCE(relay->ring_poll[HYV_RING_CTRL], NULL);
	relay->ring_poll[HYV_RING_DOORBELL] = NULL;
	relay->eventq_poll = NULL;
	hyv_relay_stop_events_locked(relay);
	for (ring = 0; ring < HYV_NR_RINGS; ring++) {
		list_splice_tail_init(&relay->pending[ring], &dropped);
		list_splice_tail_init(&relay->done[ring], &dropped);
		relay->nr_requests[ring] = 0;
	}
	hash_for_each_safe(relay->inflight, bkt, next, req, inflight_node) {
		hash_del(&req->inflight_node);
		list_add_tail(&req->node, &dropped);
	}
	list_for_each_entry(req, &dropped, node) {
		req->state = HYV_REQ_DETACHED;
		trace_vhost_hyv_request_dropped(relay->owner_pid, req);
	}
	spin_unlock(&relay->lock);

	wake_up_interruptible_poll(&relay->readers, EPOLLHUP);

	list_for_each_entry_safe(req, tmp, &dropped, node) {
		list_del_init(&req->node);
		hyv_request_put(req);
	}
}

/* Marks the relay fd open, on behalf of a new relay file. */
int hyv_relay_attach_file(struct hyv_relay *relay)
{
	int err = 0;

	spin_lock(&relay->lock);
	if (relay->file_open)
		err = -EBUSY;
	else if (hyv_relay_device_gone(relay))
		err = -ENODEV;
	else
		relay->file_open = true;
	if (!err)
		kref_get(&relay->ref);
	spin_unlock(&relay->lock);
	return err;
}

static void hyv_relay_fail_locked(struct hyv_relay *relay,
				  struct hyv_request *req, u32 status)
{
	req->status = status;
	req->state = HYV_REQ_DONE;
	list_add_tail(&req->node, &relay->done[req->ring]);
}

/* Fails what the broker has not answered; kicks the rings that got some. */
static void hyv_relay_fail_all_locked(struct hyv_relay *relay, u32 status)
{
	bool failed[HYV_NR_RINGS] = {};
	struct hyv_request *req, *tmp;
	struct hlist_node *next;
	int bkt, ring;

	lockdep_assert_held(&relay->lock);

	hash_for_each_safe(relay->inflight, bkt, next, req, inflight_node) {
		hash_del(&req->inflight_node);
		hyv_relay_fail_locked(relay, req, status);
		failed[req->ring] = true;
	}
	for (ring = 0; ring < HYV_NR_RINGS; ring++) {
		list_for_each_entry_safe(req, tmp, &relay->pending[ring],
					 node) {
			list_del(&req->node);
			hyv_relay_fail_locked(relay, req, status);
			failed[ring] = true;
		}
		if (failed[ring])
			hyv_relay_kick_ring(relay, ring);
	}
}

/*
 * Fails every request the broker has not answered with @status, and has
 * the control queue handler complete them.  The broker's later answers to
 * them get -ENOENT.
 */
void hyv_relay_fail_all(struct hyv_relay *relay, u32 status)
{
	spin_lock(&relay->lock);
	hyv_relay_fail_all_locked(relay, status);
	spin_unlock(&relay->lock);
}

/*
 * The relay fd was closed: whatever the broker had not answered, read or
 * not, completes with ECONNRESET; new requests fail with ENOTCONN until
 * another relay fd is opened; the guest is sent BROKER_DOWN.  One critical
 * section, so that no request slips in between.
 */
void hyv_relay_detach_file(struct hyv_relay *relay)
{
	spin_lock(&relay->lock);
	relay->file_open = false;
	hyv_relay_fail_all_locked(relay, ECONNRESET);
	hyv_relay_broker_down_locked(relay);
	spin_unlock(&relay->lock);

	hyv_relay_put(relay);
}

unsigned int hyv_relay_nr_requests(struct hyv_relay *relay,
				   enum hyv_ring ring)
{
	unsigned int nr;

	spin_lock(&relay->lock);
	nr = relay->nr_requests[ring];
	spin_unlock(&relay->lock);
	return nr;
}

unsigned int hyv_relay_nr_requests_all(struct hyv_relay *relay)
{
	unsigned int nr = 0;
	int ring;

	spin_lock(&relay->lock);
	for (ring = 0; ring < HYV_NR_RINGS; ring++)
		nr += relay->nr_requests[ring];
	spin_unlock(&relay->lock);
	return nr;
}

/*
 * Queues @req for the broker, taking over the caller's reference.
 * -ENOTCONN when no relay fd is open; the caller keeps @req then.
 */
int hyv_relay_submit(struct hyv_relay *relay, struct hyv_request *req)
{
	spin_lock(&relay->lock);
	if (!relay->file_open || hyv_relay_device_gone(relay)) {
		spin_unlock(&relay->lock);
		return -ENOTCONN;
	}
	req->id = ++relay->last_id;
	req->state = HYV_REQ_PENDING;
	list_add_tail(&req->node, &relay->pending[req->ring]);
	relay->nr_requests[req->ring]++;
	trace_vhost_hyv_request_queued(relay->owner_pid, req);
	spin_unlock(&relay->lock);

	wake_up_interruptible_poll(&relay->readers, EPOLLIN | EPOLLRDNORM);
	return 0;
}

/*
 * Moves up to @max done requests to @list, with their references, for the
 * control queue handler to complete.  Returns whether more are left.
 */
bool hyv_relay_take_done(struct hyv_relay *relay, enum hyv_ring ring,
			 struct list_head *list, unsigned int max)
{
	struct hyv_request *req, *tmp;
	bool more;

	spin_lock(&relay->lock);
	list_for_each_entry_safe(req, tmp, &relay->done[ring], node) {
		if (!max--)
			break;
		req->state = HYV_REQ_DETACHED;
		list_move_tail(&req->node, list);
		relay->nr_requests[ring]--;
	}
	more = !list_empty(&relay->done[ring]);
	spin_unlock(&relay->lock);
	return more;
}

static bool hyv_relay_pending(struct hyv_relay *relay)
{
	return !list_empty(&relay->pending[HYV_RING_DOORBELL]) ||
	       !list_empty(&relay->pending[HYV_RING_CTRL]);
}

static bool hyv_relay_readable(struct hyv_relay *relay)
{
	/* Unlocked hint for wait_event; hyv_relay_claim() checks again. */
	return hyv_relay_pending(relay) ||
	       !READ_ONCE(relay->ring_poll[HYV_RING_CTRL]);
}

/*
 * Doorbells go first: each one stands for work requests the guest already
 * posted and waits for, while a control request behind it may take the
 * broker long (a CREATE_QP, a REG_MR of many pages).
 */
static struct hyv_request *hyv_relay_first_pending(struct hyv_relay *relay)
{
	struct list_head *list = &relay->pending[HYV_RING_DOORBELL];

	if (list_empty(list))
		list = &relay->pending[HYV_RING_CTRL];
	return list_first_entry(list, struct hyv_request, node);
}

/*
 * Takes the oldest pending request for a reader, doorbells first, and
 * makes it in flight.  On success *reqp holds a reference the reader must
 * put (or hand to hyv_relay_unclaim()); *reqp is NULL once the device is
 * gone (EOF).
 */
int hyv_relay_claim(struct hyv_relay *relay, bool nonblock,
		    struct hyv_request **reqp)
{
	struct hyv_request *req;
	int err;

	*reqp = NULL;
	spin_lock(&relay->lock);
	while (!hyv_relay_pending(relay) && !hyv_relay_device_gone(relay)) {
		spin_unlock(&relay->lock);
		if (nonblock)
			return -EAGAIN;
		err = wait_event_interruptible(relay->readers,
					       hyv_relay_readable(relay));
		if (err)
			return err;
		spin_lock(&relay->lock);
	}

	if (!hyv_relay_device_gone(relay)) {
		req = hyv_relay_first_pending(relay);
		list_del_init(&req->node);
		req->state = HYV_REQ_INFLIGHT;
		hash_add(relay->inflight, &req->inflight_node, req->id);
		kref_get(&req->ref);
		trace_vhost_hyv_request_relayed(relay->owner_pid, req);
		*reqp = req;
	}
	spin_unlock(&relay->lock);
	return 0;
}

/*
 * The reader could not copy @req out: put it back at the head of the
 * pending list, unless it was failed or dropped meanwhile, and drop the
 * reader's reference.
 */
void hyv_relay_unclaim(struct hyv_relay *relay, struct hyv_request *req)
{
	bool requeued = false;

	spin_lock(&relay->lock);
	if (req->state == HYV_REQ_INFLIGHT) {
		hash_del(&req->inflight_node);
		req->state = HYV_REQ_PENDING;
		list_add(&req->node, &relay->pending[req->ring]);
		requeued = true;
	}
	spin_unlock(&relay->lock);

	if (requeued)
		wake_up_interruptible_poll(&relay->readers,
					   EPOLLIN | EPOLLRDNORM);
	hyv_request_put(req);
}

static struct hyv_request *hyv_relay_find_inflight(struct hyv_relay *relay,
						   u64 id)
{
	struct hyv_request *req;

	lockdep_assert_held(&relay->lock);

	hash_for_each_possible(relay->inflight, req, inflight_node, id)
		if (req->id == id)
			return req;
	return NULL;
}

/*
 * Attaches the broker's answer @resp (kmalloc'ed, @resp_len bytes) to the
 * in-flight request @id and has the control queue handler complete it.
 * Takes over @resp on success.  -ENOENT: @id is not in flight (never
 * read, already answered, or failed by a ring stop); -EMSGSIZE: the chain
 * has no room for @resp_len bytes, and the request stays in flight.
 */
int hyv_relay_answer(struct hyv_relay *relay, u64 id, void *resp,
		     u32 resp_len)
{
	struct hyv_request *req;
	int err = 0;

	spin_lock(&relay->lock);
	req = hyv_relay_find_inflight(relay, id);
	if (!req) {
		err = -ENOENT;
	} else if (resp_len > req->resp_max) {
		err = -EMSGSIZE;
	} else {
		hash_del(&req->inflight_node);
		req->resp = resp;
		req->resp_len = resp_len;
		req->state = HYV_REQ_DONE;
		list_add_tail(&req->node, &relay->done[req->ring]);
		hyv_relay_kick_ring(relay, req->ring);
	}
	spin_unlock(&relay->lock);
	return err;
}

__poll_t hyv_relay_poll_mask(struct hyv_relay *relay)
{
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	spin_lock(&relay->lock);
	if (hyv_relay_device_gone(relay))
		mask |= EPOLLHUP;
	else if (hyv_relay_pending(relay))
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&relay->lock);
	return mask;
}

/* Keeps events from now on: the eventq has started. */
void hyv_relay_start_events(struct hyv_relay *relay)
{
	spin_lock(&relay->lock);
	relay->events_running = true;
	spin_unlock(&relay->lock);
}

/*
 * Discards the kept events and those that come until the next start: the
 * eventq has stopped, and a starting driver resynchronises with HELLO.
 */
void hyv_relay_stop_events(struct hyv_relay *relay)
{
	spin_lock(&relay->lock);
	hyv_relay_stop_events_locked(relay);
	spin_unlock(&relay->lock);
}

/*
 * The broker's event for the guest: kept while the eventq runs (-ENOBUFS
 * when VHOST_HYV_EVENT_BACKLOG are waiting already), discarded otherwise.
 */
int hyv_relay_post_event(struct hyv_relay *relay,
			 const struct virtio_hyv_event *ev)
{
	int err = 0;

	spin_lock(&relay->lock);
	if (!relay->events_running)
		trace_vhost_hyv_event_dropped(relay->owner_pid,
					      relay->next_event_seq++, ev,
					      HYV_EVENT_DROP_NOT_RUNNING);
	else if (relay->nr_events >= VHOST_HYV_EVENT_BACKLOG)
		err = -ENOBUFS;
	else
		hyv_relay_keep_event_locked(relay, ev);
	spin_unlock(&relay->lock);
	return err;
}

/* Copies the oldest kept event to @event; false if none is kept. */
bool hyv_relay_peek_event(struct hyv_relay *relay,
			  struct hyv_relay_event *event)
{
	bool kept;

	spin_lock(&relay->lock);
	kept = relay->nr_events;
	if (kept)
		*event = *hyv_relay_event_at(relay, 0);
	spin_unlock(&relay->lock);
	return kept;
}

/*
 * Forgets the oldest kept event: the guest has it.  Only the eventq
 * handler calls this, after hyv_relay_peek_event() (see vhost_hyv.h).
 */
void hyv_relay_pop_event(struct hyv_relay *relay)
{
	spin_lock(&relay->lock);
	if (!WARN_ON_ONCE(!relay->nr_events)) {
		relay->first_event = (relay->first_event + 1) %
				     HYV_RELAY_EVENT_SLOTS;
		relay->nr_events--;
	}
	spin_unlock(&relay->lock);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv doorbells: the provider rings the send doorbell of a QP with
 * a POST_SEND of no work requests, which reaches post_send with wr NULL.
 * It becomes a DOORBELL request on the doorbellq (the ctrlq without
 * VIRTIO_HYV_F_DOORBELL_QUEUE), and post_send returns as soon as the
 * request is on the ring: the application posts on while the host runs
 * the send queue.
 *
 * A QP has one DOORBELL request, so at most one doorbell of a QP is in
 * flight.  A ring while it is only marks it to be sent again once the
 * device completed it.  The host runs the send queue as it finds it when
 * it serves a DOORBELL, so the request sent again covers every work
 * request written before the ring, and rings in between cost nothing.
 *
 * Lock rules: db->lock (irq-safe) protects in_flight, again and closed.
 * on_done takes it inside the queue's lock; nothing takes the queue's lock
 * inside it.  The core calls post_send and destroy_qp of a QP one at a
 * time, never both at once.
 *
 * Lifetime: the QP owns the doorbell until it is destroyed; the device
 * holds the request while it is in flight.  Whichever of destroy and
 * on_done finds the doorbell closed and idle frees it, so that on_done of
 * a device answering after the QP is gone still finds its doorbell.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "virtio_hyv.h"
#include "trace.h"

struct virtio_hyv_doorbell {
	spinlock_t lock;		/* see above */
	bool in_flight;			/* the device has the request */
	bool again;			/* rung while in flight */
	bool closed;			/* the QP is destroyed */
	struct virtio_hyv *hyv;
	struct virtio_hyv_reqq *q;
	struct virtio_hyv_req *req;
	u32 ctx_handle;
	u32 qp_handle;
};

void virtio_hyv_doorbell_fill(struct virtio_hyv_doorbell_req *dreq,
			      u32 ctx_handle, u32 qp_handle)
{
	memset(dreq, 0, sizeof(*dreq));
	dreq->hdr.opcode = cpu_to_le16(VIRTIO_HYV_OP_DOORBELL);
	dreq->ctx_handle = cpu_to_le32(ctx_handle);
	dreq->qp_handle = cpu_to_le32(qp_handle);
}

static void virtio_hyv_doorbell_free(struct virtio_hyv_doorbell *db)
{
	virtio_hyv_reqq_put_req(db->req);
	kfree(db);
}

/*
 * The request's on_done, with the queue's lock held: sends the request
 * again when the QP was rung meanwhile.
 */
static void virtio_hyv_doorbell_done(struct virtio_hyv_req *req)
{
	struct virtio_hyv_doorbell *db = req->owner;
	int answer = virtio_hyv_reqq_answer(db->hyv, req);
	bool resent = false, release;

	spin_lock(&db->lock);
	if (db->again && !db->closed && !req->error) {
		db->again = false;
		resent = !virtio_hyv_reqq_resend_locked(db->hyv, db->q, req);
	}
	db->in_flight = resent;
	release = db->closed && !resent;
	spin_unlock(&db->lock);

	trace_virtio_hyv_doorbell_done(db->hyv->vdev->index, db->ctx_handle,
				       db->qp_handle, answer, resent);
	if (release)
		virtio_hyv_doorbell_free(db);
}

struct virtio_hyv_doorbell *virtio_hyv_doorbell_create(struct virtio_hyv *hyv,
						       u32 ctx_handle,
						       u32 qp_handle)
{
	struct virtio_hyv_doorbell *db;

	db = kzalloc(sizeof(*db), GFP_KERNEL);
	if (!db)
		return NULL;
	db->req = virtio_hyv_reqq_alloc_req(sizeof(struct virtio_hyv_doorbell_req),
					    sizeof(struct virtio_hyv_resp_hdr),
					    GFP_KERNEL);
	if (!db->req) {
		kfree(db);
		return NULL;
	}
	virtio_hyv_doorbell_fill(db->req->req_buf, ctx_handle, qp_handle);
	db->req->on_done = virtio_hyv_doorbell_done;
	db->req->owner = db;
	spin_lock_init(&db->lock);
	db->hyv = hyv;
	db->q = hyv->dbq.vq ? &hyv->dbq : &hyv->ctrlq;
	db->ctx_handle = ctx_handle;
	db->qp_handle = qp_handle;
	return db;
}

/* The QP is destroyed: no doorbell is sent any more. */
void virtio_hyv_doorbell_destroy(struct virtio_hyv_doorbell *db)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(&db->lock, flags);
	db->closed = true;
	idle = !db->in_flight;
	spin_unlock_irqrestore(&db->lock, flags);
	if (idle)
		virtio_hyv_doorbell_free(db);
}

static int virtio_hyv_doorbell_ring(struct virtio_hyv_doorbell *db)
{
	unsigned long flags;
	bool coalesced;
	int ret = 0;

	spin_lock_irqsave(&db->lock, flags);
	coalesced = db->in_flight;
	if (coalesced)
		db->again = true;
	else
		db->in_flight = true;
	spin_unlock_irqrestore(&db->lock, flags);

	if (!coalesced) {
		/* Not in flight: the request is ours until it is sent. */
		virtio_hyv_reqq_reuse_req(db->req);
		ret = virtio_hyv_reqq_send(db->hyv, db->q, db->req);
		if (ret) {
			spin_lock_irqsave(&db->lock, flags);
			db->in_flight = false;
			spin_unlock_irqrestore(&db->lock, flags);
		}
	}
	trace_virtio_hyv_doorbell(db->hyv->vdev->index, db->ctx_handle,
				  db->qp_handle, coalesced, ret);
	return ret;
}

/*
 * Only the provider's doorbell: no kernel user posts on a user QP.  Like
 * rxe, a QP not yet moved to RTS refuses it.
 */
int virtio_hyv_ib_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
			    const struct ib_send_wr **bad_wr)
{
	struct virtio_hyv_qp *qp = to_virtio_hyv_qp(ibqp);

	if (wr) {
		*bad_wr = wr;
		return -EOPNOTSUPP;
	}
	if (!READ_ONCE(qp->sq_ready))
		return -EINVAL;
	return virtio_hyv_doorbell_ring(qp->db);
}

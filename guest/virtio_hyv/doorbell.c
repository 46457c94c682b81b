// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv doorbells: the provider rings the send doorbell of a QP with
 * a POST_SEND of no work requests, which reaches post_send with wr NULL.
 * It becomes a DOORBELL request on the doorbellq (the ctrlq without
 * VIRTIO_HYV_F_DOORBELL_QUEUE), and post_send returns once the host ran
 * it, as rxe's does.  The request of a QP is allocated once and reused;
 * doorbells of one QP are serialized on it.
 */
#include <linux/mutex.h>
#include <linux/string.h>

#include "virtio_hyv.h"
#include "trace.h"

void virtio_hyv_doorbell_fill(struct virtio_hyv_doorbell_req *dreq,
			      u32 ctx_handle, u32 qp_handle)
{
	memset(dreq, 0, sizeof(*dreq));
	dreq->hdr.opcode = cpu_to_le16(VIRTIO_HYV_OP_DOORBELL);
	dreq->ctx_handle = cpu_to_le32(ctx_handle);
	dreq->qp_handle = cpu_to_le32(qp_handle);
}

/* The QP's request, ready to send.  Called with db_lock held. */
static struct virtio_hyv_req *virtio_hyv_db_req(struct virtio_hyv_qp *qp)
{
	struct virtio_hyv_req *req = qp->db_req;

	if (req) {
		virtio_hyv_req_reuse(req);
		return req;
	}
	req = virtio_hyv_req_alloc(sizeof(struct virtio_hyv_doorbell_req),
				   sizeof(struct virtio_hyv_resp_hdr),
				   GFP_KERNEL);
	if (!req)
		return NULL;
	virtio_hyv_doorbell_fill(req->req_buf, qp->ev.ctx_handle,
				 qp->ev.handle);
	qp->db_req = req;
	return req;
}

static int virtio_hyv_doorbell(struct virtio_hyv_qp *qp)
{
	struct virtio_hyv *hyv = to_hyv_ibdev(qp->ibqp.device)->hyv;
	struct virtio_hyv_reqq *q = hyv->dbq.vq ? &hyv->dbq : &hyv->ctrlq;
	struct virtio_hyv_req *req;
	int ret;

	ret = mutex_lock_killable(&qp->db_lock);
	if (ret)
		return ret;
	req = virtio_hyv_db_req(qp);
	if (!req) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = virtio_hyv_reqq_exec(hyv, q, req, VIRTIO_HYV_REQ_TIMEOUT);
	if (ret == -EINTR || ret == -ETIMEDOUT) {
		/* The device may still own it: leave it to the device. */
		virtio_hyv_req_put(req);
		qp->db_req = NULL;
	}
out_unlock:
	mutex_unlock(&qp->db_lock);
	trace_virtio_hyv_doorbell(hyv->vdev->index, qp->ev.ctx_handle,
				  qp->ev.handle, ret);
	return ret;
}

/* Only the provider's doorbell: no kernel user posts on a user QP. */
int virtio_hyv_ib_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
			    const struct ib_send_wr **bad_wr)
{
	if (wr) {
		*bad_wr = wr;
		return -EOPNOTSUPP;
	}
	return virtio_hyv_doorbell(to_hyv_qp(ibqp));
}

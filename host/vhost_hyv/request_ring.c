// SPDX-License-Identifier: GPL-2.0
/*
 * The handler of the rings that carry requests for the broker: the control
 * virtqueue and the doorbell virtqueue (VIRTIO_HYV_F_DOORBELL_QUEUE).  Both
 * take the same chains, validated the same way, through the same relay;
 * each completes only the requests it took, into its own used ring.  It
 * runs in the vhost worker, in QEMU's mm, as the eventq's handler does:
 * they are the only code that touches guest memory.
 *
 * Each run first completes what the relay has finished (broker answers, and
 * requests failed by a closed relay fd or a stopping ring), then takes new
 * chains from the ring, validates them and queues them on the relay.  Both
 * halves are bounded and requeue the handler when they stop early.
 */
#include <linux/slab.h>
#include <linux/uio.h>

#include "vhost_hyv.h"
#include "trace.h"

/* Answers completed per run: at most VHOST_HYV_WEIGHT bytes. */
#define VHOST_HYV_COMPLETE_BATCH \
	(VHOST_HYV_WEIGHT / VIRTIO_HYV_MAX_RESP_SIZE)

static pid_t vhost_hyv_vmm_pid(struct vhost_hyv *vh)
{
	return vh->relay->owner_pid;
}

static enum vhost_hyv_ring vhost_hyv_ring_of(struct vhost_hyv *vh,
					     struct vhost_virtqueue *vq)
{
	return vq == &vh->dbq ? VHOST_HYV_RING_DOORBELL : VHOST_HYV_RING_CTRL;
}

/*
 * Copies @len bytes into a chain's device-writable part; returns the used
 * length to report, 0 if guest memory faulted.
 */
static u32 vhost_hyv_ring_write(struct vhost_virtqueue *vq,
				const struct iovec *iov, unsigned int nr_iov,
				size_t cap, const void *data, u32 len)
{
	struct iov_iter iter;

	iov_iter_init(&iter, ITER_DEST, iov, nr_iov, cap);
	if (copy_to_iter(data, len, &iter) != len) {
		vq_err(vq, "vhost-hyv: faulted writing a response\n");
		return 0;
	}
	return len;
}

static u32 vhost_hyv_ring_write_status(struct vhost_virtqueue *vq,
				       const struct iovec *iov,
				       unsigned int nr_iov, size_t cap,
				       u32 status)
{
	struct virtio_hyv_resp_hdr hdr = { .status = cpu_to_le32(status) };

	return vhost_hyv_ring_write(vq, iov, nr_iov, cap, &hdr, sizeof(hdr));
}

static void vhost_hyv_ring_deliver(struct vhost_hyv *vh,
				   struct vhost_virtqueue *vq,
				   struct vhost_hyv_request *req)
{
	const struct virtio_hyv_resp_hdr *answer = req->resp;
	u32 status, used;

	if (answer) {
		/* The relay only accepts answers that hold this header. */
		status = le32_to_cpu(answer->status);
		used = vhost_hyv_ring_write(vq, req->resp_iov, req->nr_resp_iov,
					    req->resp_max, answer,
					    req->resp_len);
	} else {
		status = req->status;
		used = vhost_hyv_ring_write_status(vq, req->resp_iov,
						   req->nr_resp_iov,
						   req->resp_max, status);
	}
	vhost_add_used(vq, req->head, used);
	trace_vhost_hyv_request_completed(vhost_hyv_vmm_pid(vh), req, status,
					  used);
}

/*
 * Puts finished requests into the used ring.  Requests from an earlier
 * generation of the ring are dropped: their heads mean nothing to the ring
 * the guest has now.
 */
static void vhost_hyv_ring_complete(struct vhost_hyv *vh,
				    struct vhost_virtqueue *vq,
				    enum vhost_hyv_ring ring)
{
	struct vhost_hyv_request *req, *tmp;
	bool added = false;
	LIST_HEAD(done);
	bool more;

	more = vhost_hyv_relay_take_done(vh->relay, ring, &done,
					 VHOST_HYV_COMPLETE_BATCH);
	list_for_each_entry_safe(req, tmp, &done, node) {
		list_del_init(&req->node);
		if (req->ring_gen == vh->ring_gen[ring]) {
			vhost_hyv_ring_deliver(vh, vq, req);
			added = true;
		} else {
			trace_vhost_hyv_request_dropped(vhost_hyv_vmm_pid(vh),
							req);
		}
		vhost_hyv_request_put(req);
	}

	if (added)
		vhost_signal(&vh->dev, vq);
	if (more)
		vhost_poll_queue(&vq->poll);
}

/* Contract 2 of the wire ABI; vhost itself already refused out-after-in. */
static bool vhost_hyv_ring_chain_valid(unsigned int out, unsigned int in,
				       size_t req_len, size_t resp_max)
{
	return out + in <= VIRTIO_HYV_MAX_CHAIN_DESCS &&
	       req_len >= sizeof(struct virtio_hyv_req_hdr) &&
	       req_len <= VIRTIO_HYV_MAX_REQ_SIZE &&
	       resp_max <= VIRTIO_HYV_MAX_RESP_SIZE;
}

/*
 * Copies a valid chain into a new request and queues it for the broker.
 * Returns 0, or the negated status to complete the chain with.
 */
static int vhost_hyv_ring_queue(struct vhost_hyv *vh,
				struct vhost_virtqueue *vq, unsigned int head,
				unsigned int out, unsigned int in,
				size_t req_len, size_t resp_max)
{
	struct vhost_hyv_request *req;
	struct iov_iter iter;

	req = vhost_hyv_request_alloc(req_len);
	if (!req)
		return -ENOMEM;

	iov_iter_init(&iter, ITER_SOURCE, vq->iov, out, req_len);
	if (!copy_from_iter_full(req->req, req_len, &iter)) {
		vq_err(vq, "vhost-hyv: faulted reading request head %u\n",
		       head);
		vhost_hyv_request_put(req);
		return -EFAULT;
	}

	req->head = head;
	req->ring = vhost_hyv_ring_of(vh, vq);
	req->ring_gen = vh->ring_gen[req->ring];
	req->resp_max = resp_max;
	req->nr_resp_iov = in;
	memcpy(req->resp_iov, vq->iov + out, in * sizeof(*req->resp_iov));

	if (vhost_hyv_relay_submit(vh->relay, req)) {
		vhost_hyv_request_put(req);
		return -ENOTCONN;
	}
	return 0;
}

/*
 * Handles the chain at @head: queues it, or completes it at once.  Returns
 * the bytes copied, for the weight.
 */
static size_t vhost_hyv_ring_take(struct vhost_hyv *vh,
				  struct vhost_virtqueue *vq, unsigned int head,
				  unsigned int out, unsigned int in,
				  bool *added)
{
	const struct iovec *resp_iov = vq->iov + out;
	size_t req_len = iov_length(vq->iov, out);
	size_t resp_max = iov_length(resp_iov, in);
	u32 status = EINVAL;
	u32 used = 0;

	/* Without room for a status the chain can only be handed back. */
	if (resp_max >= sizeof(struct virtio_hyv_resp_hdr)) {
		if (vhost_hyv_ring_chain_valid(out, in, req_len, resp_max))
			status = -vhost_hyv_ring_queue(vh, vq, head, out, in,
						       req_len, resp_max);
		if (!status)
			return req_len;
		used = vhost_hyv_ring_write_status(vq, resp_iov, in, resp_max,
						   status);
	}

	vhost_add_used(vq, head, used);
	*added = true;
	trace_vhost_hyv_request_rejected(vhost_hyv_vmm_pid(vh), head, out, in,
					 req_len, resp_max, status, used);
	return used;
}

static void vhost_hyv_ring_fetch(struct vhost_hyv *vh,
				 struct vhost_virtqueue *vq,
				 enum vhost_hyv_ring ring)
{
	int chains = 0, total_len = 0;
	bool added = false;

	vhost_disable_notify(&vh->dev, vq);
	do {
		unsigned int out, in;
		int head;

		/*
		 * A driver cannot have more requests outstanding than its
		 * ring has entries unless it recycles heads it has not got
		 * back.  Stop taking chains from such a driver, with
		 * notifications off, until requests complete: every
		 * completion requeues this handler.
		 */
		if (vhost_hyv_relay_nr_requests(vh->relay, ring) >= vq->num)
			break;

		head = vhost_get_vq_desc(vq, vq->iov, ARRAY_SIZE(vq->iov), &out,
					 &in, NULL, NULL);
		/* vhost has reported a broken ring through vq_err(). */
		if (head < 0)
			break;

		if (head == vq->num) {
			if (unlikely(vhost_enable_notify(&vh->dev, vq))) {
				vhost_disable_notify(&vh->dev, vq);
				continue;
			}
			break;
		}

		total_len += vhost_hyv_ring_take(vh, vq, head, out, in, &added);
	} while (likely(!vhost_exceeds_weight(vq, ++chains, total_len)));

	if (added)
		vhost_signal(&vh->dev, vq);
}

void vhost_hyv_ring_handle_kick(struct vhost_work *work)
{
	struct vhost_virtqueue *vq =
		container_of(work, struct vhost_virtqueue, poll.work);
	struct vhost_hyv *vh = to_vhost_hyv(vq->dev);
	enum vhost_hyv_ring ring = vhost_hyv_ring_of(vh, vq);

	mutex_lock(&vq->mutex);

	/*
	 * Under a vIOMMU a miss ends this run; vhost requeues the handler
	 * once QEMU has answered it.
	 */
	if (!vq_meta_prefetch(vq))
		goto out;

	/* Completions run while stopped too: stopping drains through here. */
	vhost_hyv_ring_complete(vh, vq, ring);
	if (vhost_vq_get_backend(vq))
		vhost_hyv_ring_fetch(vh, vq, ring);
out:
	mutex_unlock(&vq->mutex);
}

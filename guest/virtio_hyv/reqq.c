// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv request queues (struct virtio_hyv_reqq): the ctrlq, and the
 * doorbellq for doorbells.  Requests (struct virtio_hyv_req) travel as
 * descriptor chains on a request queue, any number of them in flight from
 * any number of threads; the virtqueue callback completes them.
 */
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>

#include "virtio_hyv.h"
#include "trace.h"

struct virtio_hyv_req *virtio_hyv_reqq_alloc_req(unsigned int req_len,
						 unsigned int resp_len,
						 gfp_t gfp)
{
	struct virtio_hyv_req *req;

	req = kzalloc(sizeof(*req), gfp);
	if (!req)
		return NULL;
	if (req_len) {
		req->req_buf = kzalloc(req_len, gfp);
		if (!req->req_buf)
			goto err_free_req;
	}
	if (resp_len) {
		req->resp_buf = kzalloc(resp_len, gfp);
		if (!req->resp_buf)
			goto err_free_req_buf;
	}
	kref_init(&req->ref);
	init_completion(&req->done);
	req->req_len = req_len;
	req->resp_len = resp_len;
	return req;

err_free_req_buf:
	kfree(req->req_buf);
err_free_req:
	kfree(req);
	return NULL;
}

static void virtio_hyv_reqq_release_req(struct kref *ref)
{
	struct virtio_hyv_req *req = container_of(ref, struct virtio_hyv_req,
						  ref);

	kfree(req->resp_buf);
	kfree(req->req_buf);
	kfree(req);
}

/* Drops the caller's reference; may be called whatever exec returned. */
void virtio_hyv_reqq_put_req(struct virtio_hyv_req *req)
{
	kref_put(&req->ref, virtio_hyv_reqq_release_req);
}

/*
 * Makes a request that was executed before ready to be sent again, so that
 * hot paths (doorbells) need no allocation.  Only when the submitter holds
 * the only reference: the device no longer touches it.
 */
void virtio_hyv_reqq_reuse_req(struct virtio_hyv_req *req)
{
	reinit_completion(&req->done);
	req->error = 0;
	req->used_len = 0;
}

/* The request queue of a virtqueue: the ctrlq or the doorbellq. */
static struct virtio_hyv_reqq *virtio_hyv_reqq_of_vq(struct virtqueue *vq)
{
	struct virtio_hyv *hyv = vdev_to_virtio_hyv(vq->vdev);

	if (vq == hyv->dbq.vq)
		return &hyv->dbq;
	return &hyv->ctrlq;
}

/*
 * Hands a request back to its submitter and drops the device's reference.
 * Called with the queue's lock held.
 */
static void virtio_hyv_reqq_finish_req(struct virtio_hyv *hyv,
				       struct virtio_hyv_req *req,
				       unsigned int used_len, int error)
{
	trace_virtio_hyv_req_complete(hyv->vdev->index, req->id, used_len,
				      error);
	req->used_len = used_len;
	req->error = error;
	complete(&req->done);
	if (req->on_done)
		req->on_done(req);
	virtio_hyv_reqq_put_req(req);
}

/* The callback of the ctrlq and of the doorbellq. */
void virtio_hyv_reqq_done(struct virtqueue *vq)
{
	struct virtio_hyv *hyv = vdev_to_virtio_hyv(vq->vdev);
	struct virtio_hyv_reqq *q = virtio_hyv_reqq_of_vq(vq);
	struct virtio_hyv_req *req;
	unsigned long flags;
	unsigned int len;
	bool freed = false;

	spin_lock_irqsave(&q->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((req = virtqueue_get_buf(vq, &len))) {
			virtio_hyv_reqq_finish_req(hyv, req, len, 0);
			freed = true;
		}
	} while (!virtqueue_enable_cb(vq));
	if (freed)
		WRITE_ONCE(q->completions, q->completions + 1);
	spin_unlock_irqrestore(&q->lock, flags);

	if (freed)
		wake_up_all(&q->space);
}

static bool virtio_hyv_reqq_changed(struct virtio_hyv_reqq *q,
				    unsigned long completions)
{
	return READ_ONCE(q->completions) != completions ||
	       READ_ONCE(q->stopped);
}

/*
 * Puts a request on the ring if there is room; on success the device owns
 * one reference to @req and *@notify says whether to kick.  Called with
 * the queue's lock held.
 */
static int virtio_hyv_reqq_add_locked(struct virtio_hyv *hyv,
				      struct virtio_hyv_reqq *q,
				      struct virtio_hyv_req *req,
				      struct scatterlist *sgs[],
				      unsigned int out_sgs,
				      unsigned int in_sgs, bool *notify)
{
	int ret;

	if (q->stopped)
		return -ENODEV;
	ret = virtqueue_add_sgs(q->vq, sgs, out_sgs, in_sgs, req, GFP_ATOMIC);
	if (ret)
		return ret;
	/* The device's; the callback needs our lock. */
	kref_get(&req->ref);
	req->id = atomic64_inc_return(&hyv->next_req_id);
	trace_virtio_hyv_req_submit(hyv->vdev->index, req->id, out_sgs, in_sgs);
	*notify = virtqueue_kick_prepare(q->vq);
	return 0;
}

/*
 * Puts a request on the ring, waiting (killable) for free slots while the
 * ring is full.  On success the device owns one reference to @req.
 */
static int virtio_hyv_reqq_add(struct virtio_hyv *hyv,
			       struct virtio_hyv_reqq *q,
			       struct virtio_hyv_req *req,
			       struct scatterlist *sgs[], unsigned int out_sgs,
			       unsigned int in_sgs)
{
	struct virtqueue *vq = q->vq;
	unsigned long completions;
	unsigned long flags;
	bool notify = false;
	int ret;

	/* Without indirect descriptors such a chain would never fit. */
	if (out_sgs + in_sgs > virtqueue_get_vring_size(vq))
		return -EINVAL;

	for (;;) {
		spin_lock_irqsave(&q->lock, flags);
		ret = virtio_hyv_reqq_add_locked(hyv, q, req, sgs, out_sgs,
						 in_sgs, &notify);
		completions = q->completions;
		spin_unlock_irqrestore(&q->lock, flags);

		if (ret != -ENOSPC)
			break;
		dev_dbg(&hyv->vdev->dev, "%s ring full, waiting\n", vq->name);
		if (wait_event_killable(q->space,
					virtio_hyv_reqq_changed(q, completions)))
			return -EINTR;
	}

	if (notify)
		virtqueue_notify(vq);
	return ret;
}

/*
 * Whether the device was reset under the driver: something that reached
 * its registers (a process mapping the virtio PCI capabilities, a function
 * reset) cleared DRIVER_OK.  Such a device completes nothing that is on
 * its rings, and the host has destroyed every object of this driver
 * instance, so new requests are refused (-ENODEV) until the driver is
 * bound again.
 */
static bool virtio_hyv_reqq_device_lost(struct virtio_hyv *hyv)
{
	struct virtio_device *vdev = hyv->vdev;

	if (vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_DRIVER_OK)
		return false;
	if (!test_and_set_bit(0, &hyv->lost))
		dev_warn(&vdev->dev,
			 "device reset under the driver: its RDMA resources are gone on the host; bind the driver again\n");
	virtio_hyv_reqq_stop(hyv);
	return true;
}

/*
 * Waits for the device to complete a request that is on the ring, looking
 * every VIRTIO_HYV_REQ_CHECK_INTERVAL for a reset under the driver, which
 * would leave the request on the ring for good.  The device's reference
 * keeps the request's buffers until the ring is drained.
 */
static int virtio_hyv_reqq_wait(struct virtio_hyv *hyv,
				struct virtio_hyv_req *req, long timeout)
{
	long slice, left;

	for (;;) {
		slice = min_t(long, timeout, VIRTIO_HYV_REQ_CHECK_INTERVAL);
		if (req->teardown)
			left = wait_for_completion_timeout(&req->done, slice);
		else
			left = wait_for_completion_killable_timeout(&req->done,
								    slice);
		if (left < 0)
			return -EINTR;
		if (left)
			return req->error;
		if (timeout != MAX_SCHEDULE_TIMEOUT)
			timeout -= slice;
		if (!timeout)
			return -ETIMEDOUT;
		if (virtio_hyv_reqq_device_lost(hyv))
			return -ENODEV;
	}
}

/**
 * virtio_hyv_reqq_exec_sgs() - send a chain of caller-built sgs and wait
 * @hyv: the device
 * @q: the request queue
 * @req: the request; every sg must point into its buffers
 * @sgs: @out_sgs driver-readable lists followed by @in_sgs device-writable
 * @out_sgs: number of driver-readable lists
 * @in_sgs: number of device-writable lists
 * @timeout: in jiffies, or MAX_SCHEDULE_TIMEOUT
 *
 * Nothing about the chain is checked against the protocol:
 * virtio_hyv_reqq_exec() sends well-formed chains through it, the test
 * hooks' injector (inject.c) malformed ones on purpose.  A request is
 * executed at most once.
 *
 * Return: 0 once the device completed the request (req->used_len is then
 * valid), -ENODEV when the device went away or was reset under the driver
 * first, -ETIMEDOUT, -EINTR when the caller was killed, -ENOMEM or -EINVAL
 * when the chain could not be queued.
 */
VISIBLE_IF_VIRTIO_HYV_TEST_HOOKS
int virtio_hyv_reqq_exec_sgs(struct virtio_hyv *hyv, struct virtio_hyv_reqq *q,
			     struct virtio_hyv_req *req,
			     struct scatterlist *sgs[], unsigned int out_sgs,
			     unsigned int in_sgs, long timeout)
{
	int ret;

	ret = virtio_hyv_reqq_add(hyv, q, req, sgs, out_sgs, in_sgs);
	if (ret)
		return ret;
	return virtio_hyv_reqq_wait(hyv, req, timeout);
}

/**
 * virtio_hyv_reqq_exec_ctrlq() - send a well-formed request on the ctrlq and
 * check the answer
 * @hyv: the device
 * @req: the request: a request header and payload in req_buf, room for a
 *       response header and payload in resp_buf
 * @timeout: in jiffies, or MAX_SCHEDULE_TIMEOUT
 *
 * Return: 0 when the device completed the request with status 0; the
 * negated device status when it failed it; -EIO when the device wrote less
 * than a response header or more than resp_len; -EPROTO for a status that
 * is no errno; otherwise as virtio_hyv_reqq_exec_sgs().
 */
int virtio_hyv_reqq_exec_ctrlq(struct virtio_hyv *hyv,
			       struct virtio_hyv_req *req, long timeout)
{
	return virtio_hyv_reqq_exec(hyv, &hyv->ctrlq, req, timeout);
}

/* A well-formed request's two lists: its request and response buffers. */
static int virtio_hyv_reqq_sgs(struct virtio_hyv_req *req,
			       struct scatterlist *req_sg,
			       struct scatterlist *resp_sg)
{
	if (WARN_ON_ONCE(req->req_len < sizeof(struct virtio_hyv_req_hdr) ||
			 req->req_len > VIRTIO_HYV_MAX_REQ_SIZE ||
			 req->resp_len < sizeof(struct virtio_hyv_resp_hdr) ||
			 req->resp_len > VIRTIO_HYV_MAX_RESP_SIZE))
		return -EINVAL;
	sg_init_one(req_sg, req->req_buf, req->req_len);
	sg_init_one(resp_sg, req->resp_buf, req->resp_len);
	return 0;
}

/**
 * virtio_hyv_reqq_status() - the answer to a completed well-formed request
 * @hyv: the device
 * @req: the request, completed by the device without error
 *
 * Return: 0 for status 0; the negated device status when it failed the
 * request; -EIO when the device wrote less than a response header or more
 * than resp_len; -EPROTO for a status that is no errno.
 */
static int virtio_hyv_reqq_status(struct virtio_hyv *hyv,
				  const struct virtio_hyv_req *req)
{
	const struct virtio_hyv_resp_hdr *resp = req->resp_buf;
	u32 status;

	if (req->used_len < sizeof(*resp) || req->used_len > req->resp_len) {
		dev_dbg(&hyv->vdev->dev, "req %llu: bad used length %u\n",
			req->id, req->used_len);
		return -EIO;
	}
	status = le32_to_cpu(resp->status);
	if (status > MAX_ERRNO) {
		dev_dbg(&hyv->vdev->dev, "req %llu: bad status %u\n",
			req->id, status);
		return -EPROTO;
	}
	return -(int)status;
}

/* As virtio_hyv_reqq_exec_ctrlq(), on request queue @q. */
int virtio_hyv_reqq_exec(struct virtio_hyv *hyv, struct virtio_hyv_reqq *q,
			 struct virtio_hyv_req *req, long timeout)
{
	struct scatterlist req_sg, resp_sg;
	struct scatterlist *sgs[] = { &req_sg, &resp_sg };
	int ret;

	ret = virtio_hyv_reqq_sgs(req, &req_sg, &resp_sg);
	if (!ret)
		ret = virtio_hyv_reqq_exec_sgs(hyv, q, req, sgs, 1, 1, timeout);
	if (ret)
		return ret;
	return virtio_hyv_reqq_status(hyv, req);
}

/**
 * virtio_hyv_reqq_send() - send a well-formed request without waiting
 * @hyv: the device
 * @q: the request queue
 * @req: as for virtio_hyv_reqq_exec_ctrlq()
 *
 * The request's on_done, when set, runs once the device completed it
 * (req->error 0, the answer then as virtio_hyv_reqq_answer() reads it) or
 * once it was drained (req->error -ENODEV); req->done completes then too.
 * Waits for ring space while the ring is full.
 *
 * Return: 0 when the request is on the ring; -ENODEV when the device is
 * going away, -EINTR when the caller was killed, -ENOMEM or -EINVAL when
 * the chain could not be queued.  on_done runs only after 0.
 */
int virtio_hyv_reqq_send(struct virtio_hyv *hyv, struct virtio_hyv_reqq *q,
			 struct virtio_hyv_req *req)
{
	struct scatterlist req_sg, resp_sg;
	struct scatterlist *sgs[] = { &req_sg, &resp_sg };
	int ret;

	ret = virtio_hyv_reqq_sgs(req, &req_sg, &resp_sg);
	if (ret)
		return ret;
	return virtio_hyv_reqq_add(hyv, q, req, sgs, 1, 1);
}

/**
 * virtio_hyv_reqq_resend_locked() - send a request again from its on_done
 * @hyv: the device
 * @q: the request queue, whose lock on_done runs under
 * @req: the request on_done was called for
 *
 * The slots @req just freed are free still, so there is room on the ring.
 *
 * Return: 0 when the request is on the ring again, -ENODEV when the device
 * is going away, otherwise as virtqueue_add_sgs().
 */
int virtio_hyv_reqq_resend_locked(struct virtio_hyv *hyv,
				  struct virtio_hyv_reqq *q,
				  struct virtio_hyv_req *req)
{
	struct scatterlist req_sg, resp_sg;
	struct scatterlist *sgs[] = { &req_sg, &resp_sg };
	bool notify = false;
	int ret;

	lockdep_assert_held(&q->lock);
	ret = virtio_hyv_reqq_sgs(req, &req_sg, &resp_sg);
	if (ret)
		return ret;
	virtio_hyv_reqq_reuse_req(req);
	ret = virtio_hyv_reqq_add_locked(hyv, q, req, sgs, 1, 1, &notify);
	if (!ret && notify)
		virtqueue_notify(q->vq);
	return ret;
}

/**
 * virtio_hyv_reqq_answer() - the answer to a request sent with
 * virtio_hyv_reqq_send(), from its on_done
 * @hyv: the device
 * @req: the request
 *
 * Return: req->error when it is not 0, otherwise as
 * virtio_hyv_reqq_exec_ctrlq().
 */
int virtio_hyv_reqq_answer(struct virtio_hyv *hyv,
			   const struct virtio_hyv_req *req)
{
	return req->error ? req->error : virtio_hyv_reqq_status(hyv, req);
}

static void virtio_hyv_reqq_init_one(struct virtio_hyv_reqq *q)
{
	spin_lock_init(&q->lock);
	init_waitqueue_head(&q->space);
}

void virtio_hyv_reqq_init(struct virtio_hyv *hyv)
{
	virtio_hyv_reqq_init_one(&hyv->ctrlq);
	virtio_hyv_reqq_init_one(&hyv->dbq);
}

static void virtio_hyv_reqq_stop_one(struct virtio_hyv_reqq *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	WRITE_ONCE(q->stopped, true);
	spin_unlock_irqrestore(&q->lock, flags);
	wake_up_all(&q->space);
}

/* Refuses new requests; called before the device is reset. */
void virtio_hyv_reqq_stop(struct virtio_hyv *hyv)
{
	virtio_hyv_reqq_stop_one(&hyv->ctrlq);
	virtio_hyv_reqq_stop_one(&hyv->dbq);
}

static void virtio_hyv_reqq_drain_one(struct virtio_hyv *hyv,
				      struct virtio_hyv_reqq *q)
{
	struct virtio_hyv_req *req;
	unsigned long flags;
	unsigned int len;

	if (!q->vq)
		return;
	spin_lock_irqsave(&q->lock, flags);
	while ((req = virtqueue_get_buf(q->vq, &len)))
		virtio_hyv_reqq_finish_req(hyv, req, len, 0);
	while ((req = virtqueue_detach_unused_buf(q->vq)))
		virtio_hyv_reqq_finish_req(hyv, req, 0, -ENODEV);
	spin_unlock_irqrestore(&q->lock, flags);
}

/*
 * Completes every request still on the rings; called once the device is
 * reset, so that it no longer touches the buffers.  Answers the device had
 * already given are delivered, the rest fail with -ENODEV.
 */
void virtio_hyv_reqq_drain(struct virtio_hyv *hyv)
{
	virtio_hyv_reqq_drain_one(hyv, &hyv->ctrlq);
	virtio_hyv_reqq_drain_one(hyv, &hyv->dbq);
}

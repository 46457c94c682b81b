// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv user contexts: each guest user context (one ibv_open_device)
 * is backed by a host context, one host uverbs file, created with
 * CREATE_CONTEXT and released with DESTROY_CONTEXT.  The provider's driver
 * data passes through unchanged in both directions.
 */
#include <linux/minmax.h>
#include <linux/string.h>

#include "virtio_hyv.h"

void virtio_hyv_create_context_fill(struct virtio_hyv_create_context_req *creq,
				    u32 dev_id, u32 udata_len,
				    u32 resp_udata_max)
{
	memset(creq, 0, sizeof(*creq));
	creq->hdr.opcode = cpu_to_le16(VIRTIO_HYV_OP_CREATE_CONTEXT);
	creq->dev_id = cpu_to_le32(dev_id);
	creq->udata_len = cpu_to_le32(udata_len);
	creq->resp_udata_max = cpu_to_le32(resp_udata_max);
}

void virtio_hyv_destroy_context_fill(struct virtio_hyv_destroy_context_req *dreq,
				     u32 ctx_handle)
{
	memset(dreq, 0, sizeof(*dreq));
	dreq->hdr.opcode = cpu_to_le16(VIRTIO_HYV_OP_DESTROY_CONTEXT);
	dreq->ctx_handle = cpu_to_le32(ctx_handle);
}

/* A DESTROY_CONTEXT request, allocated while an error can still be told. */
static struct virtio_hyv_req *virtio_hyv_destroy_req_alloc(void)
{
	return virtio_hyv_reqq_alloc_req(sizeof(struct virtio_hyv_destroy_context_req),
					 sizeof(struct virtio_hyv_resp_hdr),
					 GFP_KERNEL);
}

/* Sends @req, from virtio_hyv_destroy_req_alloc(), and puts it. */
static void virtio_hyv_destroy_context(struct virtio_hyv_ibdev *vibdev,
				       struct virtio_hyv_req *req,
				       u32 ctx_handle)
{
	int ret;

	virtio_hyv_destroy_context_fill(req->req_buf, ctx_handle);
	ret = virtio_hyv_reqq_exec_ctrlq(vibdev->hyv, req,
					 VIRTIO_HYV_REQ_TIMEOUT);
	virtio_hyv_reqq_put_req(req);
	ibdev_dbg(&vibdev->ibdev, "context %u destroyed: %d\n", ctx_handle,
		  ret);
}

int virtio_hyv_ib_alloc_ucontext(struct ib_ucontext *ibuctx,
				 struct ib_udata *udata)
{
	struct virtio_hyv_ucontext *uctx = to_virtio_hyv_ucontext(ibuctx);
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibuctx->device);
	struct virtio_hyv_create_context_resp *cresp;
	struct virtio_hyv_create_context_req *creq;
	size_t resp_udata_max, resp_udata_len;
	struct virtio_hyv_req *req;
	int ret;

	if (udata->inlen > VIRTIO_HYV_MAX_REQ_SIZE - sizeof(*creq))
		return -EINVAL;
	resp_udata_max = min_t(size_t, udata->outlen,
			       VIRTIO_HYV_MAX_RESP_SIZE - sizeof(*cresp));

	uctx->destroy_req = virtio_hyv_destroy_req_alloc();
	if (!uctx->destroy_req)
		return -ENOMEM;
	req = virtio_hyv_reqq_alloc_req(sizeof(*creq) + udata->inlen,
					sizeof(*cresp) + resp_udata_max,
					GFP_KERNEL);
	if (!req) {
		ret = -ENOMEM;
		goto err_put_destroy_req;
	}
	creq = req->req_buf;
	virtio_hyv_create_context_fill(creq, vibdev->dev_id, udata->inlen,
				       resp_udata_max);
	ret = ib_copy_from_udata(creq->udata, udata, udata->inlen);
	if (ret)
		goto err_put_req;

	ret = virtio_hyv_reqq_exec_ctrlq(vibdev->hyv, req,
					 VIRTIO_HYV_REQ_TIMEOUT);
	if (ret)
		goto err_put_req;
	cresp = req->resp_buf;
	if (req->used_len < sizeof(*cresp)) {
		/* No handle to release: the device answered nonsense. */
		ibdev_err(&vibdev->ibdev, "CREATE_CONTEXT: %u bytes\n",
			  req->used_len);
		ret = -EPROTO;
		goto err_put_req;
	}
	uctx->ctx_handle = le32_to_cpu(cresp->ctx_handle);
	resp_udata_len = le32_to_cpu(READ_ONCE(cresp->udata_len));
	if (resp_udata_len > resp_udata_max ||
	    req->used_len < sizeof(*cresp) + resp_udata_len) {
		ibdev_err(&vibdev->ibdev,
			  "CREATE_CONTEXT: %zu bytes of driver data in %u\n",
			  resp_udata_len, req->used_len);
		ret = -EPROTO;
		goto err_destroy_context;
	}
	ret = ib_copy_to_udata(udata, cresp->udata, resp_udata_len);
	if (ret)
		goto err_destroy_context;
	ret = virtio_hyv_evobj_add_ctx(vibdev->hyv, uctx);
	if (ret)
		goto err_destroy_context;

	virtio_hyv_reqq_put_req(req);
	ibdev_dbg(&vibdev->ibdev, "context %u created\n", uctx->ctx_handle);
	return 0;

err_destroy_context:
	virtio_hyv_destroy_context(vibdev, uctx->destroy_req, uctx->ctx_handle);
	virtio_hyv_reqq_put_req(req);
	return ret;

err_put_req:
	virtio_hyv_reqq_put_req(req);
err_put_destroy_req:
	virtio_hyv_reqq_put_req(uctx->destroy_req);
	return ret;
}

void virtio_hyv_ib_dealloc_ucontext(struct ib_ucontext *ibuctx)
{
	struct virtio_hyv_ucontext *uctx = to_virtio_hyv_ucontext(ibuctx);
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibuctx->device);

	virtio_hyv_evobj_del_ctx(vibdev->hyv, uctx);
	/* Its handle may name another context of the host's by now. */
	if (READ_ONCE(vibdev->host_gone)) {
		virtio_hyv_reqq_put_req(uctx->destroy_req);
		return;
	}
	virtio_hyv_destroy_context(vibdev, uctx->destroy_req, uctx->ctx_handle);
}

/*
 * Having this lets the RDMA core unregister a device without waiting for
 * the applications holding it.  The core itself zaps their mappings of
 * host queues and destroys their objects; nothing else is left here.
 */
void virtio_hyv_ib_disassociate_ucontext(struct ib_ucontext *ibuctx)
{
}

// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv completion queues: CREATE_CQ, RESIZE_CQ, REQ_NOTIFY_CQ and
 * DESTROY_CQ on the host.  The CQ's ring is the host's, mapped through
 * shared memory (mmap.c); the provider polls it there.  REQ_NOTIFY_CQ is
 * synchronous so that an arm the provider made is in force on the host
 * before it polls again, as on the host itself; the host's completion
 * events come back as COMPLETION events (evobj.c).
 *
 * create_cq takes a uverbs_attr_bundle on newer kernels: Kbuild defines
 * VIRTIO_HYV_IB_CREATE_CQ_ATTRS from the headers, as for compat.h.
 */
#include <linux/mutex.h>
#include <rdma/ib_user_verbs.h>

#include "virtio_hyv.h"

static u32 virtio_hyv_cq_ctx(struct virtio_hyv_cq *cq)
{
	return cq->ev.ctx_handle;
}

/* The host's CQ only: its guest side is not set up or is going. */
static void virtio_hyv_cq_destroy_host(struct virtio_hyv_ibdev *vibdev,
				       u32 ctx_handle, u32 cq_handle)
{
	struct ib_uverbs_destroy_cq_resp resp;
	struct ib_uverbs_destroy_cq cmd = { .cq_handle = cq_handle };
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_DESTROY_CQ,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.teardown = true,
		.resp = &resp,
	};

	if (!virtio_hyv_ibdev_host_gone(vibdev))
		virtio_hyv_verb(vibdev, ctx_handle, &verb);
}

static int virtio_hyv_create_cq(struct ib_cq *ibcq,
				const struct ib_cq_init_attr *attr,
				struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibcq->device);
	struct virtio_hyv_cq *cq = to_virtio_hyv_cq(ibcq);
	struct virtio_hyv_ucontext *uctx;
	struct ib_uverbs_create_cq_resp resp;
	struct ib_uverbs_create_cq cmd = {
		.cqe = attr->cqe,
		.comp_vector = attr->comp_vector,
	};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_CREATE_CQ,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.resp = &resp, .resp_len = sizeof(resp),
		.udata = udata,
	};
	int ret;

	if (!udata || attr->flags)
		return -EOPNOTSUPP;
	if (!virtio_hyv_ibdev_queues_usable(vibdev))
		return -EOPNOTSUPP;
	uctx = udata_to_virtio_hyv_ucontext(udata);
	mutex_init(&cq->resize_lock);

	ret = virtio_hyv_verb(vibdev, uctx->ctx_handle, &verb);
	if (ret)
		return ret;
	ret = virtio_hyv_maps_insert(uctx, &verb, &cq->maps);
	if (ret)
		goto err_destroy_host;
	ret = virtio_hyv_evobj_add(&vibdev->hyv->cqs, &cq->ev, uctx->ctx_handle,
				   resp.cq_handle);
	if (ret)
		goto err_remove_maps;
	ibcq->cqe = resp.cqe;
	return 0;

err_remove_maps:
	virtio_hyv_maps_remove(&cq->maps);
err_destroy_host:
	virtio_hyv_cq_destroy_host(vibdev, uctx->ctx_handle, resp.cq_handle);
	return ret;
}

#ifdef VIRTIO_HYV_IB_CREATE_CQ_ATTRS
static int virtio_hyv_ib_create_cq(struct ib_cq *ibcq,
				   const struct ib_cq_init_attr *attr,
				   struct uverbs_attr_bundle *attrs)
{
	return virtio_hyv_create_cq(ibcq, attr,
				    attrs ? &attrs->driver_udata : NULL);
}
#else
static int virtio_hyv_ib_create_cq(struct ib_cq *ibcq,
				   const struct ib_cq_init_attr *attr,
				   struct ib_udata *udata)
{
	return virtio_hyv_create_cq(ibcq, attr, udata);
}
#endif

/* Replaces the CQ's queue maps with those of the resized ring. */
static int virtio_hyv_ib_resize_cq(struct ib_cq *ibcq, int cqe,
				   struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibcq->device);
	struct virtio_hyv_cq *cq = to_virtio_hyv_cq(ibcq);
	struct virtio_hyv_maps maps;
	struct ib_uverbs_resize_cq_resp resp;
	struct ib_uverbs_resize_cq cmd = {
		.cq_handle = cq->ev.handle,
		.cqe = cqe,
	};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_RESIZE_CQ,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.resp = &resp, .resp_len = sizeof(resp),
		.udata = udata,
	};
	int ret;

	if (!udata)
		return -EOPNOTSUPP;
	mutex_lock(&cq->resize_lock);
	ret = virtio_hyv_verb(vibdev, virtio_hyv_cq_ctx(cq), &verb);
	if (ret)
		goto out_unlock;
	/*
	 * The host resized already: if the new ring cannot be mapped, the
	 * provider fails to map it and the CQ is of no use but to destroy.
	 */
	ret = virtio_hyv_maps_insert(udata_to_virtio_hyv_ucontext(udata), &verb,
				     &maps);
	if (ret)
		goto out_unlock;
	virtio_hyv_maps_remove(&cq->maps);
	cq->maps = maps;
	ibcq->cqe = resp.cqe;
out_unlock:
	mutex_unlock(&cq->resize_lock);
	return ret;
}

static int virtio_hyv_ib_req_notify_cq(struct ib_cq *ibcq,
				       enum ib_cq_notify_flags flags)
{
	struct virtio_hyv_cq *cq = to_virtio_hyv_cq(ibcq);
	struct ib_uverbs_req_notify_cq cmd = {
		.cq_handle = cq->ev.handle,
		.solicited_only = (flags & IB_CQ_SOLICITED_MASK) ==
				  IB_CQ_SOLICITED,
	};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_REQ_NOTIFY_CQ,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
	};

	/* The uverbs command has no way to report missed events. */
	return virtio_hyv_verb(to_virtio_hyv_ibdev(ibcq->device),
			       virtio_hyv_cq_ctx(cq), &verb);
}

/* The guest's side goes whatever the host answers. */
static int virtio_hyv_ib_destroy_cq(struct ib_cq *ibcq, struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibcq->device);
	struct virtio_hyv_cq *cq = to_virtio_hyv_cq(ibcq);

	virtio_hyv_evobj_del(&vibdev->hyv->cqs, &cq->ev);
	virtio_hyv_cq_destroy_host(vibdev, virtio_hyv_cq_ctx(cq),
				   cq->ev.handle);
	virtio_hyv_maps_remove(&cq->maps);
	mutex_destroy(&cq->resize_lock);
	return 0;
}

const struct ib_device_ops virtio_hyv_cq_ops = {
	.create_cq = virtio_hyv_ib_create_cq,
	.destroy_cq = virtio_hyv_ib_destroy_cq,
	.req_notify_cq = virtio_hyv_ib_req_notify_cq,
	.resize_cq = virtio_hyv_ib_resize_cq,
};

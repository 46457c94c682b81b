// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv shared receive queues: basic SRQs, with CREATE_SRQ,
 * MODIFY_SRQ, QUERY_SRQ and DESTROY_SRQ on the host.  The ring is the
 * host's, mapped through shared memory (mmap.c).
 *
 * rxe resizes an SRQ (MODIFY_SRQ with IB_SRQ_MAX_WR) by writing where the
 * new ring is to a user pointer of its driver data instead of the response
 * (struct rxe_modify_srq_cmd): the device writes it to its own copy, and
 * this driver writes the guest's from the queue map of the answer.
 */
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/rdma_user_rxe.h>

#include "virtio_hyv.h"

static u32 virtio_hyv_srq_ctx(struct virtio_hyv_srq *srq)
{
	return srq->ev.ctx_handle;
}

/* The host's SRQ only: its guest side is not set up or is going. */
static void virtio_hyv_srq_destroy_host(struct virtio_hyv_ibdev *vibdev,
					u32 ctx_handle, u32 srq_handle)
{
	struct ib_uverbs_destroy_srq_resp resp;
	struct ib_uverbs_destroy_srq cmd = { .srq_handle = srq_handle };
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_DESTROY_SRQ,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.teardown = true,
		.resp = &resp,
	};

	if (!virtio_hyv_ibdev_host_gone(vibdev))
		virtio_hyv_verb(vibdev, ctx_handle, &verb);
}

int virtio_hyv_ib_create_srq(struct ib_srq *ibsrq,
			     struct ib_srq_init_attr *init_attr,
			     struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibsrq->device);
	struct virtio_hyv_srq *srq = to_virtio_hyv_srq(ibsrq);
	struct virtio_hyv_ucontext *uctx;
	struct ib_uverbs_create_srq_resp resp;
	struct ib_uverbs_create_srq cmd = {
		.pd_handle = to_virtio_hyv_pd(ibsrq->pd)->handle,
		.max_wr = init_attr->attr.max_wr,
		.max_sge = init_attr->attr.max_sge,
		.srq_limit = init_attr->attr.srq_limit,
	};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_CREATE_SRQ,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.resp = &resp, .resp_len = sizeof(resp),
		.udata = udata,
	};
	int ret;

	if (!udata || init_attr->srq_type != IB_SRQT_BASIC)
		return -EOPNOTSUPP;
	if (!virtio_hyv_ibdev_queues_usable(vibdev))
		return -EOPNOTSUPP;
	uctx = udata_to_virtio_hyv_ucontext(udata);
	mutex_init(&srq->resize_lock);

	ret = virtio_hyv_verb(vibdev, uctx->ctx_handle, &verb);
	if (ret)
		return ret;
	ret = virtio_hyv_maps_insert(uctx, &verb, &srq->maps);
	if (ret)
		goto err_destroy_host;
	ret = virtio_hyv_evobj_add(&vibdev->hyv->srqs, &srq->ev,
				   uctx->ctx_handle, resp.srq_handle);
	if (ret)
		goto err_remove_maps;
	init_attr->attr.max_wr = resp.max_wr;
	init_attr->attr.max_sge = resp.max_sge;
	return 0;

err_remove_maps:
	virtio_hyv_maps_remove(&srq->maps);
err_destroy_host:
	virtio_hyv_srq_destroy_host(vibdev, uctx->ctx_handle, resp.srq_handle);
	return ret;
}

/* rxe: tells the provider where the resized ring is (see above). */
static int virtio_hyv_srq_rxe_resized(struct virtio_hyv_srq *srq,
				      u64 mmap_info_addr,
				      const struct virtio_hyv_verb *verb)
{
	struct mminfo mi = {
		.offset = le64_to_cpu(verb->maps[0].mmap_offset),
		.size = le64_to_cpu(verb->maps[0].length),
	};

	if (copy_to_user(u64_to_user_ptr(mmap_info_addr), &mi, sizeof(mi)))
		return -EFAULT;
	return 0;
}

int virtio_hyv_ib_modify_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr,
			     enum ib_srq_attr_mask attr_mask,
			     struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibsrq->device);
	struct virtio_hyv_srq *srq = to_virtio_hyv_srq(ibsrq);
	struct rxe_modify_srq_cmd rxe_cmd = {};
	struct virtio_hyv_maps maps;
	struct ib_uverbs_modify_srq cmd = {
		.srq_handle = srq->ev.handle,
		.attr_mask = attr_mask,
		.max_wr = attr->max_wr,
		.srq_limit = attr->srq_limit,
	};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_MODIFY_SRQ,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.udata = udata,
	};
	bool rxe_resize;
	int ret;

	if (!udata)
		return -EOPNOTSUPP;
	rxe_resize = ibsrq->device->ops.driver_id == RDMA_DRIVER_RXE &&
		     (attr_mask & IB_SRQ_MAX_WR);
	if (rxe_resize) {
		ret = ib_copy_from_udata(&rxe_cmd, udata, sizeof(rxe_cmd));
		if (ret)
			return ret;
	}

	mutex_lock(&srq->resize_lock);
	ret = virtio_hyv_verb(vibdev, virtio_hyv_srq_ctx(srq), &verb);
	if (ret || !verb.num_maps)
		goto out_unlock;
	ret = virtio_hyv_maps_insert(udata_to_virtio_hyv_ucontext(udata), &verb,
				     &maps);
	if (ret)
		goto out_unlock;
	if (rxe_resize) {
		ret = virtio_hyv_srq_rxe_resized(srq, rxe_cmd.mmap_info_addr,
						 &verb);
		if (ret) {
			virtio_hyv_maps_remove(&maps);
			goto out_unlock;
		}
	}
	virtio_hyv_maps_remove(&srq->maps);
	srq->maps = maps;
out_unlock:
	mutex_unlock(&srq->resize_lock);
	return ret;
}

int virtio_hyv_ib_query_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr)
{
	struct virtio_hyv_srq *srq = to_virtio_hyv_srq(ibsrq);
	struct ib_uverbs_query_srq_resp resp;
	struct ib_uverbs_query_srq cmd = { .srq_handle = srq->ev.handle };
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_QUERY_SRQ,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.resp = &resp, .resp_len = sizeof(resp),
	};
	int ret;

	ret = virtio_hyv_verb(to_virtio_hyv_ibdev(ibsrq->device),
			      virtio_hyv_srq_ctx(srq), &verb);
	if (ret)
		return ret;
	attr->max_wr = resp.max_wr;
	attr->max_sge = resp.max_sge;
	attr->srq_limit = resp.srq_limit;
	return 0;
}

/* The guest's side goes whatever the host answers. */
int virtio_hyv_ib_destroy_srq(struct ib_srq *ibsrq, struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibsrq->device);
	struct virtio_hyv_srq *srq = to_virtio_hyv_srq(ibsrq);

	virtio_hyv_evobj_del(&vibdev->hyv->srqs, &srq->ev);
	virtio_hyv_srq_destroy_host(vibdev, virtio_hyv_srq_ctx(srq),
				    srq->ev.handle);
	virtio_hyv_maps_remove(&srq->maps);
	mutex_destroy(&srq->resize_lock);
	return 0;
}

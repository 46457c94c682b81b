// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv queue pairs: RC, UC and UD, with CREATE_QP (the legacy
 * command), MODIFY_QP (legacy), QUERY_QP and DESTROY_QP on the host.  The
 * send and receive rings are the host's, mapped through shared memory
 * (mmap.c); the provider posts there and rings the send doorbell
 * (doorbell.c).  The QP number and the capabilities are the host's: the
 * provider sizes its rings from them.
 */
#include <linux/mutex.h>
#include <linux/string.h>
#include <rdma/ib_user_verbs.h>

#include "virtio_hyv.h"

static u32 virtio_hyv_qp_ctx(struct virtio_hyv_qp *qp)
{
	return qp->ev.ctx_handle;
}

static void virtio_hyv_ah_to_dest(struct ib_uverbs_qp_dest *dest,
				  const struct rdma_ah_attr *ah)
{
	const struct ib_global_route *grh;

	dest->dlid = rdma_ah_get_dlid(ah);
	dest->sl = rdma_ah_get_sl(ah);
	dest->src_path_bits = rdma_ah_get_path_bits(ah);
	dest->static_rate = rdma_ah_get_static_rate(ah);
	dest->port_num = rdma_ah_get_port_num(ah);
	if (!(rdma_ah_get_ah_flags(ah) & IB_AH_GRH))
		return;
	grh = rdma_ah_read_grh(ah);
	dest->is_global = 1;
	memcpy(dest->dgid, grh->dgid.raw, sizeof(dest->dgid));
	dest->flow_label = grh->flow_label;
	dest->sgid_index = grh->sgid_index;
	dest->hop_limit = grh->hop_limit;
	dest->traffic_class = grh->traffic_class;
}

static void virtio_hyv_dest_to_ah(struct ib_device *ibdev,
				  struct rdma_ah_attr *ah,
				  const struct ib_uverbs_qp_dest *dest)
{
	union ib_gid dgid;

	memset(ah, 0, sizeof(*ah));
	if (!rdma_is_port_valid(ibdev, dest->port_num))
		return;
	ah->type = rdma_ah_find_type(ibdev, dest->port_num);
	rdma_ah_set_dlid(ah, dest->dlid);
	rdma_ah_set_sl(ah, dest->sl);
	rdma_ah_set_path_bits(ah, dest->src_path_bits);
	rdma_ah_set_static_rate(ah, dest->static_rate);
	rdma_ah_set_port_num(ah, dest->port_num);
	if (!dest->is_global)
		return;
	memcpy(dgid.raw, dest->dgid, sizeof(dgid.raw));
	rdma_ah_set_grh(ah, &dgid, dest->flow_label, dest->sgid_index,
			dest->hop_limit, dest->traffic_class);
}

/* The host's QP only: its guest side is not set up or is going. */
static void virtio_hyv_qp_destroy_host(struct virtio_hyv_ibdev *vibdev,
				       u32 ctx_handle, u32 qp_handle)
{
	struct ib_uverbs_destroy_qp_resp resp;
	struct ib_uverbs_destroy_qp cmd = { .qp_handle = qp_handle };
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_DESTROY_QP,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.teardown = true,
		.resp = &resp,
	};

	if (!virtio_hyv_ibdev_host_gone(vibdev))
		virtio_hyv_verb(vibdev, ctx_handle, &verb);
}

static int virtio_hyv_create_qp_cmd(struct ib_uverbs_create_qp *cmd,
				    struct ib_qp *ibqp,
				    const struct ib_qp_init_attr *init_attr)
{
	switch (init_attr->qp_type) {
	case IB_QPT_RC:
	case IB_QPT_UC:
	case IB_QPT_UD:
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (init_attr->create_flags || init_attr->rwq_ind_tbl)
		return -EOPNOTSUPP;

	cmd->pd_handle = to_virtio_hyv_pd(ibqp->pd)->handle;
	cmd->send_cq_handle = to_virtio_hyv_cq(init_attr->send_cq)->ev.handle;
	cmd->recv_cq_handle = to_virtio_hyv_cq(init_attr->recv_cq)->ev.handle;
	if (init_attr->srq) {
		cmd->srq_handle = to_virtio_hyv_srq(init_attr->srq)->ev.handle;
		cmd->is_srq = 1;
	}
	cmd->max_send_wr = init_attr->cap.max_send_wr;
	cmd->max_recv_wr = init_attr->cap.max_recv_wr;
	cmd->max_send_sge = init_attr->cap.max_send_sge;
	cmd->max_recv_sge = init_attr->cap.max_recv_sge;
	cmd->max_inline_data = init_attr->cap.max_inline_data;
	cmd->sq_sig_all = init_attr->sq_sig_type == IB_SIGNAL_ALL_WR;
	cmd->qp_type = init_attr->qp_type;
	return 0;
}

int virtio_hyv_ib_create_qp(struct ib_qp *ibqp,
			    struct ib_qp_init_attr *init_attr,
			    struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibqp->device);
	struct virtio_hyv_qp *qp = to_virtio_hyv_qp(ibqp);
	struct virtio_hyv_ucontext *uctx;
	struct ib_uverbs_create_qp_resp resp;
	struct ib_uverbs_create_qp cmd = {};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_CREATE_QP,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.resp = &resp, .resp_len = sizeof(resp),
		.udata = udata,
	};
	int ret;

	if (!udata)
		return -EOPNOTSUPP;
	ret = virtio_hyv_create_qp_cmd(&cmd, ibqp, init_attr);
	if (ret)
		return ret;
	if (!virtio_hyv_ibdev_queues_usable(vibdev))
		return -EOPNOTSUPP;
	uctx = udata_to_virtio_hyv_ucontext(udata);

	ret = virtio_hyv_verb(vibdev, uctx->ctx_handle, &verb);
	if (ret)
		return ret;
	qp->db = virtio_hyv_doorbell_create(vibdev->hyv, uctx->ctx_handle,
					    resp.qp_handle);
	if (!qp->db) {
		ret = -ENOMEM;
		goto err_destroy_host;
	}
	ret = virtio_hyv_maps_insert(uctx, &verb, &qp->maps);
	if (ret)
		goto err_destroy_doorbell;
	ret = virtio_hyv_evobj_add(&vibdev->hyv->qps, &qp->ev, uctx->ctx_handle,
				   resp.qp_handle);
	if (ret)
		goto err_remove_maps;

	ibqp->qp_num = resp.qpn;
	init_attr->cap.max_send_wr = resp.max_send_wr;
	init_attr->cap.max_recv_wr = resp.max_recv_wr;
	init_attr->cap.max_send_sge = resp.max_send_sge;
	init_attr->cap.max_recv_sge = resp.max_recv_sge;
	init_attr->cap.max_inline_data = resp.max_inline_data;
	return 0;

err_remove_maps:
	virtio_hyv_maps_remove(&qp->maps);
err_destroy_doorbell:
	virtio_hyv_doorbell_destroy(qp->db);
err_destroy_host:
	virtio_hyv_qp_destroy_host(vibdev, uctx->ctx_handle, resp.qp_handle);
	return ret;
}

int virtio_hyv_ib_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
			    int attr_mask, struct ib_udata *udata)
{
	struct virtio_hyv_qp *qp = to_virtio_hyv_qp(ibqp);
	struct ib_uverbs_modify_qp cmd = {
		.qp_handle = qp->ev.handle,
		.attr_mask = attr_mask,
		.qkey = attr->qkey,
		.rq_psn = attr->rq_psn,
		.sq_psn = attr->sq_psn,
		.dest_qp_num = attr->dest_qp_num,
		.qp_access_flags = attr->qp_access_flags,
		.pkey_index = attr->pkey_index,
		.alt_pkey_index = attr->alt_pkey_index,
		.qp_state = attr->qp_state,
		.cur_qp_state = attr->cur_qp_state,
		.path_mtu = attr->path_mtu,
		.path_mig_state = attr->path_mig_state,
		.en_sqd_async_notify = attr->en_sqd_async_notify,
		.max_rd_atomic = attr->max_rd_atomic,
		.max_dest_rd_atomic = attr->max_dest_rd_atomic,
		.min_rnr_timer = attr->min_rnr_timer,
		.port_num = attr->port_num,
		.timeout = attr->timeout,
		.retry_cnt = attr->retry_cnt,
		.rnr_retry = attr->rnr_retry,
		.alt_port_num = attr->alt_port_num,
		.alt_timeout = attr->alt_timeout,
	};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_MODIFY_QP,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.udata = udata,
	};
	int ret;

	if (!udata)
		return -EOPNOTSUPP;
	/* Beyond the legacy command: rate limit and later attributes. */
	if (attr_mask & ~((IB_QP_DEST_QPN << 1) - 1))
		return -EOPNOTSUPP;
	if (attr_mask & IB_QP_AV)
		virtio_hyv_ah_to_dest(&cmd.dest, &attr->ah_attr);
	if (attr_mask & IB_QP_ALT_PATH)
		virtio_hyv_ah_to_dest(&cmd.alt_dest, &attr->alt_ah_attr);
	ret = virtio_hyv_verb(to_virtio_hyv_ibdev(ibqp->device),
			      virtio_hyv_qp_ctx(qp), &verb);
	/* What rxe's requester checks before it runs the send queue. */
	if (!ret && (attr_mask & IB_QP_STATE))
		WRITE_ONCE(qp->sq_ready, attr->qp_state >= IB_QPS_RTS);
	return ret;
}

int virtio_hyv_ib_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
			   int attr_mask, struct ib_qp_init_attr *init_attr)
{
	struct virtio_hyv_qp *qp = to_virtio_hyv_qp(ibqp);
	struct ib_uverbs_query_qp_resp resp;
	struct ib_uverbs_query_qp cmd = {
		.qp_handle = qp->ev.handle,
		.attr_mask = attr_mask,
	};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_QUERY_QP,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.resp = &resp, .resp_len = sizeof(resp),
	};
	int ret;

	ret = virtio_hyv_verb(to_virtio_hyv_ibdev(ibqp->device),
			      virtio_hyv_qp_ctx(qp), &verb);
	if (ret)
		return ret;

	memset(attr, 0, sizeof(*attr));
	virtio_hyv_dest_to_ah(ibqp->device, &attr->ah_attr, &resp.dest);
	virtio_hyv_dest_to_ah(ibqp->device, &attr->alt_ah_attr,
			      &resp.alt_dest);
	attr->qp_state = resp.qp_state;
	attr->cur_qp_state = resp.cur_qp_state;
	attr->path_mtu = resp.path_mtu;
	attr->path_mig_state = resp.path_mig_state;
	attr->qkey = resp.qkey;
	attr->rq_psn = resp.rq_psn;
	attr->sq_psn = resp.sq_psn;
	attr->dest_qp_num = resp.dest_qp_num;
	attr->qp_access_flags = resp.qp_access_flags;
	attr->pkey_index = resp.pkey_index;
	attr->alt_pkey_index = resp.alt_pkey_index;
	attr->sq_draining = resp.sq_draining;
	attr->max_rd_atomic = resp.max_rd_atomic;
	attr->max_dest_rd_atomic = resp.max_dest_rd_atomic;
	attr->min_rnr_timer = resp.min_rnr_timer;
	attr->port_num = resp.port_num;
	attr->timeout = resp.timeout;
	attr->retry_cnt = resp.retry_cnt;
	attr->rnr_retry = resp.rnr_retry;
	attr->alt_port_num = resp.alt_port_num;
	attr->alt_timeout = resp.alt_timeout;
	attr->cap.max_send_wr = resp.max_send_wr;
	attr->cap.max_recv_wr = resp.max_recv_wr;
	attr->cap.max_send_sge = resp.max_send_sge;
	attr->cap.max_recv_sge = resp.max_recv_sge;
	attr->cap.max_inline_data = resp.max_inline_data;

	memset(init_attr, 0, sizeof(*init_attr));
	init_attr->qp_type = ibqp->qp_type;
	init_attr->cap = attr->cap;
	init_attr->sq_sig_type = resp.sq_sig_all ? IB_SIGNAL_ALL_WR :
						   IB_SIGNAL_REQ_WR;
	return 0;
}

/* The guest's side goes whatever the host answers. */
int virtio_hyv_ib_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibqp->device);
	struct virtio_hyv_qp *qp = to_virtio_hyv_qp(ibqp);

	virtio_hyv_evobj_del(&vibdev->hyv->qps, &qp->ev);
	virtio_hyv_qp_destroy_host(vibdev, virtio_hyv_qp_ctx(qp),
				   qp->ev.handle);
	virtio_hyv_maps_remove(&qp->maps);
	virtio_hyv_doorbell_destroy(qp->db);
	return 0;
}

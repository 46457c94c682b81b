// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv address handles: user AHs only (the provider's, e.g. for UD
 * QPs), CREATE_AH and DESTROY_AH on the host.  rxe's AH number comes back
 * in the driver data and passes through.
 */
#include <linux/string.h>
#include <rdma/ib_user_verbs.h>

#include "virtio_hyv.h"

static void virtio_hyv_ah_attr_to_uverbs(struct ib_uverbs_ah_attr *uattr,
					 const struct rdma_ah_attr *attr)
{
	const struct ib_global_route *grh;

	uattr->dlid = rdma_ah_get_dlid(attr);
	uattr->sl = rdma_ah_get_sl(attr);
	uattr->src_path_bits = rdma_ah_get_path_bits(attr);
	uattr->static_rate = rdma_ah_get_static_rate(attr);
	uattr->port_num = rdma_ah_get_port_num(attr);
	if (!(rdma_ah_get_ah_flags(attr) & IB_AH_GRH))
		return;
	grh = rdma_ah_read_grh(attr);
	uattr->is_global = 1;
	memcpy(uattr->grh.dgid, grh->dgid.raw, sizeof(uattr->grh.dgid));
	uattr->grh.flow_label = grh->flow_label;
	uattr->grh.sgid_index = grh->sgid_index;
	uattr->grh.hop_limit = grh->hop_limit;
	uattr->grh.traffic_class = grh->traffic_class;
}

int virtio_hyv_ib_create_ah(struct ib_ah *ibah,
			    struct rdma_ah_init_attr *init_attr,
			    struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibah->device);
	struct ib_uverbs_create_ah_resp resp;
	struct ib_uverbs_create_ah cmd = {
		.pd_handle = to_virtio_hyv_pd(ibah->pd)->handle,
	};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_CREATE_AH,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.resp = &resp, .resp_len = sizeof(resp),
		.udata = udata,
	};
	int ret;

	if (!udata)
		return -EOPNOTSUPP;
	virtio_hyv_ah_attr_to_uverbs(&cmd.attr, init_attr->ah_attr);
	ret = virtio_hyv_verb(vibdev,
			      udata_to_virtio_hyv_ucontext(udata)->ctx_handle,
			      &verb);
	if (ret)
		return ret;
	to_virtio_hyv_ah(ibah)->handle = resp.ah_handle;
	return 0;
}

/*
 * No driver data here: the context is the AH's object's.  The guest's side
 * goes whatever the host answers.
 */
int virtio_hyv_ib_destroy_ah(struct ib_ah *ibah, u32 flags)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibah->device);
	struct ib_uverbs_destroy_ah cmd = {
		.ah_handle = to_virtio_hyv_ah(ibah)->handle,
	};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_DESTROY_AH,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.teardown = true,
	};

	if (!ibah->uobject || virtio_hyv_ibdev_host_gone(vibdev))
		return 0;
	virtio_hyv_verb(vibdev,
			to_virtio_hyv_ucontext(ibah->uobject->context)->ctx_handle,
			&verb);
	return 0;
}

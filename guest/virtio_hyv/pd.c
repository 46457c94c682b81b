// SPDX-License-Identifier: GPL-2.0
/* virtio_hyv protection domains: ALLOC_PD and DEALLOC_PD on the host. */
#include <rdma/ib_user_verbs.h>

#include "virtio_hyv.h"

int virtio_hyv_ib_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibpd->device);
	struct ib_uverbs_alloc_pd_resp resp;
	struct ib_uverbs_alloc_pd cmd = {};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_ALLOC_PD,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.resp = &resp, .resp_len = sizeof(resp),
		.udata = udata,
	};
	int ret;

	if (!udata)
		return -EOPNOTSUPP;
	ret = virtio_hyv_verb(vibdev,
			      udata_to_virtio_hyv_ucontext(udata)->ctx_handle,
			      &verb);
	if (ret)
		return ret;
	to_virtio_hyv_pd(ibpd)->handle = resp.pd_handle;
	return 0;
}

/* The guest's side goes whatever the host answers: nothing to keep. */
int virtio_hyv_ib_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibpd->device);
	struct ib_uverbs_dealloc_pd cmd = {
		.pd_handle = to_virtio_hyv_pd(ibpd)->handle,
	};
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_DEALLOC_PD,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.teardown = true,
	};

	if (!virtio_hyv_ibdev_host_gone(vibdev))
		virtio_hyv_verb(vibdev,
				udata_to_virtio_hyv_ucontext(udata)->ctx_handle,
				&verb);
	return 0;
}

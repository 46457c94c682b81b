// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv guest RDMA devices: one ib_device per host device, named as
 * the host device and wearing its driver's personality, so that the stock
 * rdma-core provider binds it.  Everything about the host device is read
 * before the registration; only the port state is asked live.
 *
 * Ports report the host's link layer but carry no RoCE or iWARP protocol
 * capability in the guest kernel (an InfiniBand host port stays
 * InfiniBand): the RDMA core then fills the GID cache from query_gid, that
 * is the host's GIDs at the host's indices, where a RoCE port would derive
 * GIDs from a guest netdev and an iWARP port needs one for every port
 * query.  Documentation/virtio-hyv.rst, "Guest devices".
 *
 * The verbs are user-space only (PD, MR, CQ, QP, SRQ, AH; their files),
 * each forwarded as the uverbs command of the host context, but for the
 * registration of an MR, a REG_MR request of its own (mr.c).  Verbs not
 * forwarded are left unset: the guest's uverbs answers them EOPNOTSUPP.
 */
#include <linux/bsearch.h>
#include <linux/string.h>
#include <rdma/ib_user_verbs.h>

#include "virtio_hyv.h"
#include "trace.h"

static int virtio_hyv_ib_query_device(struct ib_device *ibdev,
				      struct ib_device_attr *attr,
				      struct ib_udata *udata)
{
	/* As rxe and siw: no driver data in either direction. */
	if (udata->inlen || udata->outlen)
		return -EINVAL;
	*attr = to_virtio_hyv_ibdev(ibdev)->attrs;
	return 0;
}

static int virtio_hyv_ib_query_port(struct ib_device *ibdev, u32 port_num,
				    struct ib_port_attr *attr)
{
	return virtio_hyv_query_port(to_virtio_hyv_ibdev(ibdev), port_num, attr);
}

static int virtio_hyv_ib_get_port_immutable(struct ib_device *ibdev,
					    u32 port_num,
					    struct ib_port_immutable *immutable)
{
	const struct virtio_hyv_port *port = to_virtio_hyv_port(ibdev, port_num);

	immutable->core_cap_flags = 0;
	if (port->link_layer == IB_LINK_LAYER_INFINIBAND)
		immutable->core_cap_flags = RDMA_CORE_CAP_PROT_IB;
	if (port->grh_required)
		immutable->core_cap_flags |= RDMA_CORE_CAP_IB_GRH_REQUIRED;
	immutable->gid_tbl_len = port->gid_tbl_len;
	immutable->pkey_tbl_len = port->pkey_tbl_len;
	immutable->max_mad_size = 0;
	return 0;
}

static enum rdma_link_layer virtio_hyv_ib_get_link_layer(struct ib_device *ibdev,
							 u32 port_num)
{
	return to_virtio_hyv_port(ibdev, port_num)->link_layer;
}

static int virtio_hyv_gid_cmp(const void *key, const void *elt)
{
	u32 index = *(const u32 *)key;
	const struct virtio_hyv_gid *gid = elt;

	if (index < gid->index)
		return -1;
	return index > gid->index;
}

static int virtio_hyv_ib_query_gid(struct ib_device *ibdev, u32 port_num,
				   int index, union ib_gid *gid)
{
	const struct virtio_hyv_port *port = to_virtio_hyv_port(ibdev, port_num);
	const struct virtio_hyv_gid *entry;
	u32 key = index;

	if (index < 0 || key >= port->gid_tbl_len)
		return -EINVAL;
	entry = bsearch(&key, port->gids, port->num_gids, sizeof(*entry),
			virtio_hyv_gid_cmp);
	if (entry)
		*gid = entry->gid;
	else
		memset(gid, 0, sizeof(*gid));
	return 0;
}

static int virtio_hyv_ib_query_pkey(struct ib_device *ibdev, u32 port_num,
				    u16 index, u16 *pkey)
{
	const struct virtio_hyv_port *port = to_virtio_hyv_port(ibdev, port_num);

	if (index >= port->pkey_tbl_len)
		return -EINVAL;
	*pkey = port->pkeys[index];
	return 0;
}

static void virtio_hyv_ib_get_dev_fw_str(struct ib_device *ibdev, char *str)
{
	strscpy(str, to_virtio_hyv_ibdev(ibdev)->fw_ver, IB_FW_VERSION_NAME_MAX);
}

static const struct ib_device_ops virtio_hyv_ib_ops = {
	.owner = THIS_MODULE,

	.alloc_pd = virtio_hyv_ib_alloc_pd,
	.alloc_ucontext = virtio_hyv_ib_alloc_ucontext,
	.create_ah = virtio_hyv_ib_create_ah,
	.create_qp = virtio_hyv_ib_create_qp,
	.create_srq = virtio_hyv_ib_create_srq,
	.create_user_ah = virtio_hyv_ib_create_ah,
	.dealloc_pd = virtio_hyv_ib_dealloc_pd,
	.dealloc_ucontext = virtio_hyv_ib_dealloc_ucontext,
	.dereg_mr = virtio_hyv_ib_dereg_mr,
	.destroy_ah = virtio_hyv_ib_destroy_ah,
	.destroy_qp = virtio_hyv_ib_destroy_qp,
	.destroy_srq = virtio_hyv_ib_destroy_srq,
	.disassociate_ucontext = virtio_hyv_ib_disassociate_ucontext,
	.get_dev_fw_str = virtio_hyv_ib_get_dev_fw_str,
	.get_link_layer = virtio_hyv_ib_get_link_layer,
	.get_port_immutable = virtio_hyv_ib_get_port_immutable,
	.mmap = virtio_hyv_ib_mmap,
	.mmap_free = virtio_hyv_ib_mmap_free,
	.modify_qp = virtio_hyv_ib_modify_qp,
	.modify_srq = virtio_hyv_ib_modify_srq,
	.post_send = virtio_hyv_ib_post_send,
	.query_device = virtio_hyv_ib_query_device,
	.query_gid = virtio_hyv_ib_query_gid,
	.query_pkey = virtio_hyv_ib_query_pkey,
	.query_port = virtio_hyv_ib_query_port,
	.query_qp = virtio_hyv_ib_query_qp,
	.query_srq = virtio_hyv_ib_query_srq,
	.reg_user_mr = virtio_hyv_ib_reg_user_mr,

	INIT_RDMA_OBJ_SIZE(ib_ah, virtio_hyv_ah, ibah),
	INIT_RDMA_OBJ_SIZE(ib_cq, virtio_hyv_cq, ibcq),
	INIT_RDMA_OBJ_SIZE(ib_pd, virtio_hyv_pd, ibpd),
	INIT_RDMA_OBJ_SIZE(ib_qp, virtio_hyv_qp, ibqp),
	INIT_RDMA_OBJ_SIZE(ib_srq, virtio_hyv_srq, ibsrq),
	INIT_RDMA_OBJ_SIZE(ib_ucontext, virtio_hyv_ucontext, ibuctx),
};

/*
 * The host dropped the device's contexts (BROKER_DOWN, DEVICE_REMOVED):
 * their handles mean nothing, or another context's objects, by now.
 * Destroy operations then free the guest's side only.
 */
bool virtio_hyv_ibdev_host_gone(struct virtio_hyv_ibdev *vibdev)
{
	return READ_ONCE(vibdev->host_gone);
}

/* Queues need shared-memory region 0; say once when there is none. */
bool virtio_hyv_ibdev_queues_usable(struct virtio_hyv_ibdev *vibdev)
{
	if (vibdev->hyv->shm_len)
		return true;
	dev_warn_once(&vibdev->hyv->vdev->dev,
		      "no queue memory region: CQs, QPs and SRQs are not supported\n");
	return false;
}

/**
 * virtio_hyv_ibdev_register() - register the guest device of a host device
 * @hyv: the virtio device
 * @host_dev: the host device; its ibdev is set on success
 * @pers: the personality of its driver
 *
 * Called with devs_lock held.
 *
 * Return: 0, a request error, -EPROTO for an answer that is not valid, or
 * the error of ib_register_device() (-ENFILE: the name is taken).
 */
int virtio_hyv_ibdev_register(struct virtio_hyv *hyv,
			      struct virtio_hyv_host_dev *host_dev,
			      const struct virtio_hyv_personality *pers)
{
	struct virtio_hyv_ibdev *vibdev;
	struct ib_device *ibdev;
	int ret;

	vibdev = ib_alloc_device(virtio_hyv_ibdev, ibdev);
	if (!vibdev)
		return -ENOMEM;
	vibdev->hyv = hyv;
	vibdev->dev_id = host_dev->dev_id;
	ibdev = &vibdev->ibdev;

	ret = virtio_hyv_query_device(vibdev);
	if (ret)
		goto err_dealloc_device;
	ret = virtio_hyv_query_ports(vibdev);
	if (ret)
		goto err_free_ports;

	ibdev->node_type = pers->node_type;
	ibdev->node_guid = host_dev->node_guid;
	ibdev->dev.parent = &hyv->vdev->dev;
	/*
	 * The two data-path commands of the write() ABI that are off unless
	 * a driver asks: the provider's doorbell and CQ arming.
	 */
	ibdev->uverbs_cmd_mask |= BIT_ULL(IB_USER_VERBS_CMD_POST_SEND) |
				  BIT_ULL(IB_USER_VERBS_CMD_REQ_NOTIFY_CQ);
	ib_set_device_ops(ibdev, &virtio_hyv_ib_ops);
	ib_set_device_ops(ibdev, &virtio_hyv_cq_ops);
	ib_set_device_ops(ibdev, pers->ops);

	ret = ib_register_device(ibdev, host_dev->name, NULL);
	trace_virtio_hyv_ibdev_register(hyv->vdev->index, host_dev->dev_id,
					host_dev->name, ret);
	if (ret)
		goto err_free_ports;
	host_dev->ibdev = vibdev;
	return 0;

err_free_ports:
	virtio_hyv_ports_free(vibdev);
err_dealloc_device:
	ib_dealloc_device(ibdev);
	return ret;
}

/**
 * virtio_hyv_ibdev_unregister() - unregister and free a guest device
 * @vibdev: the device
 * @host_gone: the host already dropped the device's contexts
 *
 * Applications holding the device get IB_EVENT_DEVICE_FATAL and errors
 * from then on; the call does not wait for them to close it.  Called with
 * devs_lock held.
 */
void virtio_hyv_ibdev_unregister(struct virtio_hyv_ibdev *vibdev,
				 bool host_gone)
{
	struct virtio_hyv *hyv = vibdev->hyv;

	trace_virtio_hyv_ibdev_unregister(hyv->vdev->index, vibdev->dev_id,
					  dev_name(&vibdev->ibdev.dev),
					  host_gone);
	/* Read by dealloc_ucontext, which the unregistration calls. */
	WRITE_ONCE(vibdev->host_gone, host_gone);
	ib_unregister_device(&vibdev->ibdev);
	virtio_hyv_ports_free(vibdev);
	ib_dealloc_device(&vibdev->ibdev);
}

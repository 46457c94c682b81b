// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv personalities: a guest device wears the personality of its
 * host device's driver (driver_id, uverbs ABI version, node type), so that
 * rdma-core binds the stock provider of that driver to it, unchanged.
 * Host devices of other drivers get no guest device.
 */
#include <rdma/ib_user_ioctl_verbs.h>
#include <rdma/rdma_netlink.h>
#include <rdma/siw-abi.h>

#include "virtio_hyv.h"

/* RXE_UVERBS_ABI_VERSION of drivers/infiniband/sw/rxe/rxe.h; not in uapi. */
#define VIRTIO_HYV_RXE_ABI_VERSION	2

static const struct ib_device_ops virtio_hyv_rxe_ops = {
	.driver_id = RDMA_DRIVER_RXE,
	.uverbs_abi_ver = VIRTIO_HYV_RXE_ABI_VERSION,
};

static const struct ib_device_ops virtio_hyv_siw_ops = {
	.driver_id = RDMA_DRIVER_SIW,
	.uverbs_abi_ver = SIW_ABI_VERSION,
};

static const struct virtio_hyv_personality virtio_hyv_personalities[] = {
	{ RDMA_DRIVER_RXE, "rxe", RDMA_NODE_IB_CA, &virtio_hyv_rxe_ops },
	{ RDMA_DRIVER_SIW, "siw", RDMA_NODE_RNIC, &virtio_hyv_siw_ops },
};

/* Return: the personality of host driver @driver_id, or NULL. */
const struct virtio_hyv_personality *virtio_hyv_personality(u32 driver_id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(virtio_hyv_personalities); i++)
		if (virtio_hyv_personalities[i].driver_id == driver_id)
			return &virtio_hyv_personalities[i];
	return NULL;
}

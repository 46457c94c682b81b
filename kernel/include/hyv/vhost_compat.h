/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drivers/vhost internals that differ between the kernel series HyV builds
 * for (6.1 and 6.12), so that vhost_hyv's code has no #ifdefs of its own.
 *
 * The differences are detected in the vhost.h the module is built against
 * (host/vhost_hyv/Kbuild defines VHOST_HYV_HAS_* from it), not guessed from
 * the kernel version: vhost.h is internal and distributions backport.
 *
 * Everything else vhost_hyv uses (vhost_dev_init, vhost_get_vq_desc,
 * vhost_poll_queue, vhost_add_used, vhost_signal, ...) has the same
 * signature in both; the worker model change (a kthread in 6.1, a
 * vhost_task inside the owner in 6.12) stays behind vhost_poll_queue() and
 * vhost_dev_flush().
 */
#ifndef _VHOST_HYV_VHOST_COMPAT_H
#define _VHOST_HYV_VHOST_COMPAT_H

#include "vhost.h"

/*
 * Sets up, or tears down, the device IOTLB as VIRTIO_F_ACCESS_PLATFORM is
 * negotiated or not.  Newer kernels dropped the unused argument of
 * vhost_init_device_iotlb() and added vhost_clear_device_iotlb(); older
 * ones keep the IOTLB once created, as their vhost-vsock does.
 */
static inline int vhost_hyv_set_device_iotlb(struct vhost_dev *dev, bool enable)
{
#ifdef VHOST_HYV_HAS_CLEAR_DEVICE_IOTLB
	if (!enable) {
		vhost_clear_device_iotlb(dev);
		return 0;
	}
	return vhost_init_device_iotlb(dev);
#else
	return enable ? vhost_init_device_iotlb(dev, true) : 0;
#endif
}

#endif /* _VHOST_HYV_VHOST_COMPAT_H */

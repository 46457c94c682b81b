/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel interfaces that differ between the series virtio_hyv builds for
 * (6.1 and 6.12).  The differences are detected in the headers the module
 * is built against (guest/virtio_hyv/Kbuild defines VIRTIO_HYV_HAS_VQ_INFO
 * from them), not guessed from the kernel version: distributions backport.
 * ib_device_ops.create_cq's is handled where it is defined, cq.c.
 */
#ifndef _VIRTIO_HYV_COMPAT_H
#define _VIRTIO_HYV_COMPAT_H

#include <linux/virtio_config.h>

/* Newer kernels take the callbacks and names as struct virtqueue_info. */
static inline int virtio_hyv_find_vqs(struct virtio_device *vdev,
				      unsigned int nvqs,
				      struct virtqueue *vqs[],
				      vq_callback_t *callbacks[],
				      const char * const names[])
{
#ifdef VIRTIO_HYV_HAS_VQ_INFO
	struct virtqueue_info info[VIRTIO_HYV_NUM_VQS] = {};
	unsigned int i;

	if (WARN_ON(nvqs > ARRAY_SIZE(info)))
		return -EINVAL;
	for (i = 0; i < nvqs; i++) {
		info[i].name = names[i];
		info[i].callback = callbacks[i];
	}
	return virtio_find_vqs(vdev, nvqs, vqs, info, NULL);
#else
	return virtio_find_vqs(vdev, nvqs, vqs, callbacks, names, NULL);
#endif
}

#endif /* _VIRTIO_HYV_COMPAT_H */

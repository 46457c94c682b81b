// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv: guest driver of HyV, hybrid RDMA virtualization.  The control
 * path (this driver) is paravirtualized: requests on the control virtqueue
 * (reqq.c), doorbells on the doorbell virtqueue when the device has one
 * (doorbell.c), and the host's events on the event virtqueue (eventq.c).
 * The data path goes straight to the host RDMA device: the host's queues
 * are mapped into the guest process (mmap.c), where the stock provider
 * posts and polls.
 *
 * This file: module and driver registration, probe and remove.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>

#include "virtio_hyv.h"
#include "compat.h"

static int virtio_hyv_validate(struct virtio_device *vdev)
{
	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev, "device does not offer VIRTIO_F_VERSION_1\n");
		return -ENODEV;
	}
	/* VIRTIO_HYV_F_DOORBELL_QUEUE needs VIRTIO_HYV_F_EVENT_QUEUE. */
	if (!virtio_has_feature(vdev, VIRTIO_HYV_F_EVENT_QUEUE))
		__virtio_clear_bit(vdev, VIRTIO_HYV_F_DOORBELL_QUEUE);
	return 0;
}

/*
 * The ctrlq, the eventq with VIRTIO_HYV_F_EVENT_QUEUE and the doorbellq
 * with VIRTIO_HYV_F_DOORBELL_QUEUE.
 */
static int virtio_hyv_find_queues(struct virtio_hyv *hyv)
{
	vq_callback_t *callbacks[VIRTIO_HYV_NUM_VQS] = {
		[VIRTIO_HYV_VQ_CTRL] = virtio_hyv_reqq_done,
		[VIRTIO_HYV_VQ_EVENT] = virtio_hyv_eventq_done,
		[VIRTIO_HYV_VQ_DOORBELL] = virtio_hyv_reqq_done,
	};
	static const char * const names[VIRTIO_HYV_NUM_VQS] = {
		[VIRTIO_HYV_VQ_CTRL] = "ctrl",
		[VIRTIO_HYV_VQ_EVENT] = "event",
		[VIRTIO_HYV_VQ_DOORBELL] = "doorbell",
	};
	struct virtqueue *vqs[VIRTIO_HYV_NUM_VQS] = {};
	unsigned int nvqs = 1;
	int ret;

	if (virtio_has_feature(hyv->vdev, VIRTIO_HYV_F_EVENT_QUEUE))
		nvqs = VIRTIO_HYV_VQ_EVENT + 1;
	if (virtio_has_feature(hyv->vdev, VIRTIO_HYV_F_DOORBELL_QUEUE))
		nvqs = VIRTIO_HYV_VQ_DOORBELL + 1;
	ret = virtio_hyv_find_vqs(hyv->vdev, nvqs, vqs, callbacks, names);
	if (ret)
		return ret;
	hyv->ctrlq.vq = vqs[VIRTIO_HYV_VQ_CTRL];
	hyv->event_vq = vqs[VIRTIO_HYV_VQ_EVENT];
	hyv->dbq.vq = vqs[VIRTIO_HYV_VQ_DOORBELL];
	return 0;
}

/*
 * Shared-memory region 0, where the device places host queues; without it
 * the guest devices have no CQs, QPs or SRQs.
 */
static void virtio_hyv_find_shm(struct virtio_hyv *hyv)
{
	struct virtio_shm_region region;

	if (!virtio_get_shm_region(hyv->vdev, &region,
				   VIRTIO_HYV_SHM_ID_QUEUE_MEMORY))
		return;
	if (!PAGE_ALIGNED(region.addr) || !PAGE_ALIGNED(region.len)) {
		dev_err(&hyv->vdev->dev,
			"queue memory region %#llx+%#llx is not page-aligned\n",
			region.addr, region.len);
		return;
	}
	hyv->shm_addr = region.addr;
	hyv->shm_len = region.len;
}

/* HELLO failed because no broker is attached (yet, or any more). */
static bool virtio_hyv_no_broker(int err)
{
	return err == -ENOTCONN || err == -ECONNRESET;
}

static int virtio_hyv_probe(struct virtio_device *vdev)
{
	struct virtio_hyv *hyv;
	int ret;

	hyv = kzalloc(sizeof(*hyv), GFP_KERNEL);
	if (!hyv)
		return -ENOMEM;
	hyv->vdev = vdev;
	vdev->priv = hyv;
	virtio_hyv_reqq_init(hyv);
	virtio_hyv_devs_init(hyv);
	virtio_hyv_evobj_tables_init(hyv);

	ret = virtio_hyv_find_queues(hyv);
	if (ret)
		goto err_free_hyv;
	virtio_hyv_find_shm(hyv);
	ret = virtio_hyv_eventq_init(hyv);
	if (ret)
		goto err_del_vqs;

	virtio_device_ready(vdev);
	ret = virtio_hyv_eventq_start(hyv);
	if (ret)
		goto err_reset_device;

	/*
	 * With the eventq, a device without a broker is fine: BROKER_UP will
	 * tell when there is one.  Without, nothing would.
	 */
	ret = virtio_hyv_devs_resync(hyv);
	if (ret && hyv->event_vq && virtio_hyv_no_broker(ret)) {
		dev_dbg(&vdev->dev, "no broker yet: %d\n", ret);
	} else if (ret) {
		dev_err(&vdev->dev, "HELLO failed: %d\n", ret);
		goto err_reset_device;
	}

	virtio_hyv_inject_add(hyv);
	dev_dbg(&vdev->dev, "ready, events %s, doorbells on the %s, queue memory %#llx bytes\n",
		hyv->event_vq ? "on" : "off", hyv->dbq.vq ? "doorbellq" : "ctrlq",
		hyv->shm_len);
	return 0;

err_reset_device:
	/* Devices a BROKER_UP registered meanwhile go first, as in remove. */
	virtio_hyv_eventq_stop(hyv);
	virtio_hyv_devs_clear(hyv, false);
	/* Also reclaims a HELLO the device did not answer in time. */
	virtio_hyv_reqq_stop(hyv);
	virtio_reset_device(vdev);
	virtio_hyv_reqq_drain(hyv);
	virtio_hyv_eventq_free(hyv);
err_del_vqs:
	vdev->config->del_vqs(vdev);
err_free_hyv:
	virtio_hyv_evobj_tables_destroy(hyv);
	vdev->priv = NULL;
	kfree(hyv);
	return ret;
}

static void virtio_hyv_remove(struct virtio_device *vdev)
{
	struct virtio_hyv *hyv = vdev_to_virtio_hyv(vdev);

	/*
	 * The guest devices go first, while requests still flow, so that
	 * their open contexts are destroyed on the host; applications
	 * holding them get IB_EVENT_DEVICE_FATAL and errors.
	 */
	virtio_hyv_eventq_stop(hyv);
	virtio_hyv_devs_clear(hyv, false);

	/*
	 * Then fail what is in flight: injections (test hooks) blocked on
	 * the device must return before their removal can wait for them.
	 */
	virtio_hyv_reqq_stop(hyv);
	virtio_reset_device(vdev);
	virtio_hyv_reqq_drain(hyv);

	virtio_hyv_inject_remove(hyv);
	virtio_hyv_eventq_free(hyv);
	vdev->config->del_vqs(vdev);
	virtio_hyv_evobj_tables_destroy(hyv);
	vdev->priv = NULL;
	kfree(hyv);
}

static const struct virtio_device_id virtio_hyv_id_table[] = {
	{ VIRTIO_ID_HYV, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, virtio_hyv_id_table);

static unsigned int virtio_hyv_features[] = {
	VIRTIO_HYV_F_EVENT_QUEUE,
	VIRTIO_HYV_F_DOORBELL_QUEUE,
};

static struct virtio_driver virtio_hyv_driver = {
	.feature_table = virtio_hyv_features,
	.feature_table_size = ARRAY_SIZE(virtio_hyv_features),
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.driver.dev_groups = virtio_hyv_dev_groups,
	.id_table = virtio_hyv_id_table,
	.validate = virtio_hyv_validate,
	.probe = virtio_hyv_probe,
	.remove = virtio_hyv_remove,
};

static int __init virtio_hyv_init(void)
{
	int ret;

	virtio_hyv_inject_init();
	ret = register_virtio_driver(&virtio_hyv_driver);
	if (ret)
		goto err_inject_exit;
	return 0;

err_inject_exit:
	virtio_hyv_inject_exit();
	return ret;
}

static void __exit virtio_hyv_exit(void)
{
	unregister_virtio_driver(&virtio_hyv_driver);
	virtio_hyv_inject_exit();
}

module_init(virtio_hyv_init);
module_exit(virtio_hyv_exit);

MODULE_DESCRIPTION("HyV paravirtualized RDMA control path (virtio guest driver)");
MODULE_AUTHOR("HyV project");
MODULE_LICENSE("GPL");

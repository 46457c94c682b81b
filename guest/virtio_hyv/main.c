// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv: guest driver of HyV, hybrid RDMA virtualization.  The control
 * path (this driver) is paravirtualized over one virtqueue; the data path
 * will go straight to the host RDMA device.
 *
 * This file: module and driver registration, probe and remove.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>

#include "virtio_hyv.h"

static int virtio_hyv_validate(struct virtio_device *vdev)
{
	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev, "device does not offer VIRTIO_F_VERSION_1\n");
		return -ENODEV;
	}
	return 0;
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
	virtio_hyv_ctrl_init(hyv);

	hyv->ctrl_vq = virtio_find_single_vq(vdev, virtio_hyv_ctrl_done,
					     "ctrl");
	if (IS_ERR(hyv->ctrl_vq)) {
		ret = PTR_ERR(hyv->ctrl_vq);
		goto err_free_hyv;
	}

	virtio_device_ready(vdev);

	ret = virtio_hyv_hello(hyv);
	if (ret)
		goto err_reset_device;

	virtio_hyv_debugfs_add(hyv);
	dev_dbg(&vdev->dev, "ready, %u host devices\n", hyv->num_host_devs);
	return 0;

err_reset_device:
	/* Also reclaims a HELLO the device did not answer in time. */
	virtio_hyv_ctrl_stop(hyv);
	virtio_reset_device(vdev);
	virtio_hyv_ctrl_drain(hyv);
	vdev->config->del_vqs(vdev);
err_free_hyv:
	vdev->priv = NULL;
	kfree(hyv);
	return ret;
}

static void virtio_hyv_remove(struct virtio_device *vdev)
{
	struct virtio_hyv *hyv = vdev_to_hyv(vdev);

	/*
	 * Fail what is in flight first: injections blocked on the device
	 * must return before debugfs removal can wait for them.
	 */
	virtio_hyv_ctrl_stop(hyv);
	virtio_reset_device(vdev);
	virtio_hyv_ctrl_drain(hyv);

	virtio_hyv_debugfs_remove(hyv);
	vdev->config->del_vqs(vdev);
	vdev->priv = NULL;
	kfree(hyv);
}

static const struct virtio_device_id virtio_hyv_id_table[] = {
	{ VIRTIO_ID_HYV, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, virtio_hyv_id_table);

static struct virtio_driver virtio_hyv_driver = {
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

	virtio_hyv_debugfs_init();
	ret = register_virtio_driver(&virtio_hyv_driver);
	if (ret)
		goto err_remove_debugfs;
	return 0;

err_remove_debugfs:
	virtio_hyv_debugfs_exit();
	return ret;
}

static void __exit virtio_hyv_exit(void)
{
	unregister_virtio_driver(&virtio_hyv_driver);
	virtio_hyv_debugfs_exit();
}

module_init(virtio_hyv_init);
module_exit(virtio_hyv_exit);

MODULE_DESCRIPTION("HyV paravirtualized RDMA control path (virtio guest driver)");
MODULE_AUTHOR("HyV project");
MODULE_LICENSE("GPL");

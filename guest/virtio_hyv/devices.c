// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv host devices: the list of host RDMA devices this VM may use,
 * kept in step with the device (HELLO, DEVICE_ADDED, DEVICE_REMOVED,
 * BROKER_DOWN), and the guest device registered for each.  Every change
 * is idempotent: events race with HELLO, so an added device may be known
 * already and a removed one may be gone.  Probe, remove and the event work
 * are the callers; devs_lock serializes them.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "virtio_hyv.h"

void virtio_hyv_devs_init(struct virtio_hyv *hyv)
{
	mutex_init(&hyv->devs_lock);
}

static struct virtio_hyv_host_dev *
virtio_hyv_devs_find(struct virtio_hyv *hyv, u32 dev_id)
{
	unsigned int i;

	lockdep_assert_held(&hyv->devs_lock);
	for (i = 0; i < hyv->num_host_devs; i++)
		if (hyv->host_devs[i].dev_id == dev_id)
			return &hyv->host_devs[i];
	return NULL;
}

static bool virtio_hyv_host_dev_same(const struct virtio_hyv_host_dev *a,
				     const struct virtio_hyv_host_dev *b)
{
	return a->dev_id == b->dev_id && a->driver_id == b->driver_id &&
	       a->node_guid == b->node_guid && !strcmp(a->name, b->name);
}

/* Registers the guest device of @host_dev if its driver has a personality. */
static void virtio_hyv_devs_attach(struct virtio_hyv *hyv,
				   struct virtio_hyv_host_dev *host_dev)
{
	const struct virtio_hyv_personality *pers;
	int ret;

	pers = virtio_hyv_personality(host_dev->driver_id);
	if (!pers) {
		dev_info(&hyv->vdev->dev,
			 "%s: host driver %u has no personality, not registered\n",
			 host_dev->name, host_dev->driver_id);
		return;
	}
	ret = virtio_hyv_ibdev_register(hyv, host_dev, pers);
	if (ret)
		dev_warn(&hyv->vdev->dev, "%s: not registered: %d\n",
			 host_dev->name, ret);
}

static void virtio_hyv_devs_detach(struct virtio_hyv_host_dev *host_dev,
				   bool host_gone)
{
	if (!host_dev->ibdev)
		return;
	virtio_hyv_ibdev_unregister(host_dev->ibdev, host_gone);
	host_dev->ibdev = NULL;
}

/*
 * Makes the list @info's: keeps the guest devices of the host devices that
 * stayed the same, unregisters the others first (their names may come back
 * with another dev_id), then registers what is new.
 */
static void virtio_hyv_devs_sync(struct virtio_hyv *hyv,
				 struct virtio_hyv_hello_info *info)
{
	struct virtio_hyv_host_dev *old, *new;
	unsigned int i, j;

	lockdep_assert_held(&hyv->devs_lock);
	for (i = 0; i < hyv->num_host_devs; i++) {
		old = &hyv->host_devs[i];
		for (j = 0; j < info->num_devs; j++) {
			new = &info->devs[j];
			if (virtio_hyv_host_dev_same(old, new)) {
				new->ibdev = old->ibdev;
				old->ibdev = NULL;
				break;
			}
		}
		virtio_hyv_devs_detach(old, true);
	}

	hyv->dev_major = info->major;
	hyv->dev_minor = info->minor;
	hyv->num_host_devs = info->num_devs;
	memcpy(hyv->host_devs, info->devs,
	       info->num_devs * sizeof(info->devs[0]));
	for (i = 0; i < hyv->num_host_devs; i++)
		if (!hyv->host_devs[i].ibdev)
			virtio_hyv_devs_attach(hyv, &hyv->host_devs[i]);
}

/**
 * virtio_hyv_devs_resync() - learn the host devices afresh with HELLO
 * @hyv: the device
 *
 * Used by probe and on BROKER_UP.  When HELLO fails the list stays as it
 * was.
 *
 * Return: 0 or the error of HELLO (-ENOTCONN, -ECONNRESET: no broker).
 */
int virtio_hyv_devs_resync(struct virtio_hyv *hyv)
{
	struct virtio_hyv_hello_info *info;
	int ret;

	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	/* HELLO under the lock too: an older answer must not win. */
	mutex_lock(&hyv->devs_lock);
	ret = virtio_hyv_hello(hyv, info);
	if (!ret)
		virtio_hyv_devs_sync(hyv, info);
	mutex_unlock(&hyv->devs_lock);
	kfree(info);
	return ret;
}

/* DEVICE_ADDED: registers a device unless it is known already. */
void virtio_hyv_devs_add(struct virtio_hyv *hyv,
			 const struct virtio_hyv_dev_info *wire)
{
	struct virtio_hyv_host_dev host_dev, *slot;

	if (virtio_hyv_dev_info_parse(hyv, wire, &host_dev))
		return;

	mutex_lock(&hyv->devs_lock);
	if (virtio_hyv_devs_find(hyv, host_dev.dev_id)) {
		dev_dbg(&hyv->vdev->dev, "device %u added again\n",
			host_dev.dev_id);
	} else if (hyv->num_host_devs == VIRTIO_HYV_MAX_DEVICES) {
		dev_err(&hyv->vdev->dev, "device %u: more than %u devices\n",
			host_dev.dev_id, VIRTIO_HYV_MAX_DEVICES);
	} else {
		slot = &hyv->host_devs[hyv->num_host_devs++];
		*slot = host_dev;
		virtio_hyv_devs_attach(hyv, slot);
	}
	mutex_unlock(&hyv->devs_lock);
}

/* DEVICE_REMOVED: unregisters a device, if it is known. */
void virtio_hyv_devs_remove(struct virtio_hyv *hyv, u32 dev_id)
{
	struct virtio_hyv_host_dev *host_dev;
	unsigned int index;

	mutex_lock(&hyv->devs_lock);
	host_dev = virtio_hyv_devs_find(hyv, dev_id);
	if (host_dev) {
		virtio_hyv_devs_detach(host_dev, true);
		index = host_dev - hyv->host_devs;
		memmove(host_dev, host_dev + 1,
			(hyv->num_host_devs - index - 1) * sizeof(*host_dev));
		hyv->num_host_devs--;
	} else {
		dev_dbg(&hyv->vdev->dev, "unknown device %u removed\n",
			dev_id);
	}
	mutex_unlock(&hyv->devs_lock);
}

/**
 * virtio_hyv_devs_clear() - unregister every guest device, forget the list
 * @hyv: the device
 * @host_gone: the host dropped every context already (BROKER_DOWN);
 *             otherwise each open context is destroyed on the host
 */
void virtio_hyv_devs_clear(struct virtio_hyv *hyv, bool host_gone)
{
	mutex_lock(&hyv->devs_lock);
	while (hyv->num_host_devs)
		virtio_hyv_devs_detach(&hyv->host_devs[--hyv->num_host_devs],
				       host_gone);
	mutex_unlock(&hyv->devs_lock);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv sysfs attributes of the virtio device
 * (/sys/bus/virtio/devices/virtioN/): what HELLO told us, for tests and
 * for administrators.  The driver core adds them after probe and removes
 * them before remove, so the HELLO results they show are always valid.
 */
#include <linux/device.h>
#include <linux/sysfs.h>
#include <rdma/ib_user_ioctl_verbs.h>

#include "virtio_hyv.h"

static ssize_t hyv_version_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct virtio_hyv *hyv = dev_to_hyv(dev);

	return sysfs_emit(buf, "%u.%u\n", hyv->dev_major, hyv->dev_minor);
}
static DEVICE_ATTR_RO(hyv_version);

/* The rdma-core provider name for the driver ids we know. */
static const char *virtio_hyv_driver_name(u32 driver_id)
{
	switch (driver_id) {
	case RDMA_DRIVER_RXE:
		return "rxe";
	case RDMA_DRIVER_SIW:
		return "siw";
	default:
		return NULL;
	}
}

/* One line per device: "<dev_id> <name> <driver> <guid>". */
static ssize_t hyv_host_devices_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct virtio_hyv *hyv = dev_to_hyv(dev);
	const struct virtio_hyv_host_dev *host_dev;
	const char *driver;
	unsigned int i;
	int len = 0;
	u64 guid;

	for (i = 0; i < hyv->num_host_devs; i++) {
		host_dev = &hyv->host_devs[i];
		guid = be64_to_cpu(host_dev->node_guid);
		len += sysfs_emit_at(buf, len, "%u %s ", host_dev->dev_id,
				     host_dev->name);
		driver = virtio_hyv_driver_name(host_dev->driver_id);
		if (driver)
			len += sysfs_emit_at(buf, len, "%s", driver);
		else
			len += sysfs_emit_at(buf, len, "driver-%u",
					     host_dev->driver_id);
		/* The node_guid format of ibv_devinfo. */
		len += sysfs_emit_at(buf, len, " %04x:%04x:%04x:%04x\n",
				     (u16)(guid >> 48), (u16)(guid >> 32),
				     (u16)(guid >> 16), (u16)guid);
	}
	return len;
}
static DEVICE_ATTR_RO(hyv_host_devices);

static struct attribute *virtio_hyv_dev_attrs[] = {
	&dev_attr_hyv_version.attr,
	&dev_attr_hyv_host_devices.attr,
	NULL
};

static const struct attribute_group virtio_hyv_dev_group = {
	.attrs = virtio_hyv_dev_attrs,
};

const struct attribute_group *virtio_hyv_dev_groups[] = {
	&virtio_hyv_dev_group,
	NULL
};

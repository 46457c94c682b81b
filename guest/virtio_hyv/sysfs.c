// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv sysfs attributes of the virtio device
 * (/sys/bus/virtio/devices/virtioN/): the protocol version and the host
 * devices the device announced, as they are now, for tests and for
 * administrators.  The driver core adds them after probe and removes them
 * before remove.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "virtio_hyv.h"

/* The device's protocol version, 0.0 until a HELLO succeeded. */
static ssize_t hyv_version_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct virtio_hyv *hyv = dev_to_virtio_hyv(dev);
	int ret;

	ret = mutex_lock_killable(&hyv->devs_lock);
	if (ret)
		return ret;
	ret = sysfs_emit(buf, "%u.%u\n", hyv->dev_major, hyv->dev_minor);
	mutex_unlock(&hyv->devs_lock);
	return ret;
}
static DEVICE_ATTR_RO(hyv_version);

/*
 * One line per device: "<dev_id> <name> <driver> <guid>", the driver as the
 * name of its personality ("driver-<id>" without one).
 */
static ssize_t hyv_host_devices_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct virtio_hyv *hyv = dev_to_virtio_hyv(dev);
	const struct virtio_hyv_personality *pers;
	const struct virtio_hyv_host_dev *host_dev;
	unsigned int i;
	int len = 0;
	int ret;
	u64 guid;

	ret = mutex_lock_killable(&hyv->devs_lock);
	if (ret)
		return ret;
	for (i = 0; i < hyv->num_host_devs; i++) {
		host_dev = &hyv->host_devs[i];
		guid = be64_to_cpu(host_dev->node_guid);
		len += sysfs_emit_at(buf, len, "%u %s ", host_dev->dev_id,
				     host_dev->name);
		pers = virtio_hyv_personality(host_dev->driver_id);
		if (pers)
			len += sysfs_emit_at(buf, len, "%s", pers->name);
		else
			len += sysfs_emit_at(buf, len, "driver-%u",
					     host_dev->driver_id);
		/* The node_guid format of ibv_devinfo. */
		len += sysfs_emit_at(buf, len, " %04x:%04x:%04x:%04x\n",
				     (u16)(guid >> 48), (u16)(guid >> 32),
				     (u16)(guid >> 16), (u16)guid);
	}
	mutex_unlock(&hyv->devs_lock);
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

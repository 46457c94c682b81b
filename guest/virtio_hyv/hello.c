// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv HELLO: the first request after DRIVER_OK, and again whenever a
 * broker (re)attaches.  Agrees on the protocol version and learns which
 * host RDMA devices this VM may use.
 * The answer comes from an untrusted device and is validated whole before
 * any of it is kept.  DEVICE_ADDED events describe devices the same way.
 */
#include <linux/ctype.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include "virtio_hyv.h"

void virtio_hyv_hello_fill(struct virtio_hyv_hello_req *hello, u16 major)
{
	memset(hello, 0, sizeof(*hello));
	hello->hdr.opcode = cpu_to_le16(VIRTIO_HYV_OP_HELLO);
	hello->major = cpu_to_le16(major);
	hello->minor = cpu_to_le16(VIRTIO_HYV_VERSION_MINOR);
}

/*
 * Names end up in sysfs lines separated by spaces and become ib_device
 * names: accept only non-empty, NUL-terminated, printable, space-free ones
 * without '/' (no device name has one) or '%' (a format to the RDMA core).
 */
static bool virtio_hyv_name_valid(const char *name)
{
	size_t len = strnlen(name, VIRTIO_HYV_DEV_NAME_LEN);
	size_t i;

	if (!len || len == VIRTIO_HYV_DEV_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isgraph(name[i]) || name[i] == '/' || name[i] == '%')
			return false;
	return true;
}

/**
 * virtio_hyv_dev_info_parse() - validate a device description
 * @hyv: the device that sent it
 * @wire: the description, in HELLO or DEVICE_ADDED
 * @host_dev: where to keep it
 *
 * Return: 0, or -EPROTO when the description is not valid.
 */
int virtio_hyv_dev_info_parse(struct virtio_hyv *hyv,
			      const struct virtio_hyv_dev_info *wire,
			      struct virtio_hyv_host_dev *host_dev)
{
	/* Copy first: the device could change its buffer under our checks. */
	host_dev->dev_id = le32_to_cpu(wire->dev_id);
	host_dev->driver_id = le32_to_cpu(wire->driver_id);
	host_dev->node_guid = wire->node_guid;
	memcpy(host_dev->name, wire->name, sizeof(host_dev->name));
	host_dev->ibdev = NULL;

	if (!virtio_hyv_name_valid(host_dev->name)) {
		dev_err(&hyv->vdev->dev, "device %u has an invalid name\n",
			host_dev->dev_id);
		return -EPROTO;
	}
	dev_dbg(&hyv->vdev->dev, "host device %u: %s driver %u guid %016llx\n",
		host_dev->dev_id, host_dev->name, host_dev->driver_id,
		be64_to_cpu(host_dev->node_guid));
	return 0;
}

static int virtio_hyv_hello_parse(struct virtio_hyv *hyv,
				  const struct virtio_hyv_hello_resp *resp,
				  unsigned int used_len,
				  struct virtio_hyv_hello_info *info)
{
	struct device *dev = &hyv->vdev->dev;
	unsigned int num_devices, i, j;
	u16 major, minor;
	int ret;

	if (used_len < sizeof(*resp)) {
		dev_err(dev, "HELLO: response too short (%u bytes)\n",
			used_len);
		return -EPROTO;
	}
	major = le16_to_cpu(resp->major);
	minor = le16_to_cpu(resp->minor);
	num_devices = le32_to_cpu(resp->num_devices);
	if (major != VIRTIO_HYV_VERSION_MAJOR) {
		dev_err(dev, "HELLO: device speaks version %u.%u, need %u.x\n",
			major, minor, VIRTIO_HYV_VERSION_MAJOR);
		return -EPROTONOSUPPORT;
	}
	if (num_devices > VIRTIO_HYV_MAX_DEVICES ||
	    used_len < struct_size(resp, devices, num_devices)) {
		dev_err(dev, "HELLO: %u devices in %u bytes\n", num_devices,
			used_len);
		return -EPROTO;
	}

	for (i = 0; i < num_devices; i++) {
		ret = virtio_hyv_dev_info_parse(hyv, &resp->devices[i],
						&info->devs[i]);
		if (ret)
			return ret;
		for (j = 0; j < i; j++) {
			if (info->devs[j].dev_id == info->devs[i].dev_id) {
				dev_err(dev, "HELLO: devices %u and %u share id %u\n",
					j, i, info->devs[i].dev_id);
				return -EPROTO;
			}
		}
	}
	info->num_devs = num_devices;
	info->major = major;
	info->minor = minor;
	dev_dbg(dev, "device version %u.%u, %u host devices\n", major, minor,
		num_devices);
	return 0;
}

/**
 * virtio_hyv_hello() - send HELLO
 * @hyv: the device
 * @info: the validated answer
 *
 * Return: 0, or the error of the request (-ENOTCONN: no broker yet) or of
 * its validation.  Only the validation logs.
 */
int virtio_hyv_hello(struct virtio_hyv *hyv, struct virtio_hyv_hello_info *info)
{
	struct virtio_hyv_req *req;
	int ret;

	req = virtio_hyv_reqq_alloc_req(sizeof(struct virtio_hyv_hello_req),
					VIRTIO_HYV_HELLO_RESP_MAX, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	virtio_hyv_hello_fill(req->req_buf, VIRTIO_HYV_VERSION_MAJOR);

	ret = virtio_hyv_reqq_exec_ctrlq(hyv, req, VIRTIO_HYV_REQ_TIMEOUT);
	if (!ret)
		ret = virtio_hyv_hello_parse(hyv, req->resp_buf,
					     req->used_len, info);

	virtio_hyv_reqq_put_req(req);
	return ret;
}

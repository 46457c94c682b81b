// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv debugfs: /sys/kernel/debug/virtio_hyv/<virtio dev>/inject sends
 * well-formed and deliberately malformed requests so that tests can check
 * how the device side (vhost_hyv, hyvd) rejects them.  Writing a case name
 * sends that request and returns once the device completed it; reading
 * gives "<case> status=<n> used=<bytes>" for the last one, where status is
 * the device's status, or the driver's negative errno when the device wrote
 * no complete response header (-EIO).
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "virtio_hyv.h"

#define VIRTIO_HYV_INJECT_MAX_SGS	(VIRTIO_HYV_MAX_CHAIN_DESCS + 1)

/*
 * A request shaped like HELLO with the fields below, cut to req_len bytes
 * (zero-padded beyond the HELLO request) and split into req_sgs
 * scatterlists, followed by one resp_len-byte writable scatterlist.  A
 * length of 0 leaves that part out of the chain.
 */
struct virtio_hyv_inject_case {
	const char *name;
	u16 opcode;
	u16 major;
	u32 hdr_reserved;
	unsigned int req_len;
	unsigned int req_sgs;
	unsigned int resp_len;
};

#define HELLO_REQ_LEN	sizeof(struct virtio_hyv_hello_req)

static const struct virtio_hyv_inject_case virtio_hyv_inject_cases[] = {
	{ "hello", VIRTIO_HYV_OP_HELLO, VIRTIO_HYV_VERSION_MAJOR, 0,
	  HELLO_REQ_LEN, 1, VIRTIO_HYV_HELLO_RESP_MAX },
	{ "unknown-opcode", 0xffff, VIRTIO_HYV_VERSION_MAJOR, 0,
	  HELLO_REQ_LEN, 1, VIRTIO_HYV_HELLO_RESP_MAX },
	{ "bad-version", VIRTIO_HYV_OP_HELLO, 99, 0,
	  HELLO_REQ_LEN, 1, VIRTIO_HYV_HELLO_RESP_MAX },
	{ "nonzero-reserved", VIRTIO_HYV_OP_HELLO, VIRTIO_HYV_VERSION_MAJOR, 1,
	  HELLO_REQ_LEN, 1, VIRTIO_HYV_HELLO_RESP_MAX },
	{ "short-request", VIRTIO_HYV_OP_HELLO, VIRTIO_HYV_VERSION_MAJOR, 0,
	  4, 1, VIRTIO_HYV_HELLO_RESP_MAX },
	{ "oversize-request", VIRTIO_HYV_OP_HELLO, VIRTIO_HYV_VERSION_MAJOR, 0,
	  VIRTIO_HYV_MAX_REQ_SIZE + 1, 1, VIRTIO_HYV_HELLO_RESP_MAX },
	/* One byte per sg: MAX_CHAIN_DESCS readable + 1 writable. */
	{ "too-many-descs", VIRTIO_HYV_OP_HELLO, VIRTIO_HYV_VERSION_MAJOR, 0,
	  HELLO_REQ_LEN, VIRTIO_HYV_MAX_CHAIN_DESCS,
	  VIRTIO_HYV_HELLO_RESP_MAX },
	{ "no-request", 0, 0, 0, 0, 0, VIRTIO_HYV_HELLO_RESP_MAX },
	{ "no-response", VIRTIO_HYV_OP_HELLO, VIRTIO_HYV_VERSION_MAJOR, 0,
	  HELLO_REQ_LEN, 1, 0 },
	{ "short-response", VIRTIO_HYV_OP_HELLO, VIRTIO_HYV_VERSION_MAJOR, 0,
	  HELLO_REQ_LEN, 1, 4 },
};

static struct dentry *virtio_hyv_debugfs_root;

static const struct virtio_hyv_inject_case *
virtio_hyv_inject_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(virtio_hyv_inject_cases); i++)
		if (!strcmp(virtio_hyv_inject_cases[i].name, name))
			return &virtio_hyv_inject_cases[i];
	return NULL;
}

static void virtio_hyv_inject_fill(const struct virtio_hyv_inject_case *c,
				   void *req_buf)
{
	struct virtio_hyv_hello_req hello;

	virtio_hyv_hello_fill(&hello, c->major);
	hello.hdr.opcode = cpu_to_le16(c->opcode);
	hello.hdr.reserved = cpu_to_le32(c->hdr_reserved);
	memcpy(req_buf, &hello, min_t(size_t, c->req_len, sizeof(hello)));
}

/*
 * Sends the chain of @c.  On success *status is the response status, or
 * -EIO when the device wrote less than a response header.
 */
static int virtio_hyv_inject_send(struct virtio_hyv *hyv,
				  const struct virtio_hyv_inject_case *c,
				  int *status, unsigned int *used)
{
	struct scatterlist sg[VIRTIO_HYV_INJECT_MAX_SGS];
	struct scatterlist *sgs[VIRTIO_HYV_INJECT_MAX_SGS];
	const struct virtio_hyv_resp_hdr *resp;
	unsigned int num_out = 0, num_in = 0;
	unsigned int piece, offset, i;
	struct virtio_hyv_req *req;
	int ret;

	BUILD_BUG_ON(HELLO_REQ_LEN < VIRTIO_HYV_MAX_CHAIN_DESCS);

	req = virtio_hyv_req_alloc(c->req_len, c->resp_len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (c->req_len) {
		virtio_hyv_inject_fill(c, req->req_buf);
		piece = c->req_len / c->req_sgs;
		for (i = 0, offset = 0; i < c->req_sgs; i++, offset += piece) {
			/* The last piece takes the remainder. */
			if (i == c->req_sgs - 1)
				piece = c->req_len - offset;
			sg_init_one(&sg[num_out], req->req_buf + offset, piece);
			sgs[num_out] = &sg[num_out];
			num_out++;
		}
	}
	if (c->resp_len) {
		sg_init_one(&sg[num_out], req->resp_buf, c->resp_len);
		sgs[num_out] = &sg[num_out];
		num_in++;
	}

	/* No timeout: tests stop hyvd to hold requests; they can kill us. */
	ret = virtio_hyv_req_exec_sgs(hyv, req, sgs, num_out, num_in,
				      MAX_SCHEDULE_TIMEOUT);
	if (ret)
		goto out_put;

	*used = req->used_len;
	resp = req->resp_buf;
	if (req->used_len >= sizeof(*resp) && req->used_len <= c->resp_len)
		*status = le32_to_cpu(resp->status);
	else
		*status = -EIO;
out_put:
	virtio_hyv_req_put(req);
	return ret;
}

static ssize_t virtio_hyv_inject_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct virtio_hyv *hyv = file->private_data;
	struct virtio_hyv_inject *inject = &hyv->inject;
	const struct virtio_hyv_inject_case *c;
	unsigned int used;
	char name[32];
	int status;
	int ret;

	if (count >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, count))
		return -EFAULT;
	name[count] = '\0';
	c = virtio_hyv_inject_lookup(strim(name));
	if (!c)
		return -EINVAL;

	ret = mutex_lock_killable(&inject->lock);
	if (ret)
		return ret;
	ret = virtio_hyv_inject_send(hyv, c, &status, &used);
	if (!ret) {
		inject->last_case = c->name;
		inject->last_status = status;
		inject->last_used = used;
	}
	mutex_unlock(&inject->lock);

	dev_dbg(&hyv->vdev->dev, "inject %s: %d\n", c->name, ret);
	return ret ? ret : count;
}

static ssize_t virtio_hyv_inject_read(struct file *file, char __user *ubuf,
				      size_t count, loff_t *ppos)
{
	struct virtio_hyv *hyv = file->private_data;
	struct virtio_hyv_inject *inject = &hyv->inject;
	char line[64];
	int len = 0;
	int ret;

	ret = mutex_lock_killable(&inject->lock);
	if (ret)
		return ret;
	if (inject->last_case)
		len = scnprintf(line, sizeof(line), "%s status=%d used=%u\n",
				inject->last_case, inject->last_status,
				inject->last_used);
	mutex_unlock(&inject->lock);

	return simple_read_from_buffer(ubuf, count, ppos, line, len);
}

static const struct file_operations virtio_hyv_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = virtio_hyv_inject_read,
	.write = virtio_hyv_inject_write,
	.llseek = default_llseek,
};

void virtio_hyv_debugfs_add(struct virtio_hyv *hyv)
{
	struct virtio_hyv_inject *inject = &hyv->inject;

	mutex_init(&inject->lock);
	inject->dir = debugfs_create_dir(dev_name(&hyv->vdev->dev),
					 virtio_hyv_debugfs_root);
	debugfs_create_file("inject", 0600, inject->dir, hyv,
			    &virtio_hyv_inject_fops);
}

/* Waits for running injections; call once the requests have been failed. */
void virtio_hyv_debugfs_remove(struct virtio_hyv *hyv)
{
	debugfs_remove(hyv->inject.dir);
	mutex_destroy(&hyv->inject.lock);
}

void virtio_hyv_debugfs_init(void)
{
	virtio_hyv_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

void virtio_hyv_debugfs_exit(void)
{
	debugfs_remove(virtio_hyv_debugfs_root);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The relay fd: the broker's end of the relay (VHOST_HYV_GET_RELAY).
 *
 * read() returns one request, write() answers one or posts an event for the
 * guest, poll() says which of the two would make progress.  The file holds
 * a reference to the relay, never to the vhost device, so it can outlive
 * QEMU's /dev/vhost-hyv fd.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/vhost_hyv.h>

#include "vhost_hyv.h"

static ssize_t vhost_hyv_relay_read_iter(struct kiocb *iocb,
					 struct iov_iter *to)
{
	struct vhost_hyv_relay *relay = iocb->ki_filp->private_data;
	bool nonblock = (iocb->ki_filp->f_flags & O_NONBLOCK) ||
			(iocb->ki_flags & IOCB_NOWAIT);
	struct vhost_hyv_relay_req hdr;
	struct vhost_hyv_request *req;
	int err;

	/* Whole requests only: the broker never sees a partial one. */
	if (iov_iter_count(to) < VHOST_HYV_RELAY_BUF_SIZE)
		return -EINVAL;

	err = vhost_hyv_relay_claim(relay, nonblock, &req);
	if (err == VHOST_HYV_RELAY_CLAIMED_RESET) {
		hdr = (struct vhost_hyv_relay_req){ .id = VHOST_HYV_RELAY_RESET };
		if (copy_to_iter(&hdr, sizeof(hdr), to) != sizeof(hdr)) {
			vhost_hyv_relay_unclaim_reset(relay);
			return -EFAULT;
		}
		return sizeof(hdr);
	}
	if (err)
		return err;
	if (!req)
		return 0;

	/* The fields read here never change once a request is queued. */
	hdr.id = req->id;
	hdr.req_len = req->req_len;
	hdr.resp_max = req->resp_max;
	if (copy_to_iter(&hdr, sizeof(hdr), to) != sizeof(hdr) ||
	    copy_to_iter(req->req, req->req_len, to) != req->req_len) {
		vhost_hyv_relay_unclaim(relay, req);
		return -EFAULT;
	}

	vhost_hyv_request_put(req);
	return sizeof(hdr) + hdr.req_len;
}

/* The rest of a write whose id is VHOST_HYV_RELAY_EVENT. */
static int vhost_hyv_relay_write_event(struct vhost_hyv_relay *relay, u32 len,
				       struct iov_iter *from)
{
	struct virtio_hyv_event ev;

	if (len != sizeof(ev))
		return -EINVAL;
	if (!copy_from_iter_full(&ev, sizeof(ev), from))
		return -EFAULT;
	return vhost_hyv_relay_post_event(relay, &ev);
}

static ssize_t vhost_hyv_relay_write_iter(struct kiocb *iocb,
					  struct iov_iter *from)
{
	struct vhost_hyv_relay *relay = iocb->ki_filp->private_data;
	size_t count = iov_iter_count(from);
	struct vhost_hyv_relay_resp hdr;
	void *resp;
	int err;

	if (count < sizeof(hdr) + sizeof(struct virtio_hyv_resp_hdr))
		return -EINVAL;
	if (!copy_from_iter_full(&hdr, sizeof(hdr), from))
		return -EFAULT;
	if (hdr.reserved || hdr.resp_len != count - sizeof(hdr))
		return -EINVAL;
	if (hdr.id == VHOST_HYV_RELAY_EVENT) {
		err = vhost_hyv_relay_write_event(relay, hdr.resp_len, from);
		return err ?: count;
	}
	/* No chain can take more; refuse before allocating for it. */
	if (hdr.resp_len > VIRTIO_HYV_MAX_RESP_SIZE)
		return -EMSGSIZE;

	resp = kmalloc(hdr.resp_len, GFP_KERNEL_ACCOUNT);
	if (!resp)
		return -ENOMEM;
	if (!copy_from_iter_full(resp, hdr.resp_len, from)) {
		err = -EFAULT;
		goto err_free;
	}

	err = vhost_hyv_relay_answer(relay, hdr.id, resp, hdr.resp_len);
	if (err)
		goto err_free;
	return count;

err_free:
	kfree(resp);
	return err;
}

static __poll_t vhost_hyv_relay_poll(struct file *file, poll_table *wait)
{
	struct vhost_hyv_relay *relay = file->private_data;

	poll_wait(file, &relay->readers, wait);
	return vhost_hyv_relay_poll_mask(relay);
}

static long
vhost_hyv_relay_stats_ioctl(struct vhost_hyv_relay *relay,
			    struct vhost_hyv_relay_stats __user *argp)
{
	struct vhost_hyv_relay_stats st = {};

	vhost_hyv_guest_map_stats(relay, &st);
	vhost_hyv_shm_stats(relay, &st);
	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

/* The broker's memory requests; see vhost_hyv.h for the objects. */
static long vhost_hyv_relay_ioctl(struct file *file, unsigned int ioctl,
				  unsigned long arg)
{
	struct vhost_hyv_relay *relay = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (ioctl) {
	case VHOST_HYV_RELAY_SHM_MAP:
		return vhost_hyv_shm_map_ioctl(relay, argp);
	case VHOST_HYV_RELAY_SHM_UNMAP:
		return vhost_hyv_shm_unmap_ioctl(relay, argp);
	case VHOST_HYV_RELAY_MAP_GUEST:
		return vhost_hyv_guest_map_ioctl(relay, argp);
	case VHOST_HYV_RELAY_UNMAP_GUEST:
		return vhost_hyv_guest_unmap_ioctl(relay, argp);
	case VHOST_HYV_RELAY_GET_STATS:
		return vhost_hyv_relay_stats_ioctl(relay, argp);
	default:
		return -ENOTTY;
	}
}

static int vhost_hyv_relay_mmap(struct file *file, struct vm_area_struct *vma)
{
	return vhost_hyv_guest_map_mmap(file->private_data, vma);
}

/*
 * No mapping of this file is left (each holds it): every window and every
 * shm map of the broker goes, then the broker itself.
 */
static int vhost_hyv_relay_release(struct inode *inode, struct file *file)
{
	struct vhost_hyv_relay *relay = file->private_data;

	vhost_hyv_guest_unmap_all(relay);
	vhost_hyv_shm_unmap_all(relay);
	vhost_hyv_relay_detach_file(relay);
	return 0;
}

static const struct file_operations vhost_hyv_relay_fops = {
	.owner		= THIS_MODULE,
	.release	= vhost_hyv_relay_release,
	.read_iter	= vhost_hyv_relay_read_iter,
	.write_iter	= vhost_hyv_relay_write_iter,
	.poll		= vhost_hyv_relay_poll,
	.unlocked_ioctl	= vhost_hyv_relay_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vhost_hyv_relay_mmap,
	.llseek		= noop_llseek,
};

/* Returns a new O_CLOEXEC relay fd, or -EBUSY while another one is open. */
int vhost_hyv_relay_file_create(struct vhost_hyv_relay *relay)
{
	int err, fd;

	err = vhost_hyv_relay_attach_file(relay);
	if (err)
		return err;

	fd = anon_inode_getfd("[vhost-hyv-relay]", &vhost_hyv_relay_fops, relay,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0)
		vhost_hyv_relay_detach_file(relay);
	return fd;
}

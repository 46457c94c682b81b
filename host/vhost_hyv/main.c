// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-hyv: host kernel side of virtio-hyv, HyV's paravirtualized RDMA
 * control path.
 *
 * /dev/vhost-hyv is a vhost device in the vhost-vsock mould: QEMU owns it
 * (SET_OWNER, memory table, the control, event and doorbell virtqueues,
 * shared-memory region 0), starts and stops it with VHOST_HYV_SET_RUNNING,
 * tells it of every device reset with VHOST_HYV_RESET_DEVICE, and asks it
 * for a relay fd that it passes to the hyvd broker.  Requests the guest
 * queues are validated here and relayed to the broker; its answers are
 * copied back into the guest, and the events it writes are put into the
 * guest's event buffers.
 *
 * This file: the device file, its ioctls, and the life cycle of the
 * virtqueues (start, stop, reset, release).  Lock rules: vhost_hyv.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vhost.h>
#include <linux/vhost_hyv.h>
#include <hyv/vhost_compat.h>

#include "vhost_hyv.h"

/*
 * Not VHOST_F_LOG_ALL: answers are written into guest memory long after
 * their chain was fetched, without dirty logging, and the broker's RDMA
 * objects could not move with the guest anyway.  Without it QEMU blocks
 * migration, which is the truth.
 */
enum {
	VHOST_HYV_FEATURES = (VHOST_FEATURES & ~(1ULL << VHOST_F_LOG_ALL)) |
			     (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
			     (1ULL << VIRTIO_HYV_F_EVENT_QUEUE) |
			     (1ULL << VIRTIO_HYV_F_DOORBELL_QUEUE)
};

enum {
	VHOST_HYV_BACKEND_FEATURES = (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2)
};

/* Starts servicing @vq, unless it runs already.  Caller holds dev.mutex. */
static int vhost_hyv_start_vq(struct vhost_hyv *vh, struct vhost_virtqueue *vq)
{
	int err = 0;

	mutex_lock(&vq->mutex);
	if (!vhost_vq_access_ok(vq)) {
		err = -EFAULT;
	} else if (!vhost_vq_get_backend(vq)) {
		vhost_vq_set_backend(vq, vh);
		err = vhost_vq_init_access(vq);
		if (err)
			vhost_vq_set_backend(vq, NULL);
	}
	mutex_unlock(&vq->mutex);
	return err;
}

/* Stops taking chains from @vq.  Caller holds dev.mutex. */
static void vhost_hyv_stop_vq(struct vhost_virtqueue *vq)
{
	mutex_lock(&vq->mutex);
	vhost_vq_set_backend(vq, NULL);
	mutex_unlock(&vq->mutex);
}

/*
 * Stops the eventq, then discards the events kept for it: the handler can
 * no longer take one out in between.  Caller holds dev.mutex.
 */
static void vhost_hyv_stop_eventq(struct vhost_hyv *vh)
{
	vhost_hyv_stop_vq(&vh->eventq);
	vhost_hyv_relay_stop_events(vh->relay);
}

/*
 * The eventq and the doorbellq run only for a driver that negotiated them:
 * an older driver does not set up queues 1 and 2, whose vhost rings may
 * still hold the addresses of an earlier driver.  Its events are discarded.
 */
static long vhost_hyv_start(struct vhost_hyv *vh)
{
	bool events, doorbells;
	long err;

	mutex_lock(&vh->dev.mutex);
	err = vhost_dev_check_owner(&vh->dev);
	if (err)
		goto out;

	events = vhost_has_feature(&vh->eventq, VIRTIO_HYV_F_EVENT_QUEUE);
	doorbells = vhost_has_feature(&vh->dbq, VIRTIO_HYV_F_DOORBELL_QUEUE);
	if (events) {
		err = vhost_hyv_start_vq(vh, &vh->eventq);
		if (err)
			goto out;
	}
	if (doorbells) {
		err = vhost_hyv_start_vq(vh, &vh->dbq);
		if (err)
			goto err_stop_eventq;
	}
	err = vhost_hyv_start_vq(vh, &vh->ctrlq);
	if (err)
		goto err_stop_dbq;
	if (events)
		vhost_hyv_relay_start_events(vh->relay);

	/* Take the requests the guest queued while the rings were stopped. */
	vhost_poll_queue(&vh->ctrlq.poll);
	if (doorbells)
		vhost_poll_queue(&vh->dbq.poll);
	goto out;

err_stop_dbq:
	vhost_hyv_stop_vq(&vh->dbq);
err_stop_eventq:
	vhost_hyv_stop_eventq(vh);
out:
	mutex_unlock(&vh->dev.mutex);
	return err;
}

/*
 * Stops taking chains from the rings; kept events are discarded, a
 * starting driver resynchronises with HELLO.  Caller holds dev.mutex.
 */
static void vhost_hyv_stop_vqs(struct vhost_hyv *vh)
{
	vhost_hyv_stop_vq(&vh->ctrlq);
	vhost_hyv_stop_vq(&vh->dbq);
	vhost_hyv_stop_eventq(vh);
}

/*
 * Gives the guest back every head it lent us before QEMU may reconfigure
 * or reset the rings: unanswered requests complete with ECONNRESET (the
 * broker's later answers to them get -ENOENT), answered ones with their
 * answer.  The handlers run until the relay is empty or a run makes no
 * progress (worker killed, IOTLB miss); what is left then belongs to the old
 * ring generations and is dropped instead of completed.
 * Caller: the owner, holding dev.mutex, with the rings stopped.
 */
static void vhost_hyv_drain_rings(struct vhost_hyv *vh)
{
	struct vhost_virtqueue *rings[VHOST_HYV_NR_RINGS] = {
		[VHOST_HYV_RING_CTRL] = &vh->ctrlq,
		[VHOST_HYV_RING_DOORBELL] = &vh->dbq,
	};
	unsigned int left, before;
	int ring;

	vhost_hyv_relay_fail_all(vh->relay, ECONNRESET);
	left = vhost_hyv_relay_nr_requests_all(vh->relay);
	while (left) {
		before = left;
		for (ring = 0; ring < VHOST_HYV_NR_RINGS; ring++)
			vhost_poll_queue(&rings[ring]->poll);
		vhost_dev_flush(&vh->dev);
		left = vhost_hyv_relay_nr_requests_all(vh->relay);
		if (left >= before)
			break;
	}
	if (left)
		pr_debug("vmm %d: %u requests left to the old rings\n",
			 vh->relay->owner_pid, left);

	for (ring = 0; ring < VHOST_HYV_NR_RINGS; ring++) {
		mutex_lock(&rings[ring]->mutex);
		vh->ring_gen[ring]++;
		mutex_unlock(&rings[ring]->mutex);
	}
}

/*
 * SET_RUNNING(0), or with @reset RESET_DEVICE: the guest reset the device,
 * and the relay also tells the broker, ahead of every later request, to
 * destroy what the guest's previous instance held on the host.
 */
static long vhost_hyv_stop(struct vhost_hyv *vh, bool reset)
{
	long err;

	mutex_lock(&vh->dev.mutex);
	err = vhost_dev_check_owner(&vh->dev);
	if (!err) {
		vhost_hyv_stop_vqs(vh);
		if (reset)
			vhost_hyv_relay_reset(vh->relay);
		vhost_hyv_drain_rings(vh);
	}
	mutex_unlock(&vh->dev.mutex);
	return err;
}

static int vhost_hyv_open(struct inode *inode, struct file *file)
{
	struct vhost_poll *ring_poll[VHOST_HYV_NR_RINGS];
	struct vhost_hyv *vh;

	/* Large (a virtqueue holds UIO_MAXIOV iovecs): vmalloc may serve it. */
	vh = kvzalloc(sizeof(*vh), GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL);
	if (!vh)
		return -ENOMEM;

	ring_poll[VHOST_HYV_RING_CTRL] = &vh->ctrlq.poll;
	ring_poll[VHOST_HYV_RING_DOORBELL] = &vh->dbq.poll;
	vh->relay = vhost_hyv_relay_create(&vh->dev, ring_poll,
					   &vh->eventq.poll,
					   task_tgid_nr(current));
	if (!vh->relay)
		goto err_free_vh;

	vh->vqs[VIRTIO_HYV_VQ_CTRL] = &vh->ctrlq;
	vh->vqs[VIRTIO_HYV_VQ_EVENT] = &vh->eventq;
	vh->vqs[VIRTIO_HYV_VQ_DOORBELL] = &vh->dbq;
	vh->ctrlq.handle_kick = vhost_hyv_ring_handle_kick;
	vh->eventq.handle_kick = vhost_hyv_eventq_handle_kick;
	vh->dbq.handle_kick = vhost_hyv_ring_handle_kick;
	vhost_dev_init(&vh->dev, vh->vqs, ARRAY_SIZE(vh->vqs), UIO_MAXIOV,
		       VHOST_HYV_PKT_WEIGHT, VHOST_HYV_WEIGHT, true, NULL);

	file->private_data = vh;
	return 0;

err_free_vh:
	kvfree(vh);
	return -ENOMEM;
}

static int vhost_hyv_release(struct inode *inode, struct file *file)
{
	struct vhost_hyv *vh = file->private_data;

	/*
	 * The owner is gone or done: nothing is completed into the rings any
	 * more.  Stop taking chains; cut the relay loose, so the broker reads
	 * EOF and nothing it does can queue work here any more; only then
	 * stop the worker and free the device.
	 */
	mutex_lock(&vh->dev.mutex);
	vhost_hyv_stop_vqs(vh);
	mutex_unlock(&vh->dev.mutex);

	vhost_hyv_relay_detach_device(vh->relay);
	vhost_dev_flush(&vh->dev);
	vhost_dev_stop(&vh->dev);
	vhost_dev_cleanup(&vh->dev);

	vhost_hyv_relay_put(vh->relay);
	kvfree(vh);
	return 0;
}

/*
 * As vhost-net's: the ring is drained and stopped, the worker and the mm
 * are released, and another process may become the owner.  The relay fd
 * stays valid across the reset.
 */
static long vhost_hyv_reset_owner(struct vhost_hyv *vh)
{
	struct vhost_iotlb *umem;
	long err;

	mutex_lock(&vh->dev.mutex);
	err = vhost_dev_check_owner(&vh->dev);
	if (err)
		goto out;

	umem = vhost_dev_reset_owner_prepare();
	if (!umem) {
		err = -ENOMEM;
		goto out;
	}

	vhost_hyv_stop_vqs(vh);
	vhost_hyv_drain_rings(vh);
	vhost_dev_stop(&vh->dev);
	vhost_dev_reset_owner(&vh->dev, umem);
out:
	mutex_unlock(&vh->dev.mutex);
	return err;
}

static long vhost_hyv_set_features(struct vhost_hyv *vh, u64 features)
{
	bool iotlb = features & (1ULL << VIRTIO_F_ACCESS_PLATFORM);
	unsigned int i;
	long err;

	if (features & ~(u64)VHOST_HYV_FEATURES)
		return -EOPNOTSUPP;
	/* The doorbellq comes after the eventq: queue 2 needs queue 1. */
	if ((features & (1ULL << VIRTIO_HYV_F_DOORBELL_QUEUE)) &&
	    !(features & (1ULL << VIRTIO_HYV_F_EVENT_QUEUE)))
		return -EINVAL;

	mutex_lock(&vh->dev.mutex);
	err = vhost_hyv_set_device_iotlb(&vh->dev, iotlb);
	if (err)
		goto out;

	for (i = 0; i < ARRAY_SIZE(vh->vqs); i++) {
		mutex_lock(&vh->vqs[i]->mutex);
		vh->vqs[i]->acked_features = features;
		mutex_unlock(&vh->vqs[i]->mutex);
	}
out:
	mutex_unlock(&vh->dev.mutex);
	return err;
}

static long vhost_hyv_get_relay(struct vhost_hyv *vh)
{
	long ret;

	mutex_lock(&vh->dev.mutex);
	ret = vhost_dev_check_owner(&vh->dev);
	if (!ret)
		ret = vhost_hyv_relay_file_create(vh->relay);
	mutex_unlock(&vh->dev.mutex);

	pr_debug("vmm %d: relay fd: %ld\n", vh->relay->owner_pid, ret);
	return ret;
}

static long vhost_hyv_ioctl(struct file *file, unsigned int ioctl,
			    unsigned long arg)
{
	struct vhost_hyv *vh = file->private_data;
	void __user *argp = (void __user *)arg;
	u64 features;
	int running;
	long ret;

	switch (ioctl) {
	case VHOST_HYV_SET_RUNNING:
		if (copy_from_user(&running, argp, sizeof(running)))
			return -EFAULT;
		if (running != 0 && running != 1)
			return -EINVAL;
		return running ? vhost_hyv_start(vh) : vhost_hyv_stop(vh, false);
	case VHOST_HYV_GET_RELAY:
		return vhost_hyv_get_relay(vh);
	case VHOST_HYV_RESET_DEVICE:
		return vhost_hyv_stop(vh, true);
	case VHOST_HYV_SET_SHM:
		return vhost_hyv_shm_set(vh->relay, file, argp);
	case VHOST_RESET_OWNER:
		return vhost_hyv_reset_owner(vh);
	case VHOST_GET_FEATURES:
		features = VHOST_HYV_FEATURES;
		if (copy_to_user(argp, &features, sizeof(features)))
			return -EFAULT;
		return 0;
	case VHOST_SET_FEATURES:
		if (copy_from_user(&features, argp, sizeof(features)))
			return -EFAULT;
		return vhost_hyv_set_features(vh, features);
	case VHOST_GET_BACKEND_FEATURES:
		features = VHOST_HYV_BACKEND_FEATURES;
		if (copy_to_user(argp, &features, sizeof(features)))
			return -EFAULT;
		return 0;
	case VHOST_SET_BACKEND_FEATURES:
		if (copy_from_user(&features, argp, sizeof(features)))
			return -EFAULT;
		if (features & ~(u64)VHOST_HYV_BACKEND_FEATURES)
			return -EOPNOTSUPP;
		vhost_set_backend_features(&vh->dev, features);
		return 0;
	default:
		mutex_lock(&vh->dev.mutex);
		ret = vhost_dev_ioctl(&vh->dev, ioctl, argp);
		if (ret == -ENOIOCTLCMD)
			ret = vhost_vring_ioctl(&vh->dev, ioctl, argp);
		else
			vhost_dev_flush(&vh->dev);
		mutex_unlock(&vh->dev.mutex);
		return ret;
	}
}

/* read/write/poll on the device carry vhost's IOTLB messages to QEMU. */
static ssize_t vhost_hyv_chr_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct vhost_hyv *vh = iocb->ki_filp->private_data;

	return vhost_chr_read_iter(&vh->dev, to,
				   iocb->ki_filp->f_flags & O_NONBLOCK);
}

static ssize_t vhost_hyv_chr_write_iter(struct kiocb *iocb,
					struct iov_iter *from)
{
	struct vhost_hyv *vh = iocb->ki_filp->private_data;

	return vhost_chr_write_iter(&vh->dev, from);
}

static __poll_t vhost_hyv_chr_poll(struct file *file, poll_table *wait)
{
	struct vhost_hyv *vh = file->private_data;

	return vhost_chr_poll(file, &vh->dev, wait);
}

/* QEMU maps shared-memory region 0 (VHOST_HYV_SET_SHM). */
static int vhost_hyv_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vhost_hyv *vh = file->private_data;

	return vhost_hyv_shm_mmap(vh->relay, vma);
}

static const struct file_operations vhost_hyv_fops = {
	.owner		= THIS_MODULE,
	.open		= vhost_hyv_open,
	.release	= vhost_hyv_release,
	.llseek		= noop_llseek,
	.unlocked_ioctl	= vhost_hyv_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.read_iter	= vhost_hyv_chr_read_iter,
	.write_iter	= vhost_hyv_chr_write_iter,
	.poll		= vhost_hyv_chr_poll,
	.mmap		= vhost_hyv_mmap,
};

static struct miscdevice vhost_hyv_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vhost-hyv",
	.fops	= &vhost_hyv_fops,
};
module_misc_device(vhost_hyv_misc);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Host kernel accelerator for virtio-hyv (HyV RDMA control path)");

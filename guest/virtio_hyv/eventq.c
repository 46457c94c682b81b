// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv event queue (VIRTIO_HYV_F_EVENT_QUEUE): the driver keeps
 * device-writable buffers on the eventq and the device fills one per event.
 * One work item on an ordered workqueue takes them in the order the device
 * used them, copies each event out, gives its buffer back at once and
 * handles the event before it takes the next one: the broker's and the
 * host devices' events here (devices.c), COMPLETION and ASYNC events by
 * the object they name (evobj.c).
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/scatterlist.h>
#include <linux/virtio_config.h>

#include "virtio_hyv.h"
#include "trace.h"

/* Called with event_lock held. */
static int virtio_hyv_eventq_post(struct virtio_hyv *hyv,
				  struct virtio_hyv_event *buf, gfp_t gfp)
{
	struct scatterlist sg;

	sg_init_one(&sg, buf, sizeof(*buf));
	return virtqueue_add_inbuf(hyv->event_vq, &sg, 1, buf, gfp);
}

/*
 * Copies the next event the device delivered into @event and returns its
 * buffer to the eventq.  Return: false when there is none (or events are
 * stopped).
 */
static bool virtio_hyv_eventq_next(struct virtio_hyv *hyv,
				   struct virtio_hyv_event *event,
				   unsigned int *len)
{
	struct virtqueue *vq = hyv->event_vq;
	struct virtio_hyv_event *buf = NULL;
	unsigned long flags;
	bool notify = false;

	spin_lock_irqsave(&hyv->event_lock, flags);
	if (!hyv->events_stopped)
		buf = virtqueue_get_buf(vq, len);
	if (buf) {
		*len = min_t(unsigned int, *len, sizeof(*event));
		memset(event, 0, sizeof(*event));
		memcpy(event, buf, *len);
		/* Cannot fail: the slot just freed up, no indirect chain. */
		WARN_ON_ONCE(virtio_hyv_eventq_post(hyv, buf, GFP_ATOMIC));
		notify = virtqueue_kick_prepare(vq);
	}
	spin_unlock_irqrestore(&hyv->event_lock, flags);

	if (notify)
		virtqueue_notify(vq);
	return buf;
}

static void virtio_hyv_eventq_handle(struct virtio_hyv *hyv,
				     const struct virtio_hyv_event *event,
				     unsigned int len)
{
	struct device *dev = &hyv->vdev->dev;
	u32 type = le32_to_cpu(event->type);
	int ret;

	trace_virtio_hyv_event(hyv->vdev->index, type, len);
	if (len < offsetof(struct virtio_hyv_event, raw))
		goto err_short;

	switch (type) {
	case VIRTIO_HYV_EVT_BROKER_UP:
		ret = virtio_hyv_devs_resync(hyv);
		if (ret == -ENOTCONN || ret == -ECONNRESET)
			dev_dbg(dev, "broker gone again: %d\n", ret);
		else if (ret)
			dev_warn(dev, "HELLO failed: %d\n", ret);
		break;
	case VIRTIO_HYV_EVT_BROKER_DOWN:
		virtio_hyv_devs_clear(hyv, true);
		break;
	case VIRTIO_HYV_EVT_DEVICE_ADDED:
		if (len < offsetofend(struct virtio_hyv_event, device))
			goto err_short;
		virtio_hyv_devs_add(hyv, &event->device);
		break;
	case VIRTIO_HYV_EVT_DEVICE_REMOVED:
		if (len < offsetofend(struct virtio_hyv_event, dev_id))
			goto err_short;
		virtio_hyv_devs_remove(hyv, le32_to_cpu(event->dev_id));
		break;
	case VIRTIO_HYV_EVT_COMPLETION:
		if (len < offsetofend(struct virtio_hyv_event, completion))
			goto err_short;
		virtio_hyv_evobj_completion(hyv, &event->completion);
		break;
	case VIRTIO_HYV_EVT_ASYNC:
		if (len < offsetofend(struct virtio_hyv_event, async))
			goto err_short;
		virtio_hyv_evobj_async(hyv, &event->async);
		break;
	default:
		/* A later minor version's: not for us. */
		dev_dbg(dev, "event type %u ignored\n", type);
		break;
	}
	return;

err_short:
	dev_err(dev, "event type %u: %u bytes\n", type, len);
}

static void virtio_hyv_eventq_work(struct work_struct *work)
{
	struct virtio_hyv *hyv = container_of(work, struct virtio_hyv,
					      event_work);
	struct virtio_hyv_event event;
	unsigned int len;

	while (virtio_hyv_eventq_next(hyv, &event, &len))
		virtio_hyv_eventq_handle(hyv, &event, len);
}

/* The eventq callback. */
void virtio_hyv_eventq_done(struct virtqueue *vq)
{
	struct virtio_hyv *hyv = vdev_to_virtio_hyv(vq->vdev);
	unsigned long flags;

	spin_lock_irqsave(&hyv->event_lock, flags);
	if (!hyv->events_stopped)
		queue_work(hyv->event_wq, &hyv->event_work);
	spin_unlock_irqrestore(&hyv->event_lock, flags);
}

/*
 * Allocates the event buffers and the workqueue when the eventq exists;
 * called once the virtqueues are found.
 */
int virtio_hyv_eventq_init(struct virtio_hyv *hyv)
{
	spin_lock_init(&hyv->event_lock);
	INIT_WORK(&hyv->event_work, virtio_hyv_eventq_work);
	if (!hyv->event_vq)
		return 0;

	hyv->num_event_bufs = min_t(unsigned int, VIRTIO_HYV_EVENT_BUFS,
				    virtqueue_get_vring_size(hyv->event_vq));
	hyv->event_bufs = kcalloc(hyv->num_event_bufs,
				  sizeof(*hyv->event_bufs), GFP_KERNEL);
	if (!hyv->event_bufs)
		return -ENOMEM;
	hyv->event_wq = alloc_ordered_workqueue("virtio_hyv-%s", 0,
						dev_name(&hyv->vdev->dev));
	if (!hyv->event_wq) {
		kfree(hyv->event_bufs);
		return -ENOMEM;
	}
	return 0;
}

/* Puts every buffer on the eventq; called after DRIVER_OK. */
int virtio_hyv_eventq_start(struct virtio_hyv *hyv)
{
	bool notify = false;
	unsigned long flags;
	unsigned int i;
	int ret = 0;

	if (!hyv->event_vq)
		return 0;
	spin_lock_irqsave(&hyv->event_lock, flags);
	for (i = 0; i < hyv->num_event_bufs && !ret; i++)
		ret = virtio_hyv_eventq_post(hyv, &hyv->event_bufs[i],
					     GFP_ATOMIC);
	if (!ret)
		notify = virtqueue_kick_prepare(hyv->event_vq);
	spin_unlock_irqrestore(&hyv->event_lock, flags);
	if (notify)
		virtqueue_notify(hyv->event_vq);
	return ret;
}

/* Stops handling events and waits for the event work to return. */
void virtio_hyv_eventq_stop(struct virtio_hyv *hyv)
{
	unsigned long flags;

	if (!hyv->event_vq)
		return;
	spin_lock_irqsave(&hyv->event_lock, flags);
	hyv->events_stopped = true;
	spin_unlock_irqrestore(&hyv->event_lock, flags);
	cancel_work_sync(&hyv->event_work);
}

/* Frees what virtio_hyv_eventq_init() allocated; the device is reset. */
void virtio_hyv_eventq_free(struct virtio_hyv *hyv)
{
	if (!hyv->event_vq)
		return;
	destroy_workqueue(hyv->event_wq);
	kfree(hyv->event_bufs);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The event virtqueue handler (VIRTIO_HYV_F_EVENT_QUEUE).  It runs in the
 * vhost worker, in QEMU's mm, whenever the relay keeps a new event (the
 * broker wrote one, or the relay fd was closed) and whenever the guest
 * posts buffers.  It puts the events the relay keeps into the guest's
 * device-writable buffers, oldest first, one event per buffer; an event
 * stays kept until a buffer has taken it.
 */
#include <linux/build_bug.h>
#include <linux/uio.h>

#include "vhost_hyv.h"
#include "trace.h"

static_assert(sizeof(struct virtio_hyv_event) == VIRTIO_HYV_EVENT_SIZE);

/*
 * Writes @ev into the chain vhost_get_vq_desc() left in vq->iov, which has
 * @room device-writable bytes.  Returns the used length: the size of an
 * event, or 0 when the chain cannot take one (it has a readable part, is
 * too short, or faults).
 */
static u32 vhost_hyv_eventq_fill(struct vhost_virtqueue *vq, unsigned int out,
				 unsigned int in, size_t room,
				 const struct virtio_hyv_event *ev)
{
	struct iov_iter iter;

	if (out || room < sizeof(*ev))
		return 0;

	iov_iter_init(&iter, ITER_DEST, vq->iov, in, sizeof(*ev));
	if (copy_to_iter(ev, sizeof(*ev), &iter) != sizeof(*ev)) {
		vq_err(vq, "vhost-hyv: faulted writing an event\n");
		return 0;
	}
	return sizeof(*ev);
}

void vhost_hyv_eventq_handle_kick(struct vhost_work *work)
{
	struct vhost_virtqueue *vq = container_of(work, struct vhost_virtqueue,
						  poll.work);
	struct vhost_hyv *vh = to_vhost_hyv(vq->dev);
	pid_t vmm = vh->relay->owner_pid;
	int buffers = 0, total_len = 0;
	struct vhost_hyv_relay_event event;
	bool added = false;

	mutex_lock(&vq->mutex);

	if (!vhost_vq_get_backend(vq))
		goto out;
	/* Under a vIOMMU a miss ends this run, as for the ctrlq. */
	if (!vq_meta_prefetch(vq))
		goto out;

	vhost_disable_notify(&vh->dev, vq);
	do {
		unsigned int out, in;
		size_t room;
		int head;
		u32 len;

		if (!vhost_hyv_relay_peek_event(vh->relay, &event)) {
			vhost_enable_notify(&vh->dev, vq);
			break;
		}

		head = vhost_get_vq_desc(vq, vq->iov, ARRAY_SIZE(vq->iov),
					 &out, &in, NULL, NULL);
		/* vhost has reported a broken ring through vq_err(). */
		if (head < 0)
			break;

		/* No buffer: the guest's next kick runs this again. */
		if (head == vq->num) {
			if (unlikely(vhost_enable_notify(&vh->dev, vq))) {
				vhost_disable_notify(&vh->dev, vq);
				continue;
			}
			break;
		}

		room = iov_length(vq->iov + out, in);
		len = vhost_hyv_eventq_fill(vq, out, in, room, &event.ev);
		if (vhost_add_used(vq, head, len))
			break;
		added = true;
		if (len) {
			vhost_hyv_relay_pop_event(vh->relay);
			trace_vhost_hyv_event_delivered(vmm, event.seq,
							&event.ev, head);
		} else {
			trace_vhost_hyv_event_buffer_rejected(vmm, head, out,
							      in, room);
		}
		total_len += len;
	} while (likely(!vhost_exceeds_weight(vq, ++buffers, total_len)));

	if (added)
		vhost_signal(&vh->dev, vq);
out:
	mutex_unlock(&vq->mutex);
}

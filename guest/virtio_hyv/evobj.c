// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv event objects: the guest objects COMPLETION and ASYNC events
 * are about.  Such an event names a context and a host handle; this file
 * keeps the objects by host handle, finds the one an event names and calls
 * its handler (the eventq's work, eventq.c, hands the events over).
 * Contexts are kept by ctx_handle (unique in the VM), CQs, QPs and SRQs by
 * (ctx_handle, host handle) in one 64-bit key.
 *
 * The event work runs on an ordered workqueue while applications destroy
 * objects: an object's evobj reference keeps it alive while a handler runs
 * on it (struct virtio_hyv_evobj), and its destroy waits for that.  Guest
 * devices are unregistered by the event work itself or after it stopped,
 * so a context found here still has its ib_device.  Events naming an
 * unknown object are dropped: it may have been destroyed meanwhile.
 */
#include <linux/xarray.h>

#include "virtio_hyv.h"

/* Host handles of the contexts of one VM in one index. */
static_assert(sizeof(unsigned long) >= sizeof(u64));

static unsigned long virtio_hyv_evobj_key(u32 ctx_handle, u32 handle)
{
	return (unsigned long)ctx_handle << 32 | handle;
}

void virtio_hyv_evobj_tables_init(struct virtio_hyv *hyv)
{
	xa_init(&hyv->ctxs);
	xa_init(&hyv->cqs);
	xa_init(&hyv->qps);
	xa_init(&hyv->srqs);
}

/* Every guest device is gone: so is every object. */
void virtio_hyv_evobj_tables_destroy(struct virtio_hyv *hyv)
{
	WARN_ON(!xa_empty(&hyv->ctxs) || !xa_empty(&hyv->cqs) ||
		!xa_empty(&hyv->qps) || !xa_empty(&hyv->srqs));
	xa_destroy(&hyv->ctxs);
	xa_destroy(&hyv->cqs);
	xa_destroy(&hyv->qps);
	xa_destroy(&hyv->srqs);
}

/* Return: 0, or -EPROTO when the device gave a handle in use. */
int virtio_hyv_evobj_add_ctx(struct virtio_hyv *hyv,
			     struct virtio_hyv_ucontext *uctx)
{
	int ret = xa_insert(&hyv->ctxs, uctx->ctx_handle, uctx, GFP_KERNEL);

	return ret == -EBUSY ? -EPROTO : ret;
}

void virtio_hyv_evobj_del_ctx(struct virtio_hyv *hyv,
			      struct virtio_hyv_ucontext *uctx)
{
	xa_cmpxchg(&hyv->ctxs, uctx->ctx_handle, uctx, NULL, 0);
}

/* Return: 0, or -EPROTO when the device gave a handle in use. */
int virtio_hyv_evobj_add(struct xarray *xa, struct virtio_hyv_evobj *obj,
			 u32 ctx_handle, u32 handle)
{
	int ret;

	refcount_set(&obj->ref, 1);
	init_completion(&obj->released);
	obj->ctx_handle = ctx_handle;
	obj->handle = handle;
	ret = xa_insert(xa, virtio_hyv_evobj_key(ctx_handle, handle), obj,
			GFP_KERNEL);
	return ret == -EBUSY ? -EPROTO : ret;
}

static void virtio_hyv_evobj_put(struct virtio_hyv_evobj *obj)
{
	if (refcount_dec_and_test(&obj->ref))
		complete(&obj->released);
}

/* Forgets @obj and waits for the handlers running on it. */
void virtio_hyv_evobj_del(struct xarray *xa, struct virtio_hyv_evobj *obj)
{
	xa_cmpxchg(xa, virtio_hyv_evobj_key(obj->ctx_handle, obj->handle), obj,
		   NULL, 0);
	virtio_hyv_evobj_put(obj);
	wait_for_completion(&obj->released);
}

static struct virtio_hyv_evobj *virtio_hyv_evobj_get(struct xarray *xa,
						     u32 ctx_handle,
						     u32 handle)
{
	struct virtio_hyv_evobj *obj;

	xa_lock(xa);
	obj = xa_load(xa, virtio_hyv_evobj_key(ctx_handle, handle));
	if (obj && !refcount_inc_not_zero(&obj->ref))
		obj = NULL;
	xa_unlock(xa);
	return obj;
}

void virtio_hyv_evobj_completion(struct virtio_hyv *hyv,
				 const struct virtio_hyv_completion_event *ev)
{
	u32 ctx_handle = le32_to_cpu(ev->ctx_handle);
	u32 cq_handle = le32_to_cpu(ev->cq_handle);
	struct virtio_hyv_evobj *obj;
	struct virtio_hyv_cq *cq;

	obj = virtio_hyv_evobj_get(&hyv->cqs, ctx_handle, cq_handle);
	if (!obj) {
		dev_dbg(&hyv->vdev->dev, "completion of unknown CQ %u/%u\n",
			ctx_handle, cq_handle);
		return;
	}
	cq = container_of(obj, struct virtio_hyv_cq, ev);
	if (cq->ibcq.comp_handler)
		cq->ibcq.comp_handler(&cq->ibcq, cq->ibcq.cq_context);
	virtio_hyv_evobj_put(obj);
}

static void virtio_hyv_evobj_async_qp(struct virtio_hyv *hyv,
				      struct ib_event *ibev, u32 ctx_handle,
				      u32 handle)
{
	struct virtio_hyv_evobj *obj;
	struct ib_qp *ibqp;

	obj = virtio_hyv_evobj_get(&hyv->qps, ctx_handle, handle);
	if (!obj)
		goto unknown;
	ibqp = &container_of(obj, struct virtio_hyv_qp, ev)->ibqp;
	ibev->device = ibqp->device;
	ibev->element.qp = ibqp;
	if (ibqp->event_handler)
		ibqp->event_handler(ibev, ibqp->qp_context);
	virtio_hyv_evobj_put(obj);
	return;
unknown:
	dev_dbg(&hyv->vdev->dev, "event %u of unknown QP %u/%u\n",
		ibev->event, ctx_handle, handle);
}

static void virtio_hyv_evobj_async_cq(struct virtio_hyv *hyv,
				      struct ib_event *ibev, u32 ctx_handle,
				      u32 handle)
{
	struct virtio_hyv_evobj *obj;
	struct ib_cq *ibcq;

	obj = virtio_hyv_evobj_get(&hyv->cqs, ctx_handle, handle);
	if (!obj)
		goto unknown;
	ibcq = &container_of(obj, struct virtio_hyv_cq, ev)->ibcq;
	ibev->device = ibcq->device;
	ibev->element.cq = ibcq;
	if (ibcq->event_handler)
		ibcq->event_handler(ibev, ibcq->cq_context);
	virtio_hyv_evobj_put(obj);
	return;
unknown:
	dev_dbg(&hyv->vdev->dev, "event %u of unknown CQ %u/%u\n",
		ibev->event, ctx_handle, handle);
}

static void virtio_hyv_evobj_async_srq(struct virtio_hyv *hyv,
				       struct ib_event *ibev, u32 ctx_handle,
				       u32 handle)
{
	struct virtio_hyv_evobj *obj;
	struct ib_srq *ibsrq;

	obj = virtio_hyv_evobj_get(&hyv->srqs, ctx_handle, handle);
	if (!obj)
		goto unknown;
	ibsrq = &container_of(obj, struct virtio_hyv_srq, ev)->ibsrq;
	ibev->device = ibsrq->device;
	ibev->element.srq = ibsrq;
	if (ibsrq->event_handler)
		ibsrq->event_handler(ibev, ibsrq->srq_context);
	virtio_hyv_evobj_put(obj);
	return;
unknown:
	dev_dbg(&hyv->vdev->dev, "event %u of unknown SRQ %u/%u\n",
		ibev->event, ctx_handle, handle);
}

/* A port event: to every user of the context's device. */
static void virtio_hyv_evobj_async_port(struct virtio_hyv *hyv,
					struct ib_event *ibev, u32 ctx_handle,
					u32 port)
{
	struct virtio_hyv_ucontext *uctx;
	struct ib_device *ibdev = NULL;

	xa_lock(&hyv->ctxs);
	uctx = xa_load(&hyv->ctxs, ctx_handle);
	if (uctx)
		ibdev = uctx->ibuctx.device;
	xa_unlock(&hyv->ctxs);
	if (!ibdev || !rdma_is_port_valid(ibdev, port)) {
		dev_dbg(&hyv->vdev->dev, "event %u of context %u port %u\n",
			ibev->event, ctx_handle, port);
		return;
	}
	ibev->device = ibdev;
	ibev->element.port_num = port;
	ib_dispatch_event(ibev);
}

void virtio_hyv_evobj_async(struct virtio_hyv *hyv,
			    const struct virtio_hyv_async_event *ev)
{
	u32 ctx_handle = le32_to_cpu(ev->ctx_handle);
	u32 handle = le32_to_cpu(ev->handle);
	struct ib_event ibev = {
		.event = le32_to_cpu(ev->event_type),
	};

	switch (ibev.event) {
	case IB_EVENT_QP_FATAL:
	case IB_EVENT_QP_REQ_ERR:
	case IB_EVENT_QP_ACCESS_ERR:
	case IB_EVENT_COMM_EST:
	case IB_EVENT_SQ_DRAINED:
	case IB_EVENT_PATH_MIG:
	case IB_EVENT_PATH_MIG_ERR:
	case IB_EVENT_QP_LAST_WQE_REACHED:
		virtio_hyv_evobj_async_qp(hyv, &ibev, ctx_handle, handle);
		break;
	case IB_EVENT_CQ_ERR:
		virtio_hyv_evobj_async_cq(hyv, &ibev, ctx_handle, handle);
		break;
	case IB_EVENT_SRQ_ERR:
	case IB_EVENT_SRQ_LIMIT_REACHED:
		virtio_hyv_evobj_async_srq(hyv, &ibev, ctx_handle, handle);
		break;
	case IB_EVENT_PORT_ACTIVE:
	case IB_EVENT_PORT_ERR:
	case IB_EVENT_LID_CHANGE:
	case IB_EVENT_PKEY_CHANGE:
	case IB_EVENT_SM_CHANGE:
	case IB_EVENT_CLIENT_REREGISTER:
	case IB_EVENT_GID_CHANGE:
		virtio_hyv_evobj_async_port(hyv, &ibev, ctx_handle, handle);
		break;
	default:
		/* DEVICE_FATAL comes as DEVICE_REMOVED or BROKER_DOWN. */
		dev_dbg(&hyv->vdev->dev, "async event %u ignored\n",
			ibev.event);
		break;
	}
}

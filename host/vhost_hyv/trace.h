/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of vhost_hyv's request and event paths, and of the memory
 * the broker maps (shared-memory region 0, guest-memory windows):
 *   echo 1 > /sys/kernel/tracing/events/vhost_hyv/enable
 * Every event names the VMM (pid of the process that opened /dev/vhost-hyv)
 * and, once the request is on the relay, the id the broker sees; events
 * for the guest carry the sequence number the relay gave them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vhost_hyv

#if !defined(_VHOST_HYV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VHOST_HYV_TRACE_H

#include <linux/tracepoint.h>

#include "vhost_hyv.h"

/*
 * The guest reset the device; @notified: the broker will read the reset
 * notice (a relay fd is open).
 */
TRACE_EVENT(vhost_hyv_device_reset,
	    TP_PROTO(pid_t vmm, bool notified),
	    TP_ARGS(vmm, notified),
	    TP_STRUCT__entry(__field(pid_t, vmm)
			     __field(bool, notified)),
	    TP_fast_assign(__entry->vmm = vmm;
			   __entry->notified = notified;),
	    TP_printk("vmm=%d broker=%s", __entry->vmm,
		      __entry->notified ? "notified" : "none")
);

DECLARE_EVENT_CLASS(vhost_hyv_request,
		    TP_PROTO(pid_t vmm, const struct vhost_hyv_request *req),
		    TP_ARGS(vmm, req),
		    TP_STRUCT__entry(__field(pid_t, vmm)
				     __field(u64, id)
				     __field(bool, doorbell)
				     __field(unsigned int, head)
				     __field(u32, req_len)
				     __field(u32, resp_max)),
		    TP_fast_assign(__entry->vmm = vmm;
				   __entry->id = req->id;
				   __entry->doorbell =
					req->ring == VHOST_HYV_RING_DOORBELL;
				   __entry->head = req->head;
				   __entry->req_len = req->req_len;
				   __entry->resp_max = req->resp_max;),
		    TP_printk("vmm=%d id=%llu ring=%s head=%u req_len=%u resp_max=%u",
			      __entry->vmm, __entry->id,
			      __entry->doorbell ? "doorbellq" : "ctrlq",
			      __entry->head, __entry->req_len,
			      __entry->resp_max)
);

/* The chain was valid and is now waiting for the broker. */
DEFINE_EVENT(vhost_hyv_request, vhost_hyv_request_queued,
	     TP_PROTO(pid_t vmm, const struct vhost_hyv_request *req),
	     TP_ARGS(vmm, req));

/* The broker read the request. */
DEFINE_EVENT(vhost_hyv_request, vhost_hyv_request_relayed,
	     TP_PROTO(pid_t vmm, const struct vhost_hyv_request *req),
	     TP_ARGS(vmm, req));

/*
 * The request was discarded without touching the ring: its device went
 * away, or its ring was stopped before it could be completed.
 */
DEFINE_EVENT(vhost_hyv_request, vhost_hyv_request_dropped,
	     TP_PROTO(pid_t vmm, const struct vhost_hyv_request *req),
	     TP_ARGS(vmm, req));

/* A queued request was put into the used ring. */
TRACE_EVENT(vhost_hyv_request_completed,
	    TP_PROTO(pid_t vmm, const struct vhost_hyv_request *req, u32 status,
		     u32 used_len),
	    TP_ARGS(vmm, req, status, used_len),
	    TP_STRUCT__entry(__field(pid_t, vmm)
			     __field(u64, id)
			     __field(unsigned int, head)
			     __field(u32, status)
			     __field(u32, used_len)
			     __field(bool, answered)),
	    TP_fast_assign(__entry->vmm = vmm;
			   __entry->id = req->id;
			   __entry->head = req->head;
			   __entry->status = status;
			   __entry->used_len = used_len;
			   __entry->answered = req->resp;),
	    TP_printk("vmm=%d id=%llu head=%u status=%u used=%u by=%s",
		      __entry->vmm, __entry->id, __entry->head,
		      __entry->status, __entry->used_len,
		      __entry->answered ? "broker" : "vhost")
);

/*
 * vhost_hyv completed a chain itself, before queueing it: malformed
 * (status EINVAL, with used length 0 when there is no room for a response
 * header), no broker (ENOTCONN), no memory (ENOMEM), or a fault reading
 * guest memory (EFAULT).
 */
TRACE_EVENT(vhost_hyv_request_rejected,
	    TP_PROTO(pid_t vmm, unsigned int ring_head, unsigned int out,
		     unsigned int in, size_t req_len, size_t resp_max,
		     u32 status, u32 used_len),
	    TP_ARGS(vmm, ring_head, out, in, req_len, resp_max, status,
		    used_len),
	    TP_STRUCT__entry(__field(pid_t, vmm)
			     __field(unsigned int, head)
			     __field(unsigned int, out)
			     __field(unsigned int, in)
			     __field(size_t, req_len)
			     __field(size_t, resp_max)
			     __field(u32, status)
			     __field(u32, used_len)),
	    TP_fast_assign(__entry->vmm = vmm;
			   __entry->head = ring_head;
			   __entry->out = out;
			   __entry->in = in;
			   __entry->req_len = req_len;
			   __entry->resp_max = resp_max;
			   __entry->status = status;
			   __entry->used_len = used_len;),
	    TP_printk("vmm=%d head=%u out=%u/%zu in=%u/%zu status=%u used=%u",
		      __entry->vmm, __entry->head, __entry->out,
		      __entry->req_len, __entry->in, __entry->resp_max,
		      __entry->status, __entry->used_len)
);

/* An event for the guest's eventq was written into buffer @head. */
TRACE_EVENT(vhost_hyv_event_delivered,
	    TP_PROTO(pid_t vmm, u64 seq, const struct virtio_hyv_event *ev,
		     unsigned int ring_head),
	    TP_ARGS(vmm, seq, ev, ring_head),
	    TP_STRUCT__entry(__field(pid_t, vmm)
			     __field(u64, seq)
			     __field(u32, type)
			     __field(unsigned int, head)),
	    TP_fast_assign(__entry->vmm = vmm;
			   __entry->seq = seq;
			   __entry->type = le32_to_cpu(ev->type);
			   __entry->head = ring_head;),
	    TP_printk("vmm=%d seq=%llu type=%u head=%u", __entry->vmm,
		      __entry->seq, __entry->type, __entry->head)
);

TRACE_DEFINE_ENUM(VHOST_HYV_EVENT_DROP_NOT_RUNNING);
TRACE_DEFINE_ENUM(VHOST_HYV_EVENT_DROP_STOPPING);
TRACE_DEFINE_ENUM(VHOST_HYV_EVENT_DROP_REDUNDANT);

/* An event for the guest was discarded: enum vhost_hyv_event_drop says why. */
TRACE_EVENT(vhost_hyv_event_dropped,
	    TP_PROTO(pid_t vmm, u64 seq, const struct virtio_hyv_event *ev,
		     enum vhost_hyv_event_drop why),
	    TP_ARGS(vmm, seq, ev, why),
	    TP_STRUCT__entry(__field(pid_t, vmm)
			     __field(u64, seq)
			     __field(u32, type)
			     __field(enum vhost_hyv_event_drop, why)),
	    TP_fast_assign(__entry->vmm = vmm;
			   __entry->seq = seq;
			   __entry->type = le32_to_cpu(ev->type);
			   __entry->why = why;),
	    TP_printk("vmm=%d seq=%llu type=%u why=%s", __entry->vmm,
		      __entry->seq, __entry->type,
		      __print_symbolic(__entry->why,
				       { VHOST_HYV_EVENT_DROP_NOT_RUNNING,
					 "not-running" },
				       { VHOST_HYV_EVENT_DROP_STOPPING,
					 "stopping" },
				       { VHOST_HYV_EVENT_DROP_REDUNDANT,
					 "redundant" }))
);

/*
 * The guest posted an eventq buffer that cannot take an event (readable,
 * shorter than an event, or faulting): it went back with used length 0,
 * and the event waits for the next buffer.
 */
TRACE_EVENT(vhost_hyv_event_buffer_rejected,
	    TP_PROTO(pid_t vmm, unsigned int ring_head, unsigned int out,
		     unsigned int in, size_t len),
	    TP_ARGS(vmm, ring_head, out, in, len),
	    TP_STRUCT__entry(__field(pid_t, vmm)
			     __field(unsigned int, head)
			     __field(unsigned int, out)
			     __field(unsigned int, in)
			     __field(size_t, len)),
	    TP_fast_assign(__entry->vmm = vmm;
			   __entry->head = ring_head;
			   __entry->out = out;
			   __entry->in = in;
			   __entry->len = len;),
	    TP_printk("vmm=%d head=%u out=%u in=%u/%zu", __entry->vmm,
		      __entry->head, __entry->out, __entry->in, __entry->len)
);

DECLARE_EVENT_CLASS(vhost_hyv_mem,
		    TP_PROTO(pid_t vmm, u64 offset, unsigned long nr_pages),
		    TP_ARGS(vmm, offset, nr_pages),
		    TP_STRUCT__entry(__field(pid_t, vmm)
				     __field(u64, offset)
				     __field(unsigned long, nr_pages)),
		    TP_fast_assign(__entry->vmm = vmm;
				   __entry->offset = offset;
				   __entry->nr_pages = nr_pages;),
		    TP_printk("vmm=%d offset=%#llx pages=%lu", __entry->vmm,
			      __entry->offset, __entry->nr_pages)
);

/* The broker placed pages in shared-memory region 0 at @offset. */
DEFINE_EVENT(vhost_hyv_mem, vhost_hyv_shm_map,
	     TP_PROTO(pid_t vmm, u64 offset, unsigned long nr_pages),
	     TP_ARGS(vmm, offset, nr_pages));

/* They left the region (SHM_UNMAP, relay fd or device closed). */
DEFINE_EVENT(vhost_hyv_mem, vhost_hyv_shm_unmap,
	     TP_PROTO(pid_t vmm, u64 offset, unsigned long nr_pages),
	     TP_ARGS(vmm, offset, nr_pages));

/* Guest pages were pinned as the relay fd's window at @offset. */
DEFINE_EVENT(vhost_hyv_mem, vhost_hyv_guest_map,
	     TP_PROTO(pid_t vmm, u64 offset, unsigned long nr_pages),
	     TP_ARGS(vmm, offset, nr_pages));

/* The window was unpinned (UNMAP_GUEST or relay fd closed). */
DEFINE_EVENT(vhost_hyv_mem, vhost_hyv_guest_unmap,
	     TP_PROTO(pid_t vmm, u64 offset, unsigned long nr_pages),
	     TP_ARGS(vmm, offset, nr_pages));

#endif /* _VHOST_HYV_TRACE_H */

/* Out-of-tree: the header is found through CFLAGS_trace.o := -I$(src). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>

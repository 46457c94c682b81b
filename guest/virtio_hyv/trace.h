/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of virtio_hyv: requests (on either request queue), events,
 * guest devices, doorbells:
 *   echo 1 > /sys/kernel/tracing/events/virtio_hyv/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM virtio_hyv

#if !defined(_VIRTIO_HYV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VIRTIO_HYV_TRACE_H

#include <linux/tracepoint.h>
#include <linux/virtio_hyv.h>

TRACE_EVENT(virtio_hyv_req_submit,
	    TP_PROTO(int dev_index, u64 req_id, unsigned int out_sgs,
		     unsigned int in_sgs),
	    TP_ARGS(dev_index, req_id, out_sgs, in_sgs),
	    TP_STRUCT__entry(__field(int, dev_index)
			     __field(u64, req_id)
			     __field(unsigned int, out_sgs)
			     __field(unsigned int, in_sgs)),
	    TP_fast_assign(__entry->dev_index = dev_index;
			   __entry->req_id = req_id;
			   __entry->out_sgs = out_sgs;
			   __entry->in_sgs = in_sgs;),
	    TP_printk("virtio%d req=%llu out_sgs=%u in_sgs=%u",
		      __entry->dev_index, __entry->req_id,
		      __entry->out_sgs, __entry->in_sgs)
);

TRACE_EVENT(virtio_hyv_req_complete,
	    TP_PROTO(int dev_index, u64 req_id, unsigned int used_len,
		     int error),
	    TP_ARGS(dev_index, req_id, used_len, error),
	    TP_STRUCT__entry(__field(int, dev_index)
			     __field(u64, req_id)
			     __field(unsigned int, used_len)
			     __field(int, error)),
	    TP_fast_assign(__entry->dev_index = dev_index;
			   __entry->req_id = req_id;
			   __entry->used_len = used_len;
			   __entry->error = error;),
	    TP_printk("virtio%d req=%llu used=%u error=%d",
		      __entry->dev_index, __entry->req_id,
		      __entry->used_len, __entry->error)
);

TRACE_EVENT(virtio_hyv_event,
	    TP_PROTO(int dev_index, u32 type, unsigned int len),
	    TP_ARGS(dev_index, type, len),
	    TP_STRUCT__entry(__field(int, dev_index)
			     __field(u32, type)
			     __field(unsigned int, len)),
	    TP_fast_assign(__entry->dev_index = dev_index;
			   __entry->type = type;
			   __entry->len = len;),
	    TP_printk("virtio%d type=%u len=%u", __entry->dev_index,
		      __entry->type, __entry->len)
);

TRACE_EVENT(virtio_hyv_ibdev_register,
	    TP_PROTO(int dev_index, u32 dev_id, const char *name, int error),
	    TP_ARGS(dev_index, dev_id, name, error),
	    TP_STRUCT__entry(__field(int, dev_index)
			     __field(u32, dev_id)
			     __array(char, name, VIRTIO_HYV_DEV_NAME_LEN)
			     __field(int, error)),
	    TP_fast_assign(__entry->dev_index = dev_index;
			   __entry->dev_id = dev_id;
			   strscpy(__entry->name, name,
				   VIRTIO_HYV_DEV_NAME_LEN);
			   __entry->error = error;),
	    TP_printk("virtio%d dev_id=%u name=%s error=%d",
		      __entry->dev_index, __entry->dev_id, __entry->name,
		      __entry->error)
);

TRACE_EVENT(virtio_hyv_ibdev_unregister,
	    TP_PROTO(int dev_index, u32 dev_id, const char *name,
		     bool host_gone),
	    TP_ARGS(dev_index, dev_id, name, host_gone),
	    TP_STRUCT__entry(__field(int, dev_index)
			     __field(u32, dev_id)
			     __array(char, name, VIRTIO_HYV_DEV_NAME_LEN)
			     __field(bool, host_gone)),
	    TP_fast_assign(__entry->dev_index = dev_index;
			   __entry->dev_id = dev_id;
			   strscpy(__entry->name, name,
				   VIRTIO_HYV_DEV_NAME_LEN);
			   __entry->host_gone = host_gone;),
	    TP_printk("virtio%d dev_id=%u name=%s host_gone=%d",
		      __entry->dev_index, __entry->dev_id, __entry->name,
		      __entry->host_gone)
);

TRACE_EVENT(virtio_hyv_doorbell,
	    TP_PROTO(int dev_index, u32 ctx_handle, u32 qp_handle,
		     bool coalesced, int error),
	    TP_ARGS(dev_index, ctx_handle, qp_handle, coalesced, error),
	    TP_STRUCT__entry(__field(int, dev_index)
			     __field(u32, ctx_handle)
			     __field(u32, qp_handle)
			     __field(bool, coalesced)
			     __field(int, error)),
	    TP_fast_assign(__entry->dev_index = dev_index;
			   __entry->ctx_handle = ctx_handle;
			   __entry->qp_handle = qp_handle;
			   __entry->coalesced = coalesced;
			   __entry->error = error;),
	    TP_printk("virtio%d ctx=%u qp=%u coalesced=%d error=%d",
		      __entry->dev_index, __entry->ctx_handle,
		      __entry->qp_handle, __entry->coalesced, __entry->error)
);

TRACE_EVENT(virtio_hyv_doorbell_done,
	    TP_PROTO(int dev_index, u32 ctx_handle, u32 qp_handle, int answer,
		     bool resent),
	    TP_ARGS(dev_index, ctx_handle, qp_handle, answer, resent),
	    TP_STRUCT__entry(__field(int, dev_index)
			     __field(u32, ctx_handle)
			     __field(u32, qp_handle)
			     __field(int, answer)
			     __field(bool, resent)),
	    TP_fast_assign(__entry->dev_index = dev_index;
			   __entry->ctx_handle = ctx_handle;
			   __entry->qp_handle = qp_handle;
			   __entry->answer = answer;
			   __entry->resent = resent;),
	    TP_printk("virtio%d ctx=%u qp=%u answer=%d resent=%d",
		      __entry->dev_index, __entry->ctx_handle,
		      __entry->qp_handle, __entry->answer, __entry->resent)
);

#endif /* _VIRTIO_HYV_TRACE_H */

/* Out-of-tree: the header is found through CFLAGS_trace.o := -I$(src). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>

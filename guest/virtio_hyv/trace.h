/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the virtio_hyv control request path:
 *   echo 1 > /sys/kernel/tracing/events/virtio_hyv/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM virtio_hyv

#if !defined(_VIRTIO_HYV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VIRTIO_HYV_TRACE_H

#include <linux/tracepoint.h>

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

#endif /* _VIRTIO_HYV_TRACE_H */

/* Out-of-tree: the header is found through CFLAGS_trace.o := -I$(src). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost-hyv: host-side interface of /dev/vhost-hyv.
 *
 * QEMU owns the vhost device (SET_OWNER, memory table, vrings) as for
 * vhost-vsock and asks it for a relay file descriptor, which it hands to the
 * hyvd broker.  vhost_hyv validates every control request the guest queues
 * and passes it to the broker through the relay fd; the broker writes the
 * response back through the same fd.  Documentation/vhost-hyv.rst is the
 * normative description.
 *
 * BSD-licensed so that QEMU and hyvd can import it.
 */
#ifndef _UAPI_LINUX_VHOST_HYV_H
#define _UAPI_LINUX_VHOST_HYV_H

#include <linux/types.h>
#include <linux/vhost.h>
#include <linux/virtio_hyv.h>

/* Start (1) or stop (0) servicing the virtqueues, like VHOST_VSOCK_SET_RUNNING. */
#define VHOST_HYV_SET_RUNNING	_IOW(VHOST_VIRTIO, 0xA0, int)
/*
 * Create the relay fd (returned as the ioctl's value, O_CLOEXEC).  Only one
 * relay fd exists at a time: -EBUSY while the previous one is still open.
 */
#define VHOST_HYV_GET_RELAY	_IO(VHOST_VIRTIO, 0xA1)

/*
 * read() on the relay fd returns exactly one request: this header followed
 * by req_len bytes (the driver-readable part of the chain, starting with
 * struct virtio_hyv_req_hdr).  The read buffer must hold
 * VHOST_HYV_RELAY_BUF_SIZE bytes, else -EINVAL.  read() blocks, or fails
 * with -EAGAIN under O_NONBLOCK, while nothing is pending, and returns 0
 * once the vhost device is gone.
 */
struct vhost_hyv_relay_req {
	__u64 id;		/* echoed in the response */
	__u32 req_len;
	__u32 resp_max;		/* device-writable bytes in the chain */
};

/*
 * write() on the relay fd completes one request: this header followed by
 * resp_len bytes (<= resp_max, starting with struct virtio_hyv_resp_hdr),
 * all in one write.  -ENOENT for an id that is not in flight, -EMSGSIZE
 * for resp_len > resp_max, -EINVAL for a malformed write.
 */
struct vhost_hyv_relay_resp {
	__u64 id;
	__u32 resp_len;
	__u32 reserved;		/* must be 0 */
};

/*
 * An event for the guest's eventq is written the same way: id
 * VHOST_HYV_RELAY_EVENT, resp_len sizeof(struct virtio_hyv_event), then the
 * event.  While the device runs, vhost_hyv keeps up to
 * VHOST_HYV_EVENT_BACKLOG events the guest has no buffer for yet (-ENOBUFS
 * beyond that).  Events written while it is stopped, and events still kept
 * when it stops, are discarded: a starting driver resynchronises with HELLO.
 * vhost_hyv generates VIRTIO_HYV_EVT_BROKER_DOWN itself when the relay fd
 * is closed.
 */
#define VHOST_HYV_RELAY_EVENT	(~(__u64)0)
#define VHOST_HYV_EVENT_BACKLOG	64

#define VHOST_HYV_RELAY_BUF_SIZE \
	(sizeof(struct vhost_hyv_relay_req) + VIRTIO_HYV_MAX_REQ_SIZE)

/*
 * How vhost_hyv completes a request the broker did not answer (status in
 * struct virtio_hyv_resp_hdr):
 *   ENOTCONN    no relay fd is open when the request arrives;
 *   ECONNRESET  the relay fd was closed with the request read but unanswered;
 *   EINVAL      the chain is malformed but has room for a response header
 *               (a chain without that room is returned with used length 0).
 */

#endif /* _UAPI_LINUX_VHOST_HYV_H */

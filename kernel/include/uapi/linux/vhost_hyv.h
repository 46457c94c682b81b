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
 * The guest reset the device (a driver's reset, a reboot, a function
 * reset): the virtqueues stop as with VHOST_HYV_SET_RUNNING(0), and the
 * broker is told, ahead of every request the device takes afterwards, that
 * the host objects of the guest's previous instance are to be destroyed
 * (VHOST_HYV_RELAY_RESET).  QEMU issues it for every device reset.
 */
#define VHOST_HYV_RESET_DEVICE	_IO(VHOST_VIRTIO, 0xA3)

/*
 * Shared-memory region 0 of the device (queue memory, see virtio_hyv.h):
 * QEMU sets its size once (a power of two, at least 4096; -EBUSY the second
 * time) and mmap()s the vhost fd at the returned mmap_offset with exactly
 * that size, MAP_SHARED, read-write.  The broker places host queue pages in
 * it with VHOST_HYV_RELAY_SHM_MAP; the rest reads as a scratch page of this
 * device, so a guest touching a hole hurts only itself.
 */
struct vhost_hyv_shm_config {
	__u64 size;		/* in */
	__u64 mmap_offset;	/* out */
};

#define VHOST_HYV_SET_SHM	_IOWR(VHOST_VIRTIO, 0xA2, struct vhost_hyv_shm_config)

/*
 * ioctls of the relay fd (the broker's):
 *
 * VHOST_HYV_RELAY_SHM_MAP places the pages of the broker's own mapping
 * [uaddr, uaddr + length) (page-aligned; a host queue the broker mmap()ed
 * from its uverbs file) in shared-memory region 0 and returns where.  The
 * pages stay pinned until VHOST_HYV_RELAY_SHM_UNMAP with that shm_offset,
 * which first removes them from the guest's view.  -ENXIO before QEMU set
 * the region up, -ENOSPC when it is full.
 */
struct vhost_hyv_shm_map {
	__u64 uaddr;		/* in */
	__u64 length;		/* in */
	__u64 shm_offset;	/* out */
};

#define VHOST_HYV_RELAY_SHM_MAP		_IOWR(VHOST_VIRTIO, 0xB0, struct vhost_hyv_shm_map)
#define VHOST_HYV_RELAY_SHM_UNMAP	_IOW(VHOST_VIRTIO, 0xB1, __u64)

/*
 * VHOST_HYV_RELAY_MAP_GUEST pins the guest-physical pages listed in runs
 * (struct virtio_hyv_page_run[num_runs], as the guest sent them) and makes
 * them mappable, in that order, as one window: the broker mmap()s the relay
 * fd at mmap_offset with length bytes, MAP_SHARED, and may register that
 * mapping with REG_MR.  The pages stay pinned, and are counted as this VM's,
 * until VHOST_HYV_RELAY_UNMAP_GUEST with that mmap_offset or the relay fd
 * closes.  -EFAULT for a page outside the guest's memory table, -E2BIG
 * beyond VHOST_HYV_MAX_GUEST_MAP_PAGES, -ENOSPC when the relay holds as many
 * windows as vhost_hyv's max_guest_maps parameter allows.
 */
#define VHOST_HYV_GUEST_MAP_WRITE	0x1U	/* the device may write */
#define VHOST_HYV_MAX_GUEST_MAP_RUNS	4096
#define VHOST_HYV_MAX_GUEST_MAP_PAGES	0x100000U	/* 4 GiB of 4096-byte pages */

struct vhost_hyv_guest_map {
	__u64 runs;		/* in: user pointer */
	__u32 num_runs;		/* in */
	__u32 flags;		/* in: VHOST_HYV_GUEST_MAP_* */
	__u64 mmap_offset;	/* out */
	__u64 length;		/* out: bytes */
};

#define VHOST_HYV_RELAY_MAP_GUEST	_IOWR(VHOST_VIRTIO, 0xB2, struct vhost_hyv_guest_map)
#define VHOST_HYV_RELAY_UNMAP_GUEST	_IOW(VHOST_VIRTIO, 0xB3, __u64)

/* What the relay's VM holds now. */
struct vhost_hyv_relay_stats {
	__u64 guest_pages_pinned;	/* by MAP_GUEST windows */
	__u64 shm_pages_mapped;		/* by SHM_MAP */
	__u32 guest_maps;
	__u32 shm_maps;
};

#define VHOST_HYV_RELAY_GET_STATS	_IOR(VHOST_VIRTIO, 0xB4, struct vhost_hyv_relay_stats)

/*
 * read() on the relay fd returns exactly one request (requests from the
 * doorbellq before those of the ctrlq): this header followed
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
 * After VHOST_HYV_RESET_DEVICE, read() returns this header alone (id
 * VHOST_HYV_RELAY_RESET, req_len and resp_max 0) before any request the
 * device took after the reset.  The broker destroys every host object,
 * queue mapping and guest-memory window of the VM and answers nothing.
 * Resets before the next read() give one notice; none is given while no
 * relay fd is open (a new broker session holds nothing of the VM).
 * Request ids count up from 1 and never reach it.
 */
#define VHOST_HYV_RELAY_RESET	(~(__u64)1)

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

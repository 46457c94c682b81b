/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_hyv: guest driver of the HyV paravirtualized RDMA control path.
 * Internal declarations shared by the files of the module.
 */
#ifndef _VIRTIO_HYV_H
#define _VIRTIO_HYV_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/types.h>
#include <linux/virtio.h>
#include <linux/wait.h>
#include <linux/virtio_hyv.h>

/* How long probe waits for the device to answer HELLO. */
#define VIRTIO_HYV_HELLO_TIMEOUT	(30 * HZ)

/* Largest HELLO response: header plus a full device list. */
#define VIRTIO_HYV_HELLO_RESP_MAX					\
	(sizeof(struct virtio_hyv_hello_resp) +				\
	 VIRTIO_HYV_MAX_DEVICES * sizeof(struct virtio_hyv_dev_info))

/* One host RDMA device this VM may use, as announced by HELLO. */
struct virtio_hyv_host_dev {
	u32 dev_id;
	u32 driver_id;			/* enum rdma_driver_id */
	__be64 node_guid;
	char name[VIRTIO_HYV_DEV_NAME_LEN];	/* validated: printable */
};

/* State of the debugfs "inject" file; see debugfs.c. */
struct virtio_hyv_inject {
	struct dentry *dir;
	struct mutex lock;		/* one injection at a time, last_* */
	const char *last_case;		/* NULL until the first injection */
	int last_status;
	unsigned int last_used;
};

/*
 * Lock rules:
 * - ctrl_lock (irq-safe spinlock) serializes every operation on ctrl_vq
 *   (add, kick_prepare, get_buf, detach, enable/disable_cb) and protects
 *   ctrl_stopped, ctrl_completions and next_req_id.
 * - The HELLO results (dev_major, dev_minor, host_devs) are written by
 *   probe before anything else can see the device and are read-only after.
 * - inject.lock is taken before ctrl_lock, never inside it.
 *
 * Lifetime: remove() fails every request in flight and refuses new ones
 * (virtio_hyv_ctrl_stop/drain), then waits for the users of the request
 * path to return (debugfs removal) before it deletes the virtqueue and
 * frees this structure.  Anything that submits requests must be waited
 * for the same way.
 */
struct virtio_hyv {
	struct virtio_device *vdev;

	struct virtqueue *ctrl_vq;
	spinlock_t ctrl_lock;		/* see the lock rules above */
	bool ctrl_stopped;		/* device going away: no new requests */
	unsigned long ctrl_completions;	/* bumped when ring slots free up */
	wait_queue_head_t ctrl_space;	/* submitters waiting for ring slots */
	u64 next_req_id;		/* for tracing only */

	u16 dev_major;
	u16 dev_minor;
	unsigned int num_host_devs;
	struct virtio_hyv_host_dev host_devs[VIRTIO_HYV_MAX_DEVICES];

	struct virtio_hyv_inject inject;
};

static inline struct virtio_hyv *vdev_to_hyv(struct virtio_device *vdev)
{
	return vdev->priv;
}

static inline struct virtio_hyv *dev_to_hyv(struct device *dev)
{
	return vdev_to_hyv(dev_to_virtio(dev));
}

/*
 * One control request and its completion token.  The buffers are separate
 * kmalloc allocations so that the device may DMA into them.
 *
 * Two references exist while the request is on the ring: the submitter's
 * (from virtio_hyv_req_alloc) and the device's (taken at submission,
 * dropped when the request is completed).  A submitter that stops waiting
 * (killed, timed out) drops its own reference and leaves the buffers to
 * whichever side finishes last, so the device never writes freed memory.
 */
struct virtio_hyv_req {
	struct kref ref;
	struct completion done;
	u64 id;
	int error;		/* 0 when the device completed the request */
	unsigned int used_len;	/* bytes the device wrote */
	unsigned int req_len;
	unsigned int resp_len;
	void *req_buf;		/* driver-readable part */
	void *resp_buf;		/* device-writable part */
};

/* ctrl.c */
struct virtio_hyv_req *virtio_hyv_req_alloc(unsigned int req_len,
					    unsigned int resp_len, gfp_t gfp);
void virtio_hyv_req_put(struct virtio_hyv_req *req);
int virtio_hyv_req_exec(struct virtio_hyv *hyv, struct virtio_hyv_req *req,
			long timeout);
int virtio_hyv_req_exec_sgs(struct virtio_hyv *hyv, struct virtio_hyv_req *req,
			    struct scatterlist *sgs[], unsigned int out_sgs,
			    unsigned int in_sgs, long timeout);
void virtio_hyv_ctrl_init(struct virtio_hyv *hyv);
void virtio_hyv_ctrl_done(struct virtqueue *vq);
void virtio_hyv_ctrl_stop(struct virtio_hyv *hyv);
void virtio_hyv_ctrl_drain(struct virtio_hyv *hyv);

/* hello.c */
void virtio_hyv_hello_fill(struct virtio_hyv_hello_req *hello, u16 major);
int virtio_hyv_hello(struct virtio_hyv *hyv);

/* sysfs.c */
extern const struct attribute_group *virtio_hyv_dev_groups[];

/* debugfs.c */
void virtio_hyv_debugfs_init(void);
void virtio_hyv_debugfs_exit(void);
void virtio_hyv_debugfs_add(struct virtio_hyv *hyv);
void virtio_hyv_debugfs_remove(struct virtio_hyv *hyv);

#endif /* _VIRTIO_HYV_H */

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
#include <linux/workqueue.h>
#include <linux/virtio_hyv.h>
#include <rdma/ib_verbs.h>

/* How long a request may take before its submitter gives up. */
#define VIRTIO_HYV_REQ_TIMEOUT		(30 * HZ)

/* Largest HELLO response: header plus a full device list. */
#define VIRTIO_HYV_HELLO_RESP_MAX					\
	(sizeof(struct virtio_hyv_hello_resp) +				\
	 VIRTIO_HYV_MAX_DEVICES * sizeof(struct virtio_hyv_dev_info))

/* Event buffers kept on the eventq (fewer if the queue is smaller). */
#define VIRTIO_HYV_EVENT_BUFS		64

/*
 * Longest GID table a guest port accepts: the RDMA core allocates the
 * whole table; rxe, the longest we know, has 1024 entries.
 */
#define VIRTIO_HYV_MAX_GID_TBL_LEN	4096

/* Most completion vectors a guest device accepts from the host. */
#define VIRTIO_HYV_MAX_COMP_VECTORS	1024

struct virtio_hyv_ibdev;

/* One host RDMA device this VM may use, as announced by the device. */
struct virtio_hyv_host_dev {
	u32 dev_id;
	u32 driver_id;			/* enum rdma_driver_id */
	__be64 node_guid;
	char name[VIRTIO_HYV_DEV_NAME_LEN];	/* validated: printable */
	struct virtio_hyv_ibdev *ibdev;	/* its guest device, or NULL */
};

/* What HELLO answered. */
struct virtio_hyv_hello_info {
	u16 major;
	u16 minor;
	unsigned int num_devs;
	struct virtio_hyv_host_dev devs[VIRTIO_HYV_MAX_DEVICES];
};

/*
 * A personality: a host driver whose stock rdma-core provider binds a guest
 * device that reports the same driver_id, uverbs ABI and node type.
 */
struct virtio_hyv_personality {
	u32 driver_id;			/* enum rdma_driver_id */
	const char *name;		/* the rdma-core provider */
	u8 node_type;			/* RDMA_NODE_* */
	const struct ib_device_ops *ops;	/* driver_id, uverbs_abi_ver */
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
 * - event_lock (irq-safe spinlock) serializes the operations on event_vq
 *   and protects events_stopped.
 * - devs_lock (mutex) protects dev_major, dev_minor and the host device
 *   list, and serializes the registration and unregistration of guest
 *   devices.  It is held across requests (HELLO, the queries before a
 *   registration, DESTROY_CONTEXT during an unregistration).  The ib_device
 *   operations never take it: unregistration waits for them.
 * - inject.lock is taken before devs_lock and ctrl_lock, never inside them.
 *
 * Lifetime: remove() stops the event work, unregisters the guest devices
 * while requests still flow, then fails every request in flight and
 * refuses new ones (virtio_hyv_ctrl_stop/drain), and waits for the other
 * users of the request path to return (debugfs removal) before it deletes
 * the virtqueues and frees this structure.  Anything else that submits
 * requests must be waited for the same way.
 */
struct virtio_hyv {
	struct virtio_device *vdev;

	struct virtqueue *ctrl_vq;
	spinlock_t ctrl_lock;		/* see the lock rules above */
	bool ctrl_stopped;		/* device going away: no new requests */
	unsigned long ctrl_completions;	/* bumped when ring slots free up */
	wait_queue_head_t ctrl_space;	/* submitters waiting for ring slots */
	u64 next_req_id;		/* for tracing only */

	/* Events; event_vq is NULL without VIRTIO_HYV_F_EVENT_QUEUE. */
	struct virtqueue *event_vq;
	spinlock_t event_lock;		/* see the lock rules above */
	bool events_stopped;		/* no more event work */
	struct virtio_hyv_event *event_bufs;
	unsigned int num_event_bufs;
	struct workqueue_struct *event_wq;	/* ordered */
	struct work_struct event_work;

	struct mutex devs_lock;		/* see the lock rules above */
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

/* A GID table entry of a guest port. */
struct virtio_hyv_gid {
	u32 index;
	union ib_gid gid;
};

/* A port of a guest device: its tables and types, read at registration. */
struct virtio_hyv_port {
	u8 link_layer;			/* IB_LINK_LAYER_* */
	bool grh_required;
	u32 gid_tbl_len;
	u16 pkey_tbl_len;
	unsigned int num_gids;
	struct virtio_hyv_gid *gids;	/* non-empty entries, by index */
	u16 *pkeys;			/* pkey_tbl_len entries */
};

/*
 * The guest ib_device of one host device.  Everything but host_gone is
 * written before the registration and read-only until the unregistration
 * returned.
 */
struct virtio_hyv_ibdev {
	struct ib_device ibdev;		/* first, for ib_alloc_device() */
	struct virtio_hyv *hyv;
	u32 dev_id;
	bool host_gone;			/* the host dropped our contexts */
	struct ib_device_attr attrs;
	char fw_ver[VIRTIO_HYV_FW_VER_LEN];
	struct virtio_hyv_port ports[VIRTIO_HYV_MAX_PORTS];
};

static inline struct virtio_hyv_ibdev *to_hyv_ibdev(struct ib_device *ibdev)
{
	return container_of(ibdev, struct virtio_hyv_ibdev, ibdev);
}

static inline struct virtio_hyv_port *to_hyv_port(struct ib_device *ibdev,
						  u32 port_num)
{
	return &to_hyv_ibdev(ibdev)->ports[port_num - 1];
}

struct virtio_hyv_req;

/* A guest user context and the host context backing it. */
struct virtio_hyv_ucontext {
	struct ib_ucontext ibuctx;	/* first, for INIT_RDMA_OBJ_SIZE */
	u32 ctx_handle;
	struct virtio_hyv_req *destroy_req;	/* ready, so teardown can't fail */
};

static inline struct virtio_hyv_ucontext *
to_hyv_ucontext(struct ib_ucontext *ibuctx)
{
	return container_of(ibuctx, struct virtio_hyv_ucontext, ibuctx);
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
int virtio_hyv_dev_info_parse(struct virtio_hyv *hyv,
			      const struct virtio_hyv_dev_info *wire,
			      struct virtio_hyv_host_dev *host_dev);
int virtio_hyv_hello(struct virtio_hyv *hyv,
		     struct virtio_hyv_hello_info *info);

/* devices.c */
void virtio_hyv_devs_init(struct virtio_hyv *hyv);
int virtio_hyv_devs_resync(struct virtio_hyv *hyv);
void virtio_hyv_devs_add(struct virtio_hyv *hyv,
			 const struct virtio_hyv_dev_info *wire);
void virtio_hyv_devs_remove(struct virtio_hyv *hyv, u32 dev_id);
void virtio_hyv_devs_clear(struct virtio_hyv *hyv, bool host_gone);

/* event.c */
int virtio_hyv_events_init(struct virtio_hyv *hyv);
int virtio_hyv_events_start(struct virtio_hyv *hyv);
void virtio_hyv_event_done(struct virtqueue *vq);
void virtio_hyv_events_stop(struct virtio_hyv *hyv);
void virtio_hyv_events_free(struct virtio_hyv *hyv);

/* personality.c */
const struct virtio_hyv_personality *virtio_hyv_personality(u32 driver_id);

/* query.c */
void virtio_hyv_port_req_fill(struct virtio_hyv_port_req *preq, u16 opcode,
			      u32 dev_id, u32 port);
int virtio_hyv_query_device(struct virtio_hyv_ibdev *vibdev);
int virtio_hyv_query_port(struct virtio_hyv_ibdev *vibdev, u32 port_num,
			  struct ib_port_attr *attr);
int virtio_hyv_query_ports(struct virtio_hyv_ibdev *vibdev);
void virtio_hyv_ports_free(struct virtio_hyv_ibdev *vibdev);

/* ibdev.c */
int virtio_hyv_ibdev_register(struct virtio_hyv *hyv,
			      struct virtio_hyv_host_dev *host_dev,
			      const struct virtio_hyv_personality *pers);
void virtio_hyv_ibdev_unregister(struct virtio_hyv_ibdev *vibdev,
				 bool host_gone);

/* ucontext.c */
void virtio_hyv_create_context_fill(struct virtio_hyv_create_context_req *creq,
				    u32 dev_id, u32 udata_len,
				    u32 resp_udata_max);
void virtio_hyv_destroy_context_fill(struct virtio_hyv_destroy_context_req *dreq,
				     u32 ctx_handle);
int virtio_hyv_ib_alloc_ucontext(struct ib_ucontext *ibuctx,
				 struct ib_udata *udata);
void virtio_hyv_ib_dealloc_ucontext(struct ib_ucontext *ibuctx);
void virtio_hyv_ib_disassociate_ucontext(struct ib_ucontext *ibuctx);
int virtio_hyv_ib_mmap(struct ib_ucontext *ibuctx, struct vm_area_struct *vma);

/* sysfs.c */
extern const struct attribute_group *virtio_hyv_dev_groups[];

/* debugfs.c */
void virtio_hyv_debugfs_init(void);
void virtio_hyv_debugfs_exit(void);
void virtio_hyv_debugfs_add(struct virtio_hyv *hyv);
void virtio_hyv_debugfs_remove(struct virtio_hyv *hyv);

#endif /* _VIRTIO_HYV_H */

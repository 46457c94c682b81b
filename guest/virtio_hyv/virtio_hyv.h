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
#include <linux/xarray.h>
#include <linux/virtio_hyv.h>
#include <rdma/ib_verbs.h>
#include <rdma/uverbs_ioctl.h>

/* How long a request may take before its submitter gives up. */
#define VIRTIO_HYV_REQ_TIMEOUT		(30 * HZ)
/* How often a waiting submitter checks that the device was not reset. */
#define VIRTIO_HYV_REQ_CHECK_INTERVAL	HZ

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

/*
 * Test hooks: the debugfs "inject" file (inject.c), built only with
 * CONFIG_VIRTIO_HYV_TEST_HOOKS=y, which Kbuild sets when the build asks
 * for it (tools/build-kmod does, for the lab).  Without it the hooks below
 * are empty and the module has no injector.
 */
#if IS_ENABLED(CONFIG_VIRTIO_HYV_TEST_HOOKS)
/* Static unless the test hooks call it (cf. VISIBLE_IF_KUNIT). */
#define VISIBLE_IF_VIRTIO_HYV_TEST_HOOKS

/* State of the inject file. */
struct virtio_hyv_inject {
	struct dentry *dir;
	struct mutex lock;		/* one injection at a time, last_* */
	const char *last_case;		/* NULL until the first injection */
	int last_status;
	unsigned int last_used;
};
#else
#define VISIBLE_IF_VIRTIO_HYV_TEST_HOOKS static
#endif

/*
 * A request queue: the ctrlq, or the doorbellq.  lock (irq-safe spinlock)
 * serializes every operation on vq (add, kick_prepare, get_buf, detach,
 * enable/disable_cb) and protects stopped and completions.
 */
struct virtio_hyv_reqq {
	struct virtqueue *vq;		/* NULL: the doorbellq is not there */
	spinlock_t lock;
	bool stopped;			/* device going away: no new requests */
	unsigned long completions;	/* bumped when ring slots free up */
	wait_queue_head_t space;	/* submitters waiting for ring slots */
};

/*
 * Lock rules:
 * - each request queue has its own lock (struct virtio_hyv_reqq).
 * - event_lock (irq-safe spinlock) serializes the operations on event_vq
 *   and protects events_stopped.
 * - devs_lock (mutex) protects dev_major, dev_minor and the host device
 *   list, and serializes the registration and unregistration of guest
 *   devices.  It is held across requests (HELLO, the queries before a
 *   registration, DESTROY_CONTEXT during an unregistration).  The ib_device
 *   operations never take it: unregistration waits for them.
 * - inject.lock (test hooks) is taken before devs_lock and the request
 *   queues' locks, never inside them.
 *
 * Lifetime: remove() stops the event work, unregisters the guest devices
 * while requests still flow, then fails every request in flight and
 * refuses new ones (virtio_hyv_reqq_stop/drain), and waits for the other
 * users of the request path to return (the test hooks' removal) before it
 * deletes the virtqueues and frees this structure.  Anything else that
 * submits requests must be waited for the same way.
 */
struct virtio_hyv {
	struct virtio_device *vdev;

	struct virtio_hyv_reqq ctrlq;
	struct virtio_hyv_reqq dbq;	/* with VIRTIO_HYV_F_DOORBELL_QUEUE */
	atomic64_t next_req_id;		/* for tracing only */
	unsigned long lost;		/* bit 0: reset under the driver */

	/* Shared-memory region 0 (host queues); shm_len 0: none. */
	u64 shm_addr;
	u64 shm_len;

	/*
	 * Guest objects by host handle, for events: ctxs by ctx_handle,
	 * cqs, qps and srqs by virtio_hyv_evobj_key().  Their own locks.
	 */
	struct xarray ctxs;
	struct xarray cqs;
	struct xarray qps;
	struct xarray srqs;

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

#if IS_ENABLED(CONFIG_VIRTIO_HYV_TEST_HOOKS)
	struct virtio_hyv_inject inject;
#endif
};

static inline struct virtio_hyv *vdev_to_virtio_hyv(struct virtio_device *vdev)
{
	return vdev->priv;
}

static inline struct virtio_hyv *dev_to_virtio_hyv(struct device *dev)
{
	return vdev_to_virtio_hyv(dev_to_virtio(dev));
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

static inline struct virtio_hyv_ibdev *
to_virtio_hyv_ibdev(struct ib_device *ibdev)
{
	return container_of(ibdev, struct virtio_hyv_ibdev, ibdev);
}

static inline struct virtio_hyv_port *
to_virtio_hyv_port(struct ib_device *ibdev, u32 port_num)
{
	return &to_virtio_hyv_ibdev(ibdev)->ports[port_num - 1];
}

struct virtio_hyv_req;

/* A guest user context and the host context backing it. */
struct virtio_hyv_ucontext {
	struct ib_ucontext ibuctx;	/* first, for INIT_RDMA_OBJ_SIZE */
	u32 ctx_handle;
	struct virtio_hyv_req *destroy_req;	/* ready, so teardown can't fail */
};

static inline struct virtio_hyv_ucontext *
to_virtio_hyv_ucontext(struct ib_ucontext *ibuctx)
{
	return container_of(ibuctx, struct virtio_hyv_ucontext, ibuctx);
}

/* The guest context of a user verb's driver data. */
static inline struct virtio_hyv_ucontext *
udata_to_virtio_hyv_ucontext(struct ib_udata *udata)
{
	return rdma_udata_to_drv_context(udata, struct virtio_hyv_ucontext,
					 ibuctx);
}

/*
 * What the event work looks up by host handle (a CQ, QP or SRQ).  ref is
 * the object's own reference plus one per event being delivered to it;
 * its destroy drops its own and waits for released, so that no event
 * handler runs on a freed object.
 */
struct virtio_hyv_evobj {
	refcount_t ref;
	struct completion released;
	u32 ctx_handle;
	u32 handle;
};

/* The host queues of an object, mapped through shared-memory region 0. */
struct virtio_hyv_maps {
	unsigned int num;
	struct rdma_user_mmap_entry *entries[VIRTIO_HYV_MAX_QUEUE_MAPS];
};

struct virtio_hyv_pd {
	struct ib_pd ibpd;		/* first, for INIT_RDMA_OBJ_SIZE */
	u32 handle;
};

static inline struct virtio_hyv_pd *to_virtio_hyv_pd(struct ib_pd *ibpd)
{
	return container_of(ibpd, struct virtio_hyv_pd, ibpd);
}

struct virtio_hyv_mr {
	struct ib_mr ibmr;
	struct ib_umem *umem;		/* the guest pages, pinned */
	u32 ctx_handle;
	u32 handle;
};

static inline struct virtio_hyv_mr *to_virtio_hyv_mr(struct ib_mr *ibmr)
{
	return container_of(ibmr, struct virtio_hyv_mr, ibmr);
}

struct virtio_hyv_cq {
	struct ib_cq ibcq;		/* first, for INIT_RDMA_OBJ_SIZE */
	struct virtio_hyv_evobj ev;
	struct virtio_hyv_maps maps;
	struct mutex resize_lock;	/* maps against a concurrent resize */
};

static inline struct virtio_hyv_cq *to_virtio_hyv_cq(struct ib_cq *ibcq)
{
	return container_of(ibcq, struct virtio_hyv_cq, ibcq);
}

struct virtio_hyv_doorbell;

struct virtio_hyv_qp {
	struct ib_qp ibqp;		/* first, for INIT_RDMA_OBJ_SIZE */
	struct virtio_hyv_evobj ev;
	struct virtio_hyv_maps maps;
	struct virtio_hyv_doorbell *db;	/* see doorbell.c */
	bool sq_ready;			/* last state set: RTS or later */
};

static inline struct virtio_hyv_qp *to_virtio_hyv_qp(struct ib_qp *ibqp)
{
	return container_of(ibqp, struct virtio_hyv_qp, ibqp);
}

struct virtio_hyv_srq {
	struct ib_srq ibsrq;		/* first, for INIT_RDMA_OBJ_SIZE */
	struct virtio_hyv_evobj ev;
	struct virtio_hyv_maps maps;
	struct mutex resize_lock;	/* maps against a concurrent resize */
};

static inline struct virtio_hyv_srq *to_virtio_hyv_srq(struct ib_srq *ibsrq)
{
	return container_of(ibsrq, struct virtio_hyv_srq, ibsrq);
}

struct virtio_hyv_ah {
	struct ib_ah ibah;		/* first, for INIT_RDMA_OBJ_SIZE */
	u32 handle;
};

static inline struct virtio_hyv_ah *to_virtio_hyv_ah(struct ib_ah *ibah)
{
	return container_of(ibah, struct virtio_hyv_ah, ibah);
}

/*
 * One VIRTIO_HYV_OP_VERB: the core command (cmd, cmd_len: its ABI size),
 * room for at least resp_len bytes of core response at resp, and the
 * driver data of udata (NULL: none) in both directions.  On success maps[]
 * holds the host queues the device placed in shared memory (wire order).
 */
struct virtio_hyv_verb {
	u32 command;			/* IB_USER_VERBS_CMD_* */
	const void *cmd;
	u32 cmd_len;
	void *resp;
	u32 resp_len;
	struct ib_udata *udata;
	bool teardown;			/* a destroy: see verb.c */
	unsigned int num_maps;
	struct virtio_hyv_queue_map maps[VIRTIO_HYV_MAX_QUEUE_MAPS];
};

/*
 * One request (on the ctrlq or the doorbellq) and its completion token.
 * The buffers are separate kmalloc allocations so that the device may DMA
 * into them.
 *
 * Two references exist while the request is on the ring: the submitter's
 * (from virtio_hyv_reqq_alloc_req) and the device's (taken at submission,
 * dropped when the request is completed).  A submitter that stops waiting
 * (killed, timed out) drops its own reference and leaves the buffers to
 * whichever side finishes last, so the device never writes freed memory.
 */
struct virtio_hyv_req {
	struct kref ref;
	struct completion done;
	/*
	 * Runs when the device completed the request or it was drained,
	 * with the queue's lock held (irqs off), for requests sent with
	 * virtio_hyv_reqq_send(); owner is its data.
	 */
	void (*on_done)(struct virtio_hyv_req *req);
	void *owner;
	u64 id;
	bool teardown;		/* wait even when killed (see verb.c) */
	int error;		/* 0 when the device completed the request */
	unsigned int used_len;	/* bytes the device wrote */
	unsigned int req_len;
	unsigned int resp_len;
	void *req_buf;		/* driver-readable part */
	void *resp_buf;		/* device-writable part */
};

/* reqq.c */
struct virtio_hyv_req *virtio_hyv_reqq_alloc_req(unsigned int req_len,
						 unsigned int resp_len,
						 gfp_t gfp);
void virtio_hyv_reqq_put_req(struct virtio_hyv_req *req);
void virtio_hyv_reqq_reuse_req(struct virtio_hyv_req *req);
int virtio_hyv_reqq_exec_ctrlq(struct virtio_hyv *hyv,
			       struct virtio_hyv_req *req, long timeout);
int virtio_hyv_reqq_exec(struct virtio_hyv *hyv, struct virtio_hyv_reqq *q,
			 struct virtio_hyv_req *req, long timeout);
int virtio_hyv_reqq_send(struct virtio_hyv *hyv, struct virtio_hyv_reqq *q,
			 struct virtio_hyv_req *req);
int virtio_hyv_reqq_resend_locked(struct virtio_hyv *hyv,
				  struct virtio_hyv_reqq *q,
				  struct virtio_hyv_req *req);
int virtio_hyv_reqq_answer(struct virtio_hyv *hyv,
			   const struct virtio_hyv_req *req);
void virtio_hyv_reqq_init(struct virtio_hyv *hyv);
void virtio_hyv_reqq_done(struct virtqueue *vq);
void virtio_hyv_reqq_stop(struct virtio_hyv *hyv);
void virtio_hyv_reqq_drain(struct virtio_hyv *hyv);

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

/* eventq.c */
int virtio_hyv_eventq_init(struct virtio_hyv *hyv);
int virtio_hyv_eventq_start(struct virtio_hyv *hyv);
void virtio_hyv_eventq_done(struct virtqueue *vq);
void virtio_hyv_eventq_stop(struct virtio_hyv *hyv);
void virtio_hyv_eventq_free(struct virtio_hyv *hyv);

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
bool virtio_hyv_ibdev_host_gone(struct virtio_hyv_ibdev *vibdev);
bool virtio_hyv_ibdev_queues_usable(struct virtio_hyv_ibdev *vibdev);

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

/* verb.c */
void virtio_hyv_verb_req_fill(struct virtio_hyv_verb_req *vreq, u32 ctx_handle,
			      u32 command, u32 cmd_len, u32 udata_len,
			      u32 resp_udata_max);
int virtio_hyv_verb(struct virtio_hyv_ibdev *vibdev, u32 ctx_handle,
		    struct virtio_hyv_verb *verb);

/* mmap.c */
int virtio_hyv_maps_insert(struct virtio_hyv_ucontext *uctx,
			   const struct virtio_hyv_verb *verb,
			   struct virtio_hyv_maps *maps);
void virtio_hyv_maps_remove(struct virtio_hyv_maps *maps);
int virtio_hyv_ib_mmap(struct ib_ucontext *ibuctx, struct vm_area_struct *vma);
void virtio_hyv_ib_mmap_free(struct rdma_user_mmap_entry *rdma_entry);

/* evobj.c */
void virtio_hyv_evobj_tables_init(struct virtio_hyv *hyv);
void virtio_hyv_evobj_tables_destroy(struct virtio_hyv *hyv);
int virtio_hyv_evobj_add_ctx(struct virtio_hyv *hyv,
			     struct virtio_hyv_ucontext *uctx);
void virtio_hyv_evobj_del_ctx(struct virtio_hyv *hyv,
			      struct virtio_hyv_ucontext *uctx);
int virtio_hyv_evobj_add(struct xarray *xa, struct virtio_hyv_evobj *obj,
			 u32 ctx_handle, u32 handle);
void virtio_hyv_evobj_del(struct xarray *xa, struct virtio_hyv_evobj *obj);
void virtio_hyv_evobj_completion(struct virtio_hyv *hyv,
				 const struct virtio_hyv_completion_event *ev);
void virtio_hyv_evobj_async(struct virtio_hyv *hyv,
			    const struct virtio_hyv_async_event *ev);

/* pd.c */
int virtio_hyv_ib_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata);
int virtio_hyv_ib_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata);

/* mr.c */
struct ib_mr *virtio_hyv_ib_reg_user_mr(struct ib_pd *ibpd, u64 start,
					u64 length, u64 virt_addr, int access,
					struct ib_udata *udata);
int virtio_hyv_ib_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata);

/* cq.c */
extern const struct ib_device_ops virtio_hyv_cq_ops;

/* qp.c */
int virtio_hyv_ib_create_qp(struct ib_qp *ibqp,
			    struct ib_qp_init_attr *init_attr,
			    struct ib_udata *udata);
int virtio_hyv_ib_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
			    int attr_mask, struct ib_udata *udata);
int virtio_hyv_ib_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
			   int attr_mask, struct ib_qp_init_attr *init_attr);
int virtio_hyv_ib_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata);

/* doorbell.c */
int virtio_hyv_ib_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
			    const struct ib_send_wr **bad_wr);
void virtio_hyv_doorbell_fill(struct virtio_hyv_doorbell_req *dreq,
			      u32 ctx_handle, u32 qp_handle);
struct virtio_hyv_doorbell *virtio_hyv_doorbell_create(struct virtio_hyv *hyv,
						       u32 ctx_handle,
						       u32 qp_handle);
void virtio_hyv_doorbell_destroy(struct virtio_hyv_doorbell *db);

/* srq.c */
int virtio_hyv_ib_create_srq(struct ib_srq *ibsrq,
			     struct ib_srq_init_attr *init_attr,
			     struct ib_udata *udata);
int virtio_hyv_ib_modify_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr,
			     enum ib_srq_attr_mask attr_mask,
			     struct ib_udata *udata);
int virtio_hyv_ib_query_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr);
int virtio_hyv_ib_destroy_srq(struct ib_srq *ibsrq, struct ib_udata *udata);

/* ah.c */
int virtio_hyv_ib_create_ah(struct ib_ah *ibah,
			    struct rdma_ah_init_attr *init_attr,
			    struct ib_udata *udata);
int virtio_hyv_ib_destroy_ah(struct ib_ah *ibah, u32 flags);

/* sysfs.c */
extern const struct attribute_group *virtio_hyv_dev_groups[];

/* Test hooks (see struct virtio_hyv_inject): inject.c and what it calls. */
#if IS_ENABLED(CONFIG_VIRTIO_HYV_TEST_HOOKS)
/* reqq.c */
int virtio_hyv_reqq_exec_sgs(struct virtio_hyv *hyv, struct virtio_hyv_reqq *q,
			     struct virtio_hyv_req *req,
			     struct scatterlist *sgs[], unsigned int out_sgs,
			     unsigned int in_sgs, long timeout);
/* inject.c */
void virtio_hyv_inject_init(void);
void virtio_hyv_inject_exit(void);
void virtio_hyv_inject_add(struct virtio_hyv *hyv);
void virtio_hyv_inject_remove(struct virtio_hyv *hyv);
#else
static inline void virtio_hyv_inject_init(void) {}
static inline void virtio_hyv_inject_exit(void) {}
static inline void virtio_hyv_inject_add(struct virtio_hyv *hyv) {}
static inline void virtio_hyv_inject_remove(struct virtio_hyv *hyv) {}
#endif

#endif /* _VIRTIO_HYV_H */

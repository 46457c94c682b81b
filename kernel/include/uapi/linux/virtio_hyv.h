/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-hyv: paravirtualized RDMA control path (HyV).
 *
 * Wire format between the guest driver (virtio_hyv) and the device
 * (vhost_hyv relaying to the hyvd broker).  Every field is little-endian
 * unless its type says otherwise; every structure is packed by layout
 * (naturally aligned fields, explicit padding) so that no compiler adds any.
 * Documentation/virtio-hyv.rst is the normative description.
 *
 * BSD-licensed so that QEMU and other device implementations can import it.
 */
#ifndef _UAPI_LINUX_VIRTIO_HYV_H
#define _UAPI_LINUX_VIRTIO_HYV_H

#include <linux/types.h>
#include <linux/virtio_types.h>

/*
 * Experimental device ID.  Not assigned by the virtio specification: 63 is
 * the highest ID the modern virtio-pci device-ID range (0x1040 + ID) can
 * express, chosen to stay clear of assigned IDs until the protocol is
 * proposed upstream.  PCI device ID 0x107f.
 */
#define VIRTIO_ID_HYV			63

/* Protocol version spoken by this header: major.minor. */
#define VIRTIO_HYV_VERSION_MAJOR	1
#define VIRTIO_HYV_VERSION_MINOR	2

/* Feature bits. */
#define VIRTIO_HYV_F_EVENT_QUEUE	0	/* v1.1: queue 1 is the eventq */
/* v1.2: queue 2 is the doorbellq; needs VIRTIO_HYV_F_EVENT_QUEUE. */
#define VIRTIO_HYV_F_DOORBELL_QUEUE	1

/* Virtqueues. */
#define VIRTIO_HYV_VQ_CTRL		0
#define VIRTIO_HYV_VQ_EVENT		1	/* with VIRTIO_HYV_F_EVENT_QUEUE */
#define VIRTIO_HYV_VQ_DOORBELL		2	/* with VIRTIO_HYV_F_DOORBELL_QUEUE */
#define VIRTIO_HYV_NUM_VQS		3

/*
 * Limits a device enforces on one control request: the driver-readable part
 * of a descriptor chain and its device-writable part, each in bytes, and
 * the number of descriptors in one chain.
 */
#define VIRTIO_HYV_MAX_REQ_SIZE		16384
#define VIRTIO_HYV_MAX_RESP_SIZE	16384
#define VIRTIO_HYV_MAX_CHAIN_DESCS	16

/* Host devices one VM may be given. */
#define VIRTIO_HYV_MAX_DEVICES		16
#define VIRTIO_HYV_DEV_NAME_LEN		64

/* Physical ports of one host device a VM may use. */
#define VIRTIO_HYV_MAX_PORTS		8

/* Control request opcodes (the version that introduced each). */
enum virtio_hyv_opcode {
	VIRTIO_HYV_OP_HELLO = 1,		/* 1.0 */
	VIRTIO_HYV_OP_QUERY_DEVICE = 2,		/* 1.1 */
	VIRTIO_HYV_OP_QUERY_PORT = 3,		/* 1.1 */
	VIRTIO_HYV_OP_QUERY_GID_TABLE = 4,	/* 1.1 */
	VIRTIO_HYV_OP_QUERY_PKEY_TABLE = 5,	/* 1.1 */
	VIRTIO_HYV_OP_CREATE_CONTEXT = 6,	/* 1.1 */
	VIRTIO_HYV_OP_DESTROY_CONTEXT = 7,	/* 1.1 */
	VIRTIO_HYV_OP_VERB = 8,			/* 1.2 */
	VIRTIO_HYV_OP_REG_MR = 9,		/* 1.2 */
	VIRTIO_HYV_OP_DOORBELL = 10,		/* 1.2 */
};

/*
 * Status of a completed request: 0, or a positive errno number with the
 * values of the generic Linux errno table (include/uapi/asm-generic).
 */
#define VIRTIO_HYV_S_OK			0

/* Header of every request (driver-readable). */
struct virtio_hyv_req_hdr {
	__le16 opcode;		/* enum virtio_hyv_opcode */
	__le16 flags;		/* none defined: must be 0 */
	__le32 reserved;	/* must be 0 */
};

/* Header of every response (device-writable). */
struct virtio_hyv_resp_hdr {
	__le32 status;		/* VIRTIO_HYV_S_OK or errno */
	__le32 reserved;
};

/*
 * VIRTIO_HYV_OP_HELLO: first request after the driver sets DRIVER_OK.
 * The driver states the version it speaks; the device answers with its own
 * and the host RDMA devices this VM may use.  A device that cannot serve
 * the driver's major version fails the request with EPROTONOSUPPORT.
 */
struct virtio_hyv_hello_req {
	struct virtio_hyv_req_hdr hdr;
	__le16 major;
	__le16 minor;
	__le32 reserved;
};

struct virtio_hyv_dev_info {
	__le32 dev_id;		/* VM-local handle used by later requests */
	__le32 driver_id;	/* host driver: enum rdma_driver_id */
	__be64 node_guid;	/* host node GUID, as in struct ib_device */
	char name[VIRTIO_HYV_DEV_NAME_LEN];	/* host name, NUL-terminated */
};

struct virtio_hyv_hello_resp {
	struct virtio_hyv_resp_hdr hdr;
	__le16 major;
	__le16 minor;
	__le32 num_devices;	/* <= VIRTIO_HYV_MAX_DEVICES */
	struct virtio_hyv_dev_info devices[];
};

/*
 * Requests about one port of one device: QUERY_PORT, QUERY_GID_TABLE and
 * QUERY_PKEY_TABLE.  Ports are numbered from 1.
 */
struct virtio_hyv_port_req {
	struct virtio_hyv_req_hdr hdr;
	__le32 dev_id;
	__le32 port;
};

/* VIRTIO_HYV_OP_QUERY_DEVICE: the request is a port request with port 0. */
#define VIRTIO_HYV_FW_VER_LEN		64

/*
 * Attributes of a host device as its uverbs ABI reports them: the layout of
 * struct ib_uverbs_ex_query_device_resp (include/uapi/rdma/ib_user_verbs.h)
 * with every field little-endian, flattened.  device_cap_flags carries all
 * 64 bits (the ABI's device_cap_flags_ex).
 */
struct virtio_hyv_device_attr {
	__le64 fw_ver;
	__be64 node_guid;
	__be64 sys_image_guid;
	__le64 max_mr_size;
	__le64 page_size_cap;
	__le32 vendor_id;
	__le32 vendor_part_id;
	__le32 hw_ver;
	__le32 max_qp;
	__le32 max_qp_wr;
	__le32 reserved1;		/* the ABI's 32-bit device_cap_flags */
	__le32 max_sge;
	__le32 max_sge_rd;
	__le32 max_cq;
	__le32 max_cqe;
	__le32 max_mr;
	__le32 max_pd;
	__le32 max_qp_rd_atom;
	__le32 max_ee_rd_atom;
	__le32 max_res_rd_atom;
	__le32 max_qp_init_rd_atom;
	__le32 max_ee_init_rd_atom;
	__le32 atomic_cap;
	__le32 max_ee;
	__le32 max_rdd;
	__le32 max_mw;
	__le32 max_raw_ipv6_qp;
	__le32 max_raw_ethy_qp;
	__le32 max_mcast_grp;
	__le32 max_mcast_qp_attach;
	__le32 max_total_mcast_qp_attach;
	__le32 max_ah;
	__le32 max_fmr;
	__le32 max_map_per_fmr;
	__le32 max_srq;
	__le32 max_srq_wr;
	__le32 max_srq_sge;
	__le16 max_pkeys;
	__u8 local_ca_ack_delay;
	__u8 phys_port_cnt;		/* <= VIRTIO_HYV_MAX_PORTS */
	__u8 reserved2[4];
	__le32 comp_mask;		/* the ABI's, 0 */
	__le32 response_length;		/* the ABI's, informational */
	__le64 odp_general_caps;
	__le32 odp_rc_caps;
	__le32 odp_uc_caps;
	__le32 odp_ud_caps;
	__le32 reserved3;
	__le64 timestamp_mask;
	__le64 hca_core_clock;		/* kHz */
	__le64 device_cap_flags;	/* enum ib_uverbs_device_cap_flags */
	__le32 rss_supported_qpts;
	__le32 max_rwq_indirection_tables;
	__le32 max_rwq_indirection_table_size;
	__le32 reserved4;
	__le32 max_wq_type_rq;
	__le32 raw_packet_caps;
	__le32 tm_max_rndv_hdr_size;
	__le32 tm_max_num_tags;
	__le32 tm_flags;
	__le32 tm_max_ops;
	__le32 tm_max_sge;
	__le32 reserved5;
	__le16 max_cq_moderation_count;
	__le16 max_cq_moderation_period;
	__le32 reserved6;
	__le64 max_dm_size;
	__le32 xrc_odp_caps;
	__le32 reserved7;
};

struct virtio_hyv_query_device_resp {
	struct virtio_hyv_resp_hdr hdr;
	struct virtio_hyv_device_attr attr;
	char fw_ver[VIRTIO_HYV_FW_VER_LEN];	/* host's sysfs fw_ver, NUL-terminated */
	__le32 num_comp_vectors;	/* of a host user context on the device */
	__le32 reserved;
};

/*
 * VIRTIO_HYV_OP_QUERY_PORT: the layout of struct
 * ib_uverbs_query_port_resp_ex, every field little-endian.
 */
struct virtio_hyv_port_attr {
	__le32 port_cap_flags;	/* enum ib_uverbs_query_port_cap_flags */
	__le32 max_msg_sz;
	__le32 bad_pkey_cntr;
	__le32 qkey_viol_cntr;
	__le32 gid_tbl_len;
	__le16 pkey_tbl_len;
	__le16 lid;
	__le16 sm_lid;
	__u8 state;		/* enum ib_port_state */
	__u8 max_mtu;		/* enum ib_mtu */
	__u8 active_mtu;
	__u8 lmc;
	__u8 max_vl_num;
	__u8 sm_sl;
	__u8 subnet_timeout;
	__u8 init_type_reply;
	__u8 active_width;
	__u8 active_speed;
	__u8 phys_state;
	__u8 link_layer;	/* IB_LINK_LAYER_* */
	__u8 flags;		/* enum ib_uverbs_query_port_flags */
	__u8 reserved1;
	__le16 port_cap_flags2;
	__u8 reserved2[2];
	__le32 active_speed_ex;
};

struct virtio_hyv_query_port_resp {
	struct virtio_hyv_resp_hdr hdr;
	struct virtio_hyv_port_attr attr;
};

/*
 * VIRTIO_HYV_OP_QUERY_GID_TABLE: the valid entries of the port's GID table,
 * by ascending index.  Entries not listed are empty (all-zero GID).
 */
struct virtio_hyv_gid_entry {
	__u8 gid[16];
	__le32 index;
	__le32 gid_type;	/* enum ib_uverbs_gid_type */
};

struct virtio_hyv_gid_table_resp {
	struct virtio_hyv_resp_hdr hdr;
	__le32 num_entries;
	__le32 reserved;
	struct virtio_hyv_gid_entry entries[];
};

/* VIRTIO_HYV_OP_QUERY_PKEY_TABLE: P_Key i is pkeys[i]. */
struct virtio_hyv_pkey_table_resp {
	struct virtio_hyv_resp_hdr hdr;
	__le32 num_pkeys;	/* the port's pkey_tbl_len */
	__le32 reserved;
	__le16 pkeys[];
};

/*
 * VIRTIO_HYV_OP_CREATE_CONTEXT: a host user context (one host uverbs file)
 * for a guest user context.  udata is the provider's GET_CONTEXT driver
 * data, passed to the host driver unchanged; the response carries the host
 * driver's answer.
 */
struct virtio_hyv_create_context_req {
	struct virtio_hyv_req_hdr hdr;
	__le32 dev_id;
	__le32 udata_len;	/* bytes of udata that follow */
	__le32 resp_udata_max;	/* room for driver data in the response */
	__le32 reserved;
	__u8 udata[];
};

struct virtio_hyv_create_context_resp {
	struct virtio_hyv_resp_hdr hdr;
	__le32 ctx_handle;	/* VM-local, names the context later */
	__le32 num_comp_vectors;
	__le32 udata_len;	/* <= resp_udata_max */
	__le32 reserved;
	__u8 udata[];
};

/* VIRTIO_HYV_OP_DESTROY_CONTEXT: releases every host object of the context. */
struct virtio_hyv_destroy_context_req {
	struct virtio_hyv_req_hdr hdr;
	__le32 ctx_handle;
	__le32 reserved;
};

/*
 * VIRTIO_HYV_OP_VERB: one uverbs write() command of a context, executed on
 * its host uverbs file.  The payload is the core command exactly as the
 * uverbs ABI lays it out (struct ib_uverbs_<command> of
 * include/uapi/rdma/ib_user_verbs.h, every field little-endian), then the
 * provider's driver data.  Handles in the core command are the host's, as
 * earlier responses of the same context returned them.  The device supplies
 * its own `response' pointer, `user_handle' and (CREATE_CQ) `comp_channel':
 * the driver sets them to 0.  Commands a device serves in 1.2 (others fail
 * with EOPNOTSUPP): ALLOC_PD, DEALLOC_PD, DEREG_MR, CREATE_CQ, RESIZE_CQ,
 * DESTROY_CQ, REQ_NOTIFY_CQ, CREATE_QP, QUERY_QP, MODIFY_QP, DESTROY_QP,
 * CREATE_SRQ, MODIFY_SRQ, QUERY_SRQ, DESTROY_SRQ, CREATE_AH, DESTROY_AH.
 */
struct virtio_hyv_verb_req {
	struct virtio_hyv_req_hdr hdr;
	__le32 ctx_handle;
	__le32 command;		/* IB_USER_VERBS_CMD_* */
	__le32 cmd_len;		/* bytes of the core command: its ABI size */
	__le32 udata_len;	/* bytes of driver data after it */
	__le32 resp_udata_max;	/* room for driver data in the response */
	__le32 reserved;
	__u8 payload[];		/* core command, then driver data */
};

/*
 * A host queue (rxe: a struct mminfo of the driver data) whose pages the
 * device placed in shared-memory region 0, so that the driver maps them
 * into the guest process where the provider mmap()s mmap_offset.
 */
#define VIRTIO_HYV_SHM_ID_QUEUE_MEMORY	0
#define VIRTIO_HYV_MAX_QUEUE_MAPS	4

struct virtio_hyv_queue_map {
	__le64 mmap_offset;	/* the host driver's, as in the driver data */
	__le64 shm_offset;	/* in shared-memory region 0, 4096-aligned */
	__le64 length;		/* bytes, a multiple of 4096 */
};

struct virtio_hyv_verb_resp {
	struct virtio_hyv_resp_hdr hdr;
	__le32 resp_len;	/* bytes of the core response in payload */
	__le32 udata_len;	/* bytes of driver data after it */
	__le32 num_maps;	/* <= VIRTIO_HYV_MAX_QUEUE_MAPS */
	__le32 reserved;
	struct virtio_hyv_queue_map maps[VIRTIO_HYV_MAX_QUEUE_MAPS];
	__u8 payload[];		/* core response, then driver data */
};

/*
 * VIRTIO_HYV_OP_REG_MR: register guest memory on the host so that the
 * device addresses it at the guest's own virtual addresses (iova).  runs
 * lists the guest-physical pages that back [iova rounded down to 4096,
 * iova + length rounded up to 4096), in order.  The core of the uverbs
 * REG_MR command, with the pages named by the guest instead of a pointer.
 */
#define VIRTIO_HYV_PAGE_SIZE		4096

struct virtio_hyv_page_run {
	__le64 gpa;		/* 4096-aligned */
	__le64 num_pages;	/* of 4096 bytes, at least 1 */
};

struct virtio_hyv_reg_mr_req {
	struct virtio_hyv_req_hdr hdr;
	__le32 ctx_handle;
	__le32 pd_handle;
	__le64 iova;
	__le64 length;
	__le32 access_flags;	/* enum ib_uverbs_access_flags */
	__le32 num_runs;
	__le32 udata_len;
	__le32 resp_udata_max;
	__u8 payload[];		/* struct virtio_hyv_page_run[num_runs], then driver data */
};

struct virtio_hyv_reg_mr_resp {
	struct virtio_hyv_resp_hdr hdr;
	__le32 mr_handle;
	__le32 lkey;
	__le32 rkey;
	__le32 udata_len;
	__u8 udata[];
};

/*
 * VIRTIO_HYV_OP_DOORBELL: the provider rang the send doorbell of a QP (a
 * POST_SEND with no work requests); the device runs it on the host QP.  On
 * the doorbellq (VIRTIO_HYV_F_DOORBELL_QUEUE), else on the ctrlq.  The
 * response is a struct virtio_hyv_resp_hdr.
 */
struct virtio_hyv_doorbell_req {
	struct virtio_hyv_req_hdr hdr;
	__le32 ctx_handle;
	__le32 qp_handle;
};

/*
 * Events (VIRTIO_HYV_F_EVENT_QUEUE): the driver keeps device-writable
 * buffers of VIRTIO_HYV_EVENT_SIZE bytes on the eventq; the device fills one
 * per event, in order.
 */
enum virtio_hyv_event_type {
	VIRTIO_HYV_EVT_BROKER_UP = 1,		/* resynchronise with HELLO */
	VIRTIO_HYV_EVT_BROKER_DOWN = 2,		/* every host object is gone */
	VIRTIO_HYV_EVT_DEVICE_ADDED = 3,	/* payload: device */
	VIRTIO_HYV_EVT_DEVICE_REMOVED = 4,	/* payload: dev_id */
	VIRTIO_HYV_EVT_COMPLETION = 5,		/* payload: completion (1.2) */
	VIRTIO_HYV_EVT_ASYNC = 6,		/* payload: async (1.2) */
};

/* An armed CQ of a context got a completion (REQ_NOTIFY_CQ fired). */
struct virtio_hyv_completion_event {
	__le32 ctx_handle;
	__le32 cq_handle;
};

/*
 * An asynchronous event of a context: event_type as in struct
 * ib_uverbs_async_event_desc (the values of the kernel's enum
 * ib_event_type); handle names the QP, CQ or SRQ the type is about, or is
 * the port number.
 */
struct virtio_hyv_async_event {
	__le32 ctx_handle;
	__le32 event_type;
	__le32 handle;
	__le32 reserved;
};

#define VIRTIO_HYV_EVENT_SIZE		128

struct virtio_hyv_event {
	__le32 type;		/* enum virtio_hyv_event_type */
	__le32 reserved;
	union {
		struct virtio_hyv_dev_info device;
		__le32 dev_id;
		struct virtio_hyv_completion_event completion;
		struct virtio_hyv_async_event async;
		__u8 raw[VIRTIO_HYV_EVENT_SIZE - 8];
	};
};

#endif /* _UAPI_LINUX_VIRTIO_HYV_H */

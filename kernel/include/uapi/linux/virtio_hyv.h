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
#define VIRTIO_HYV_VERSION_MINOR	0

/* Virtqueues. */
#define VIRTIO_HYV_VQ_CTRL		0
#define VIRTIO_HYV_NUM_VQS		1

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

/* Control request opcodes. */
enum virtio_hyv_opcode {
	VIRTIO_HYV_OP_HELLO = 1,
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

#endif /* _UAPI_LINUX_VIRTIO_HYV_H */

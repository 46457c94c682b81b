// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv VERB requests: one uverbs write() command of a context,
 * executed by the device on the context's host uverbs file.  The caller
 * builds the core command (struct ib_uverbs_<command>) from the arguments
 * of its ib_device operation; the provider's driver data passes through
 * unchanged in both directions, as for CREATE_CONTEXT.
 *
 * Destroys wait for their answer even when the caller was killed (a
 * killed process's objects are destroyed as it exits): a guest resource
 * must not be freed before the host stopped using it.
 *
 * The core structures of include/uapi/rdma/ib_user_verbs.h are filled in
 * the CPU's byte order and sent as they are: the wire wants them
 * little-endian, so the driver builds for little-endian guests only.
 */
#include <linux/minmax.h>
#include <linux/string.h>

#include "virtio_hyv.h"

#ifdef __BIG_ENDIAN
#error "virtio_hyv sends uverbs structures as they are: little-endian only"
#endif

/*
 * Room for a core response beyond the size the driver knows: a device may
 * answer the longer structure of a newer ABI, of which the driver reads
 * its own prefix.
 */
#define VIRTIO_HYV_VERB_RESP_SLACK	64

void virtio_hyv_verb_req_fill(struct virtio_hyv_verb_req *vreq, u32 ctx_handle,
			      u32 command, u32 cmd_len, u32 udata_len,
			      u32 resp_udata_max)
{
	memset(vreq, 0, sizeof(*vreq));
	vreq->hdr.opcode = cpu_to_le16(VIRTIO_HYV_OP_VERB);
	vreq->ctx_handle = cpu_to_le32(ctx_handle);
	vreq->command = cpu_to_le32(command);
	vreq->cmd_len = cpu_to_le32(cmd_len);
	vreq->udata_len = cpu_to_le32(udata_len);
	vreq->resp_udata_max = cpu_to_le32(resp_udata_max);
}

/* Checks the answer of @verb in @req and copies it out. */
static int virtio_hyv_verb_parse(struct virtio_hyv_ibdev *vibdev,
				 struct virtio_hyv_verb *verb,
				 struct virtio_hyv_req *req, u32 resp_room,
				 u32 resp_udata_max)
{
	struct virtio_hyv_verb_resp *vresp = req->resp_buf;
	u32 resp_len, udata_len, num_maps;

	if (req->used_len < sizeof(*vresp))
		goto err_proto;
	resp_len = le32_to_cpu(READ_ONCE(vresp->resp_len));
	udata_len = le32_to_cpu(READ_ONCE(vresp->udata_len));
	num_maps = le32_to_cpu(READ_ONCE(vresp->num_maps));
	if (resp_len < verb->resp_len || resp_len > resp_room ||
	    udata_len > resp_udata_max ||
	    num_maps > VIRTIO_HYV_MAX_QUEUE_MAPS ||
	    req->used_len - sizeof(*vresp) < (u64)resp_len + udata_len)
		goto err_proto;

	memcpy(verb->resp, vresp->payload, verb->resp_len);
	verb->num_maps = num_maps;
	memcpy(verb->maps, vresp->maps, num_maps * sizeof(verb->maps[0]));
	if (verb->udata && udata_len)
		return ib_copy_to_udata(verb->udata, vresp->payload + resp_len,
					udata_len);
	return 0;

err_proto:
	ibdev_dbg(&vibdev->ibdev, "VERB %u: bad answer of %u bytes\n",
		  verb->command, req->used_len);
	return -EPROTO;
}

/**
 * virtio_hyv_verb() - execute a uverbs command on the host
 * @vibdev: the guest device
 * @ctx_handle: the host context
 * @verb: the command; see struct virtio_hyv_verb
 *
 * Return: 0; the negated status of the device (the host kernel's errno);
 * -EINVAL when the driver data does not fit a request; -EPROTO for an
 * answer that is not valid; -EFAULT; or a request error.
 */
int virtio_hyv_verb(struct virtio_hyv_ibdev *vibdev, u32 ctx_handle,
		    struct virtio_hyv_verb *verb)
{
	struct virtio_hyv_verb_req *vreq;
	size_t udata_in = 0, resp_udata_max = 0;
	u32 resp_room = verb->resp_len + VIRTIO_HYV_VERB_RESP_SLACK;
	struct virtio_hyv_req *req;
	int ret;

	if (verb->udata) {
		udata_in = verb->udata->inlen;
		resp_udata_max = verb->udata->outlen;
	}
	if (udata_in > VIRTIO_HYV_MAX_REQ_SIZE - sizeof(*vreq) - verb->cmd_len)
		return -EINVAL;
	resp_udata_max = min_t(size_t, resp_udata_max,
			       VIRTIO_HYV_MAX_RESP_SIZE -
			       sizeof(struct virtio_hyv_verb_resp) - resp_room);

	req = virtio_hyv_reqq_alloc_req(sizeof(*vreq) + verb->cmd_len +
					udata_in,
					sizeof(struct virtio_hyv_verb_resp) +
					resp_room + resp_udata_max, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->teardown = verb->teardown;
	vreq = req->req_buf;
	virtio_hyv_verb_req_fill(vreq, ctx_handle, verb->command, verb->cmd_len,
				 udata_in, resp_udata_max);
	memcpy(vreq->payload, verb->cmd, verb->cmd_len);
	if (udata_in) {
		ret = ib_copy_from_udata(vreq->payload + verb->cmd_len,
					 verb->udata, udata_in);
		if (ret)
			goto out_put;
	}

	ret = virtio_hyv_reqq_exec_ctrlq(vibdev->hyv, req,
					 VIRTIO_HYV_REQ_TIMEOUT);
	if (!ret)
		ret = virtio_hyv_verb_parse(vibdev, verb, req, resp_room,
					    resp_udata_max);
	ibdev_dbg(&vibdev->ibdev, "context %u VERB %u: %d\n", ctx_handle,
		  verb->command, ret);
out_put:
	virtio_hyv_reqq_put_req(req);
	return ret;
}

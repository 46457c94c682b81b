// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv device queries (v1.1): QUERY_DEVICE, QUERY_PORT,
 * QUERY_GID_TABLE and QUERY_PKEY_TABLE.  A guest device asks them all once,
 * before it is registered, and keeps the answers (attributes, port types,
 * GID and P_Key tables); only the port state is asked again, live, on
 * every port query.  The answers come from an untrusted device: a field
 * that is checked is read once out of the response buffer, and the copy is
 * checked and used.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <rdma/ib_user_ioctl_verbs.h>

#include "virtio_hyv.h"

/* Entries of the longest GID table and P_Key table responses. */
#define VIRTIO_HYV_MAX_GID_ENTRIES					\
	((VIRTIO_HYV_MAX_RESP_SIZE -					\
	  sizeof(struct virtio_hyv_gid_table_resp)) /			\
	 sizeof(struct virtio_hyv_gid_entry))
#define VIRTIO_HYV_MAX_PKEYS						\
	((VIRTIO_HYV_MAX_RESP_SIZE -					\
	  sizeof(struct virtio_hyv_pkey_table_resp)) / sizeof(__le16))

void virtio_hyv_port_req_fill(struct virtio_hyv_port_req *preq, u16 opcode,
			      u32 dev_id, u32 port)
{
	memset(preq, 0, sizeof(*preq));
	preq->hdr.opcode = cpu_to_le16(opcode);
	preq->dev_id = cpu_to_le32(dev_id);
	preq->port = cpu_to_le32(port);
}

/*
 * Sends a port request (port 0 for QUERY_DEVICE) about @vibdev with room
 * for @resp_len bytes of response, and checks that the answer covers
 * @resp_min bytes.  On success the caller owns *@reqp and puts it.
 */
static int virtio_hyv_port_req_exec(struct virtio_hyv_ibdev *vibdev,
				    u16 opcode, u32 port,
				    unsigned int resp_min,
				    unsigned int resp_len,
				    struct virtio_hyv_req **reqp)
{
	struct virtio_hyv *hyv = vibdev->hyv;
	struct virtio_hyv_req *req;
	int ret;

	req = virtio_hyv_reqq_alloc_req(sizeof(struct virtio_hyv_port_req),
					resp_len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	virtio_hyv_port_req_fill(req->req_buf, opcode, vibdev->dev_id, port);

	ret = virtio_hyv_reqq_exec_ctrlq(hyv, req, VIRTIO_HYV_REQ_TIMEOUT);
	if (!ret && req->used_len < resp_min) {
		dev_err(&hyv->vdev->dev,
			"device %u: opcode %u: response too short (%u bytes)\n",
			vibdev->dev_id, opcode, req->used_len);
		ret = -EPROTO;
	}
	if (ret) {
		virtio_hyv_reqq_put_req(req);
		return ret;
	}
	*reqp = req;
	return 0;
}

/*
 * struct ib_device_attr from the uverbs view of the host's attributes;
 * the guest's uverbs turns it back into the very same view.  FMRs are gone
 * from the kernel: uverbs reports max_fmr and max_map_per_fmr as 0, here
 * as on the host.
 */
static void virtio_hyv_device_attr_to_ib(const struct virtio_hyv_device_attr *w,
					 struct ib_device_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->fw_ver = le64_to_cpu(w->fw_ver);
	attr->sys_image_guid = w->sys_image_guid;
	attr->max_mr_size = le64_to_cpu(w->max_mr_size);
	attr->page_size_cap = le64_to_cpu(w->page_size_cap);
	attr->vendor_id = le32_to_cpu(w->vendor_id);
	attr->vendor_part_id = le32_to_cpu(w->vendor_part_id);
	attr->hw_ver = le32_to_cpu(w->hw_ver);
	attr->max_qp = le32_to_cpu(w->max_qp);
	attr->max_qp_wr = le32_to_cpu(w->max_qp_wr);
	attr->device_cap_flags = le64_to_cpu(w->device_cap_flags);
	/* uverbs reports min(max_send_sge, max_recv_sge) as max_sge. */
	attr->max_send_sge = le32_to_cpu(w->max_sge);
	attr->max_recv_sge = attr->max_send_sge;
	attr->max_sge_rd = le32_to_cpu(w->max_sge_rd);
	attr->max_cq = le32_to_cpu(w->max_cq);
	attr->max_cqe = le32_to_cpu(w->max_cqe);
	attr->max_mr = le32_to_cpu(w->max_mr);
	attr->max_pd = le32_to_cpu(w->max_pd);
	attr->max_qp_rd_atom = le32_to_cpu(w->max_qp_rd_atom);
	attr->max_ee_rd_atom = le32_to_cpu(w->max_ee_rd_atom);
	attr->max_res_rd_atom = le32_to_cpu(w->max_res_rd_atom);
	attr->max_qp_init_rd_atom = le32_to_cpu(w->max_qp_init_rd_atom);
	attr->max_ee_init_rd_atom = le32_to_cpu(w->max_ee_init_rd_atom);
	attr->atomic_cap = le32_to_cpu(w->atomic_cap);
	attr->max_ee = le32_to_cpu(w->max_ee);
	attr->max_rdd = le32_to_cpu(w->max_rdd);
	attr->max_mw = le32_to_cpu(w->max_mw);
	attr->max_raw_ipv6_qp = le32_to_cpu(w->max_raw_ipv6_qp);
	attr->max_raw_ethy_qp = le32_to_cpu(w->max_raw_ethy_qp);
	attr->max_mcast_grp = le32_to_cpu(w->max_mcast_grp);
	attr->max_mcast_qp_attach = le32_to_cpu(w->max_mcast_qp_attach);
	attr->max_total_mcast_qp_attach =
		le32_to_cpu(w->max_total_mcast_qp_attach);
	attr->max_ah = le32_to_cpu(w->max_ah);
	attr->max_srq = le32_to_cpu(w->max_srq);
	attr->max_srq_wr = le32_to_cpu(w->max_srq_wr);
	attr->max_srq_sge = le32_to_cpu(w->max_srq_sge);
	attr->max_pkeys = le16_to_cpu(w->max_pkeys);
	attr->local_ca_ack_delay = w->local_ca_ack_delay;
	attr->odp_caps.general_caps = le64_to_cpu(w->odp_general_caps);
	attr->odp_caps.per_transport_caps.rc_odp_caps =
		le32_to_cpu(w->odp_rc_caps);
	attr->odp_caps.per_transport_caps.uc_odp_caps =
		le32_to_cpu(w->odp_uc_caps);
	attr->odp_caps.per_transport_caps.ud_odp_caps =
		le32_to_cpu(w->odp_ud_caps);
	attr->odp_caps.per_transport_caps.xrc_odp_caps =
		le32_to_cpu(w->xrc_odp_caps);
	attr->timestamp_mask = le64_to_cpu(w->timestamp_mask);
	attr->hca_core_clock = le64_to_cpu(w->hca_core_clock);
	attr->rss_caps.supported_qpts = le32_to_cpu(w->rss_supported_qpts);
	attr->rss_caps.max_rwq_indirection_tables =
		le32_to_cpu(w->max_rwq_indirection_tables);
	attr->rss_caps.max_rwq_indirection_table_size =
		le32_to_cpu(w->max_rwq_indirection_table_size);
	attr->max_wq_type_rq = le32_to_cpu(w->max_wq_type_rq);
	attr->raw_packet_caps = le32_to_cpu(w->raw_packet_caps);
	attr->tm_caps.max_rndv_hdr_size = le32_to_cpu(w->tm_max_rndv_hdr_size);
	attr->tm_caps.max_num_tags = le32_to_cpu(w->tm_max_num_tags);
	attr->tm_caps.flags = le32_to_cpu(w->tm_flags);
	attr->tm_caps.max_ops = le32_to_cpu(w->tm_max_ops);
	attr->tm_caps.max_sge = le32_to_cpu(w->tm_max_sge);
	attr->cq_caps.max_cq_moderation_count =
		le16_to_cpu(w->max_cq_moderation_count);
	attr->cq_caps.max_cq_moderation_period =
		le16_to_cpu(w->max_cq_moderation_period);
	attr->max_dm_size = le64_to_cpu(w->max_dm_size);
}

/**
 * virtio_hyv_query_device() - read the attributes of a host device
 * @vibdev: its guest device, not registered yet
 *
 * Fills the attributes, the firmware version, the port count and the
 * number of completion vectors.
 *
 * Return: 0, a request error, or -EPROTO for an answer that is not valid.
 */
int virtio_hyv_query_device(struct virtio_hyv_ibdev *vibdev)
{
	struct device *dev = &vibdev->hyv->vdev->dev;
	const struct virtio_hyv_query_device_resp *resp;
	struct virtio_hyv_req *req;
	u32 comp_vectors;
	ssize_t fw_len;
	u8 ports;
	int ret;

	ret = virtio_hyv_port_req_exec(vibdev, VIRTIO_HYV_OP_QUERY_DEVICE, 0,
				       sizeof(*resp), sizeof(*resp), &req);
	if (ret)
		return ret;
	resp = req->resp_buf;
	virtio_hyv_device_attr_to_ib(&resp->attr, &vibdev->attrs);
	ports = READ_ONCE(resp->attr.phys_port_cnt);
	fw_len = strscpy(vibdev->fw_ver, resp->fw_ver, sizeof(vibdev->fw_ver));
	comp_vectors = le32_to_cpu(READ_ONCE(resp->num_comp_vectors));
	virtio_hyv_reqq_put_req(req);

	if (!ports || ports > VIRTIO_HYV_MAX_PORTS) {
		dev_err(dev, "device %u: %u ports\n", vibdev->dev_id, ports);
		return -EPROTO;
	}
	if (fw_len < 0) {
		dev_err(dev, "device %u: fw_ver not terminated\n",
			vibdev->dev_id);
		return -EPROTO;
	}
	if (!comp_vectors || comp_vectors > VIRTIO_HYV_MAX_COMP_VECTORS) {
		dev_err(dev, "device %u: %u completion vectors\n",
			vibdev->dev_id, comp_vectors);
		return -EPROTO;
	}
	vibdev->ibdev.phys_port_cnt = ports;
	vibdev->ibdev.num_comp_vectors = comp_vectors;
	return 0;
}

/* Asks the host about port @port_num; *@attr gets a copy of the answer. */
static int virtio_hyv_port_attr_read(struct virtio_hyv_ibdev *vibdev,
				     u32 port_num,
				     struct virtio_hyv_port_attr *attr)
{
	const struct virtio_hyv_query_port_resp *resp;
	struct virtio_hyv_req *req;
	int ret;

	ret = virtio_hyv_port_req_exec(vibdev, VIRTIO_HYV_OP_QUERY_PORT,
				       port_num, sizeof(*resp), sizeof(*resp),
				       &req);
	if (ret)
		return ret;
	resp = req->resp_buf;
	memcpy(attr, &resp->attr, sizeof(*attr));
	virtio_hyv_reqq_put_req(req);
	return 0;
}

/* struct ib_port_attr from the uverbs view of a host port. */
static void virtio_hyv_port_attr_to_ib(const struct virtio_hyv_port_attr *w,
				       struct ib_port_attr *attr)
{
	u32 cap_flags = le32_to_cpu(w->port_cap_flags);
	u32 speed_ex = le32_to_cpu(w->active_speed_ex);

	memset(attr, 0, sizeof(*attr));
	attr->state = w->state;
	attr->max_mtu = w->max_mtu;
	attr->active_mtu = w->active_mtu;
	attr->gid_tbl_len = le32_to_cpu(w->gid_tbl_len);
	/* uverbs reports ip_gids as bit 26 (make_port_cap_flags()). */
	attr->ip_gids = !!(cap_flags & IB_UVERBS_PCF_IP_BASED_GIDS);
	attr->port_cap_flags = cap_flags & ~IB_UVERBS_PCF_IP_BASED_GIDS;
	attr->max_msg_sz = le32_to_cpu(w->max_msg_sz);
	attr->bad_pkey_cntr = le32_to_cpu(w->bad_pkey_cntr);
	attr->qkey_viol_cntr = le32_to_cpu(w->qkey_viol_cntr);
	attr->pkey_tbl_len = le16_to_cpu(w->pkey_tbl_len);
	attr->sm_lid = le16_to_cpu(w->sm_lid);
	attr->lid = le16_to_cpu(w->lid);
	attr->lmc = w->lmc;
	attr->max_vl_num = w->max_vl_num;
	attr->sm_sl = w->sm_sl;
	attr->subnet_timeout = w->subnet_timeout;
	attr->init_type_reply = w->init_type_reply;
	attr->active_width = w->active_width;
	/* Newer hosts report speeds beyond the u8 in active_speed_ex. */
	attr->active_speed = speed_ex ? min_t(u32, speed_ex, U16_MAX) :
					w->active_speed;
	attr->phys_state = w->phys_state;
	attr->port_cap_flags2 = le16_to_cpu(w->port_cap_flags2);
}

/**
 * virtio_hyv_query_port() - read the live state of a host port
 * @vibdev: the guest device
 * @port_num: the port, valid for @vibdev
 * @attr: the attributes
 *
 * The table lengths stay those of the registration, which the RDMA core
 * sized its caches with.
 *
 * Return: 0 or a request error.
 */
int virtio_hyv_query_port(struct virtio_hyv_ibdev *vibdev, u32 port_num,
			  struct ib_port_attr *attr)
{
	const struct virtio_hyv_port *port = &vibdev->ports[port_num - 1];
	struct virtio_hyv_port_attr wire;
	int ret;

	ret = virtio_hyv_port_attr_read(vibdev, port_num, &wire);
	if (ret)
		return ret;
	virtio_hyv_port_attr_to_ib(&wire, attr);
	attr->gid_tbl_len = port->gid_tbl_len;
	attr->pkey_tbl_len = port->pkey_tbl_len;
	return 0;
}

/* Reads the non-empty GID entries of a port, whose gid_tbl_len is known. */
static int virtio_hyv_gid_table_read(struct virtio_hyv_ibdev *vibdev,
				     u32 port_num)
{
	struct virtio_hyv_port *port = &vibdev->ports[port_num - 1];
	const struct virtio_hyv_gid_table_resp *resp;
	unsigned int max_entries, num, i;
	struct virtio_hyv_req *req;
	struct virtio_hyv_gid *gids;
	int ret;

	if (!port->gid_tbl_len)
		return 0;
	max_entries = min_t(u32, port->gid_tbl_len,
			    VIRTIO_HYV_MAX_GID_ENTRIES);
	ret = virtio_hyv_port_req_exec(vibdev, VIRTIO_HYV_OP_QUERY_GID_TABLE,
				       port_num, sizeof(*resp),
				       struct_size(resp, entries, max_entries),
				       &req);
	if (ret)
		return ret;
	resp = req->resp_buf;
	num = le32_to_cpu(READ_ONCE(resp->num_entries));
	if (num > max_entries ||
	    req->used_len < struct_size(resp, entries, num))
		goto err_invalid;
	gids = kcalloc(num, sizeof(*gids), GFP_KERNEL);
	if (!gids) {
		ret = -ENOMEM;
		goto err_put_req;
	}
	for (i = 0; i < num; i++) {
		gids[i].index = le32_to_cpu(resp->entries[i].index);
		memcpy(gids[i].gid.raw, resp->entries[i].gid,
		       sizeof(gids[i].gid.raw));
		/* Ascending, so that lookups can bisect. */
		if (gids[i].index >= port->gid_tbl_len ||
		    (i && gids[i].index <= gids[i - 1].index)) {
			kfree(gids);
			goto err_invalid;
		}
	}
	virtio_hyv_reqq_put_req(req);
	port->gids = gids;
	port->num_gids = num;
	return 0;

err_invalid:
	dev_err(&vibdev->hyv->vdev->dev,
		"device %u port %u: invalid GID table\n", vibdev->dev_id,
		port_num);
	ret = -EPROTO;
err_put_req:
	virtio_hyv_reqq_put_req(req);
	return ret;
}

/* Reads the P_Key table of a port, whose pkey_tbl_len is known. */
static int virtio_hyv_pkey_table_read(struct virtio_hyv_ibdev *vibdev,
				      u32 port_num)
{
	struct virtio_hyv_port *port = &vibdev->ports[port_num - 1];
	const struct virtio_hyv_pkey_table_resp *resp;
	size_t resp_len = struct_size(resp, pkeys, port->pkey_tbl_len);
	struct virtio_hyv_req *req;
	unsigned int i;
	u16 *pkeys;
	int ret;

	if (!port->pkey_tbl_len)
		return 0;
	ret = virtio_hyv_port_req_exec(vibdev, VIRTIO_HYV_OP_QUERY_PKEY_TABLE,
				       port_num, resp_len, resp_len, &req);
	if (ret)
		return ret;
	resp = req->resp_buf;
	if (le32_to_cpu(resp->num_pkeys) != port->pkey_tbl_len) {
		dev_err(&vibdev->hyv->vdev->dev,
			"device %u port %u: %u P_Keys, not %u\n",
			vibdev->dev_id, port_num, le32_to_cpu(resp->num_pkeys),
			port->pkey_tbl_len);
		ret = -EPROTO;
		goto out_put_req;
	}
	pkeys = kcalloc(port->pkey_tbl_len, sizeof(*pkeys), GFP_KERNEL);
	if (!pkeys) {
		ret = -ENOMEM;
		goto out_put_req;
	}
	for (i = 0; i < port->pkey_tbl_len; i++)
		pkeys[i] = le16_to_cpu(resp->pkeys[i]);
	port->pkeys = pkeys;
out_put_req:
	virtio_hyv_reqq_put_req(req);
	return ret;
}

/* Reads what a port is (types, table lengths), then its tables. */
static int virtio_hyv_port_read(struct virtio_hyv_ibdev *vibdev, u32 port_num)
{
	struct virtio_hyv_port *port = &vibdev->ports[port_num - 1];
	struct virtio_hyv_port_attr wire;
	u32 gid_tbl_len;
	u16 pkey_tbl_len;
	int ret;

	ret = virtio_hyv_port_attr_read(vibdev, port_num, &wire);
	if (ret)
		return ret;
	gid_tbl_len = le32_to_cpu(wire.gid_tbl_len);
	pkey_tbl_len = le16_to_cpu(wire.pkey_tbl_len);
	if (wire.link_layer > IB_LINK_LAYER_ETHERNET ||
	    gid_tbl_len > VIRTIO_HYV_MAX_GID_TBL_LEN ||
	    pkey_tbl_len > VIRTIO_HYV_MAX_PKEYS) {
		dev_err(&vibdev->hyv->vdev->dev,
			"device %u port %u: link layer %u, %u GIDs, %u P_Keys\n",
			vibdev->dev_id, port_num, wire.link_layer, gid_tbl_len,
			pkey_tbl_len);
		return -EPROTO;
	}
	port->link_layer = wire.link_layer;
	port->grh_required = wire.flags & IB_UVERBS_QPF_GRH_REQUIRED;
	port->gid_tbl_len = gid_tbl_len;
	port->pkey_tbl_len = pkey_tbl_len;

	ret = virtio_hyv_gid_table_read(vibdev, port_num);
	if (ret)
		return ret;
	return virtio_hyv_pkey_table_read(vibdev, port_num);
}

/**
 * virtio_hyv_query_ports() - read every port of a host device
 * @vibdev: its guest device, not registered yet, with its port count
 *
 * On failure, the tables read so far stay for virtio_hyv_ports_free().
 *
 * Return: 0, a request error, or -EPROTO for an answer that is not valid.
 */
int virtio_hyv_query_ports(struct virtio_hyv_ibdev *vibdev)
{
	u32 port_num;
	int ret;

	rdma_for_each_port(&vibdev->ibdev, port_num) {
		ret = virtio_hyv_port_read(vibdev, port_num);
		if (ret)
			return ret;
	}
	return 0;
}

void virtio_hyv_ports_free(struct virtio_hyv_ibdev *vibdev)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vibdev->ports); i++) {
		kfree(vibdev->ports[i].pkeys);
		kfree(vibdev->ports[i].gids);
	}
}

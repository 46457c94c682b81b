// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv test hook: /sys/kernel/debug/virtio_hyv/<virtio dev>/inject
 * sends well-formed and deliberately malformed requests so that tests can
 * check how the device side (vhost_hyv, hyvd) rejects them.  Writing a case
 * name sends that request and returns once the device completed it; reading
 * gives "<case> status=<n> used=<bytes>" for the last one, where status is
 * the device's status, or the driver's negative errno when the device wrote
 * no complete response header (-EIO).
 *
 * Built only with CONFIG_VIRTIO_HYV_TEST_HOOKS=y (see Kbuild), as the lab's
 * modules are; a product build has no injector and no debugfs directory.
 *
 * The cases, and what a conforming device answers ("the first device" is
 * the first host device the driver knows, "unknown" a dev_id it does not
 * know):
 *
 *   hello                         HELLO                             0
 *   unknown-opcode                opcode 0xffff                     95
 *   bad-version                   HELLO for major 99                93
 *   nonzero-reserved              HELLO, header reserved 1          22
 *   short-request                 4 bytes of HELLO                  22
 *   oversize-request              MAX_REQ_SIZE + 1 bytes            22
 *   too-many-descs                HELLO in 16 readable descriptors  22
 *   no-request                    no readable part                  22
 *   no-response                   no writable part                  used=0
 *   short-response                4 writable bytes                  used=0
 *   query-device-unknown-dev      QUERY_DEVICE, unknown             19
 *   query-port-unknown-dev        QUERY_PORT port 1, unknown        19
 *   query-port-bad-port           QUERY_PORT port 9, first device   22
 *   query-port-short-request      QUERY_PORT without its port       22
 *   gid-table-unknown-dev         QUERY_GID_TABLE port 1, unknown   19
 *   pkey-table-bad-port           QUERY_PKEY_TABLE port 0, first    22
 *   create-context-unknown-dev    CREATE_CONTEXT, unknown           19
 *   create-context-bad-udata-len  CREATE_CONTEXT, first device,
 *                                 udata_len 8 with no udata         22
 *   destroy-context-unknown       DESTROY_CONTEXT of handle
 *                                 0xffffffff                        22
 *   verb-unknown-context          VERB ALLOC_PD of context
 *                                 0xffffffff                        22
 *   verb-bad-cmd-len              VERB ALLOC_PD, cmd_len 4          22
 *   verb-unknown-command          VERB POST_RECV (not served)       95
 *   verb-short-payload            VERB ALLOC_PD, cmd_len 8 with
 *                                 no command bytes                  22
 *   reg-mr-short-runs             REG_MR of 3 pages, one run of 1   22
 *   reg-mr-unaligned-gpa          REG_MR, run at GPA 0x800          22
 *   doorbell-unknown-context      DOORBELL of context 0xffffffff    22
 *
 * The VERB, REG_MR and DOORBELL cases name context 0xffffffff, which no
 * context of the VM has: a device checks a request's form first, so the
 * malformed ones fail for their form, and the others for the context.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <rdma/ib_user_verbs.h>

#include "virtio_hyv.h"

#define VIRTIO_HYV_INJECT_MAX_SGS	(VIRTIO_HYV_MAX_CHAIN_DESCS + 1)

/* Room for the request structure of every case, whatever it is cut to. */
#define VIRTIO_HYV_INJECT_FILL_MAX	64

enum virtio_hyv_inject_dev {
	VIRTIO_HYV_INJECT_DEV_FIRST,	/* the first host device */
	VIRTIO_HYV_INJECT_DEV_UNKNOWN,	/* a dev_id no host device has */
};

/*
 * A request built by fill() from the fields below, cut to req_len bytes
 * (zero-padded beyond the request structure) and split into req_sgs
 * scatterlists, followed by one resp_len-byte writable scatterlist.  A
 * length of 0 leaves that part out of the chain.
 */
struct virtio_hyv_inject_case {
	const char *name;
	void (*fill)(struct virtio_hyv *hyv,
		     const struct virtio_hyv_inject_case *c, void *buf);
	u16 opcode;
	u16 major;				/* HELLO */
	u32 hdr_reserved;			/* HELLO */
	enum virtio_hyv_inject_dev dev;		/* port requests, contexts */
	u32 port;				/* port requests */
	u32 udata_len;				/* CREATE_CONTEXT */
	u32 ctx_handle;				/* DESTROY_CONTEXT, VERB... */
	u32 command;				/* VERB */
	u32 cmd_len;				/* VERB */
	u64 gpa;				/* REG_MR: its one run */
	unsigned int req_len;
	unsigned int req_sgs;
	unsigned int resp_len;
};

static bool virtio_hyv_inject_dev_id_taken(struct virtio_hyv *hyv, u32 dev_id)
{
	unsigned int i;

	for (i = 0; i < hyv->num_host_devs; i++)
		if (hyv->host_devs[i].dev_id == dev_id)
			return true;
	return false;
}

/* Return: a dev_id of @c's kind; called with devs_lock held. */
static u32 virtio_hyv_inject_dev_id(struct virtio_hyv *hyv,
				    const struct virtio_hyv_inject_case *c)
{
	u32 dev_id = U32_MAX;

	if (c->dev == VIRTIO_HYV_INJECT_DEV_FIRST)
		return hyv->num_host_devs ? hyv->host_devs[0].dev_id : 0;
	/* Ends: at most VIRTIO_HYV_MAX_DEVICES ids are taken. */
	while (virtio_hyv_inject_dev_id_taken(hyv, dev_id))
		dev_id--;
	return dev_id;
}

static void virtio_hyv_inject_hello(struct virtio_hyv *hyv,
				    const struct virtio_hyv_inject_case *c,
				    void *buf)
{
	struct virtio_hyv_hello_req *hello = buf;

	virtio_hyv_hello_fill(hello, c->major);
	hello->hdr.opcode = cpu_to_le16(c->opcode);
	hello->hdr.reserved = cpu_to_le32(c->hdr_reserved);
}

static void virtio_hyv_inject_port(struct virtio_hyv *hyv,
				   const struct virtio_hyv_inject_case *c,
				   void *buf)
{
	virtio_hyv_port_req_fill(buf, c->opcode,
				 virtio_hyv_inject_dev_id(hyv, c), c->port);
}

static void virtio_hyv_inject_create_context(struct virtio_hyv *hyv,
					     const struct virtio_hyv_inject_case *c,
					     void *buf)
{
	virtio_hyv_create_context_fill(buf, virtio_hyv_inject_dev_id(hyv, c),
				       c->udata_len, 0);
}

static void virtio_hyv_inject_destroy_context(struct virtio_hyv *hyv,
					      const struct virtio_hyv_inject_case *c,
					      void *buf)
{
	virtio_hyv_destroy_context_fill(buf, c->ctx_handle);
}

static void virtio_hyv_inject_verb(struct virtio_hyv *hyv,
				   const struct virtio_hyv_inject_case *c,
				   void *buf)
{
	virtio_hyv_verb_req_fill(buf, c->ctx_handle, c->command, c->cmd_len,
				 0, 0);
}

/* Three pages at iova 0x10000, of which the one run names one. */
static void virtio_hyv_inject_reg_mr(struct virtio_hyv *hyv,
				     const struct virtio_hyv_inject_case *c,
				     void *buf)
{
	struct virtio_hyv_reg_mr_req *rreq = buf;
	struct virtio_hyv_page_run *run = (void *)rreq->payload;

	rreq->hdr.opcode = cpu_to_le16(VIRTIO_HYV_OP_REG_MR);
	rreq->ctx_handle = cpu_to_le32(c->ctx_handle);
	rreq->iova = cpu_to_le64(0x10000);
	rreq->length = cpu_to_le64(3 * VIRTIO_HYV_PAGE_SIZE);
	rreq->num_runs = cpu_to_le32(1);
	run->gpa = cpu_to_le64(c->gpa);
	run->num_pages = cpu_to_le64(1);
}

static void virtio_hyv_inject_doorbell(struct virtio_hyv *hyv,
				       const struct virtio_hyv_inject_case *c,
				       void *buf)
{
	virtio_hyv_doorbell_fill(buf, c->ctx_handle, 0);
}

#define HELLO_REQ_LEN	sizeof(struct virtio_hyv_hello_req)
#define VERB_REQ_LEN	sizeof(struct virtio_hyv_verb_req)
#define REG_MR_REQ_LEN	(sizeof(struct virtio_hyv_reg_mr_req) +		\
			 sizeof(struct virtio_hyv_page_run))
#define PORT_REQ_LEN	sizeof(struct virtio_hyv_port_req)

#define HELLO_CASE(_name, _opcode, _major, _reserved, _req_len, _req_sgs, \
		   _resp_len)						\
	{ .name = _name, .fill = virtio_hyv_inject_hello,		\
	  .opcode = _opcode, .major = _major, .hdr_reserved = _reserved, \
	  .req_len = _req_len, .req_sgs = _req_sgs, .resp_len = _resp_len }

#define PORT_CASE(_name, _opcode, _dev, _port, _req_len)		\
	{ .name = _name, .fill = virtio_hyv_inject_port,		\
	  .opcode = _opcode, .dev = VIRTIO_HYV_INJECT_DEV_##_dev,	\
	  .port = _port, .req_len = _req_len, .req_sgs = 1,		\
	  .resp_len = VIRTIO_HYV_MAX_RESP_SIZE }

/* A VERB of context 0xffffffff with cmd_len, cut after payload bytes. */
#define VERB_CASE(_name, _command, _cmd_len, _payload)			\
	{ .name = _name, .fill = virtio_hyv_inject_verb,		\
	  .ctx_handle = U32_MAX, .command = _command, .cmd_len = _cmd_len, \
	  .req_len = VERB_REQ_LEN + (_payload), .req_sgs = 1,		\
	  .resp_len = VIRTIO_HYV_MAX_RESP_SIZE }

static const struct virtio_hyv_inject_case virtio_hyv_inject_cases[] = {
	HELLO_CASE("hello", VIRTIO_HYV_OP_HELLO, VIRTIO_HYV_VERSION_MAJOR, 0,
		   HELLO_REQ_LEN, 1, VIRTIO_HYV_HELLO_RESP_MAX),
	HELLO_CASE("unknown-opcode", 0xffff, VIRTIO_HYV_VERSION_MAJOR, 0,
		   HELLO_REQ_LEN, 1, VIRTIO_HYV_HELLO_RESP_MAX),
	HELLO_CASE("bad-version", VIRTIO_HYV_OP_HELLO, 99, 0,
		   HELLO_REQ_LEN, 1, VIRTIO_HYV_HELLO_RESP_MAX),
	HELLO_CASE("nonzero-reserved", VIRTIO_HYV_OP_HELLO,
		   VIRTIO_HYV_VERSION_MAJOR, 1,
		   HELLO_REQ_LEN, 1, VIRTIO_HYV_HELLO_RESP_MAX),
	HELLO_CASE("short-request", VIRTIO_HYV_OP_HELLO,
		   VIRTIO_HYV_VERSION_MAJOR, 0,
		   4, 1, VIRTIO_HYV_HELLO_RESP_MAX),
	HELLO_CASE("oversize-request", VIRTIO_HYV_OP_HELLO,
		   VIRTIO_HYV_VERSION_MAJOR, 0,
		   VIRTIO_HYV_MAX_REQ_SIZE + 1, 1, VIRTIO_HYV_HELLO_RESP_MAX),
	/* One byte per sg: MAX_CHAIN_DESCS readable + 1 writable. */
	HELLO_CASE("too-many-descs", VIRTIO_HYV_OP_HELLO,
		   VIRTIO_HYV_VERSION_MAJOR, 0,
		   HELLO_REQ_LEN, VIRTIO_HYV_MAX_CHAIN_DESCS,
		   VIRTIO_HYV_HELLO_RESP_MAX),
	HELLO_CASE("no-request", 0, 0, 0, 0, 0, VIRTIO_HYV_HELLO_RESP_MAX),
	HELLO_CASE("no-response", VIRTIO_HYV_OP_HELLO,
		   VIRTIO_HYV_VERSION_MAJOR, 0, HELLO_REQ_LEN, 1, 0),
	HELLO_CASE("short-response", VIRTIO_HYV_OP_HELLO,
		   VIRTIO_HYV_VERSION_MAJOR, 0, HELLO_REQ_LEN, 1, 4),
	PORT_CASE("query-device-unknown-dev", VIRTIO_HYV_OP_QUERY_DEVICE,
		  UNKNOWN, 0, PORT_REQ_LEN),
	PORT_CASE("query-port-unknown-dev", VIRTIO_HYV_OP_QUERY_PORT,
		  UNKNOWN, 1, PORT_REQ_LEN),
	PORT_CASE("query-port-bad-port", VIRTIO_HYV_OP_QUERY_PORT,
		  FIRST, VIRTIO_HYV_MAX_PORTS + 1, PORT_REQ_LEN),
	PORT_CASE("query-port-short-request", VIRTIO_HYV_OP_QUERY_PORT,
		  FIRST, 1, PORT_REQ_LEN - sizeof(__le32)),
	PORT_CASE("gid-table-unknown-dev", VIRTIO_HYV_OP_QUERY_GID_TABLE,
		  UNKNOWN, 1, PORT_REQ_LEN),
	PORT_CASE("pkey-table-bad-port", VIRTIO_HYV_OP_QUERY_PKEY_TABLE,
		  FIRST, 0, PORT_REQ_LEN),
	{ .name = "create-context-unknown-dev",
	  .fill = virtio_hyv_inject_create_context,
	  .dev = VIRTIO_HYV_INJECT_DEV_UNKNOWN,
	  .req_len = sizeof(struct virtio_hyv_create_context_req),
	  .req_sgs = 1, .resp_len = VIRTIO_HYV_MAX_RESP_SIZE },
	{ .name = "create-context-bad-udata-len",
	  .fill = virtio_hyv_inject_create_context,
	  .dev = VIRTIO_HYV_INJECT_DEV_FIRST, .udata_len = 8,
	  .req_len = sizeof(struct virtio_hyv_create_context_req),
	  .req_sgs = 1, .resp_len = VIRTIO_HYV_MAX_RESP_SIZE },
	{ .name = "destroy-context-unknown",
	  .fill = virtio_hyv_inject_destroy_context,
	  .ctx_handle = U32_MAX,
	  .req_len = sizeof(struct virtio_hyv_destroy_context_req),
	  .req_sgs = 1, .resp_len = VIRTIO_HYV_MAX_RESP_SIZE },
	VERB_CASE("verb-unknown-context", IB_USER_VERBS_CMD_ALLOC_PD,
		  sizeof(struct ib_uverbs_alloc_pd),
		  sizeof(struct ib_uverbs_alloc_pd)),
	VERB_CASE("verb-bad-cmd-len", IB_USER_VERBS_CMD_ALLOC_PD, 4, 4),
	VERB_CASE("verb-unknown-command", IB_USER_VERBS_CMD_POST_RECV, 0, 0),
	VERB_CASE("verb-short-payload", IB_USER_VERBS_CMD_ALLOC_PD,
		  sizeof(struct ib_uverbs_alloc_pd), 0),
	{ .name = "reg-mr-short-runs", .fill = virtio_hyv_inject_reg_mr,
	  .ctx_handle = U32_MAX, .gpa = 0x100000,
	  .req_len = REG_MR_REQ_LEN, .req_sgs = 1,
	  .resp_len = VIRTIO_HYV_MAX_RESP_SIZE },
	{ .name = "reg-mr-unaligned-gpa", .fill = virtio_hyv_inject_reg_mr,
	  .ctx_handle = U32_MAX, .gpa = 0x800,
	  .req_len = REG_MR_REQ_LEN, .req_sgs = 1,
	  .resp_len = VIRTIO_HYV_MAX_RESP_SIZE },
	{ .name = "doorbell-unknown-context",
	  .fill = virtio_hyv_inject_doorbell, .ctx_handle = U32_MAX,
	  .req_len = sizeof(struct virtio_hyv_doorbell_req), .req_sgs = 1,
	  .resp_len = VIRTIO_HYV_MAX_RESP_SIZE },
};

static struct dentry *virtio_hyv_inject_root;

static const struct virtio_hyv_inject_case *
virtio_hyv_inject_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(virtio_hyv_inject_cases); i++)
		if (!strcmp(virtio_hyv_inject_cases[i].name, name))
			return &virtio_hyv_inject_cases[i];
	return NULL;
}

/* Builds the request of @c into @buf, VIRTIO_HYV_INJECT_FILL_MAX bytes. */
static int virtio_hyv_inject_fill(struct virtio_hyv *hyv,
				  const struct virtio_hyv_inject_case *c,
				  void *buf)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct virtio_hyv_hello_req) >
		     VIRTIO_HYV_INJECT_FILL_MAX);
	BUILD_BUG_ON(sizeof(struct virtio_hyv_port_req) >
		     VIRTIO_HYV_INJECT_FILL_MAX);
	BUILD_BUG_ON(sizeof(struct virtio_hyv_create_context_req) >
		     VIRTIO_HYV_INJECT_FILL_MAX);
	BUILD_BUG_ON(sizeof(struct virtio_hyv_destroy_context_req) >
		     VIRTIO_HYV_INJECT_FILL_MAX);
	BUILD_BUG_ON(VERB_REQ_LEN + sizeof(struct ib_uverbs_alloc_pd) >
		     VIRTIO_HYV_INJECT_FILL_MAX);
	BUILD_BUG_ON(REG_MR_REQ_LEN > VIRTIO_HYV_INJECT_FILL_MAX);
	BUILD_BUG_ON(sizeof(struct virtio_hyv_doorbell_req) >
		     VIRTIO_HYV_INJECT_FILL_MAX);

	/* For the dev_id of a host device. */
	ret = mutex_lock_killable(&hyv->devs_lock);
	if (ret)
		return ret;
	c->fill(hyv, c, buf);
	mutex_unlock(&hyv->devs_lock);
	return 0;
}

/*
 * Sends the chain of @c.  On success *status is the response status, or
 * -EIO when the device wrote less than a response header.
 */
static int virtio_hyv_inject_send(struct virtio_hyv *hyv,
				  const struct virtio_hyv_inject_case *c,
				  int *status, unsigned int *used)
{
	struct scatterlist sg[VIRTIO_HYV_INJECT_MAX_SGS];
	struct scatterlist *sgs[VIRTIO_HYV_INJECT_MAX_SGS];
	const struct virtio_hyv_resp_hdr *resp;
	unsigned int num_out = 0, num_in = 0;
	unsigned int piece, offset, i;
	struct virtio_hyv_req *req;
	int ret;

	BUILD_BUG_ON(HELLO_REQ_LEN < VIRTIO_HYV_MAX_CHAIN_DESCS);

	req = virtio_hyv_reqq_alloc_req(max_t(unsigned int, c->req_len,
					      VIRTIO_HYV_INJECT_FILL_MAX),
				   c->resp_len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (c->req_len) {
		ret = virtio_hyv_inject_fill(hyv, c, req->req_buf);
		if (ret)
			goto out_put;
		piece = c->req_len / c->req_sgs;
		for (i = 0, offset = 0; i < c->req_sgs; i++, offset += piece) {
			/* The last piece takes the remainder. */
			if (i == c->req_sgs - 1)
				piece = c->req_len - offset;
			sg_init_one(&sg[num_out], req->req_buf + offset, piece);
			sgs[num_out] = &sg[num_out];
			num_out++;
		}
	}
	if (c->resp_len) {
		sg_init_one(&sg[num_out], req->resp_buf, c->resp_len);
		sgs[num_out] = &sg[num_out];
		num_in++;
	}

	/* No timeout: tests stop hyvd to hold requests; they can kill us. */
	ret = virtio_hyv_reqq_exec_sgs(hyv, &hyv->ctrlq, req, sgs, num_out,
				       num_in, MAX_SCHEDULE_TIMEOUT);
	if (ret)
		goto out_put;

	*used = req->used_len;
	resp = req->resp_buf;
	if (req->used_len >= sizeof(*resp) && req->used_len <= c->resp_len)
		*status = le32_to_cpu(resp->status);
	else
		*status = -EIO;
out_put:
	virtio_hyv_reqq_put_req(req);
	return ret;
}

static ssize_t virtio_hyv_inject_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct virtio_hyv *hyv = file->private_data;
	struct virtio_hyv_inject *inject = &hyv->inject;
	const struct virtio_hyv_inject_case *c;
	unsigned int used;
	char name[32];
	int status;
	int ret;

	if (count >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, count))
		return -EFAULT;
	name[count] = '\0';
	c = virtio_hyv_inject_lookup(strim(name));
	if (!c)
		return -EINVAL;

	ret = mutex_lock_killable(&inject->lock);
	if (ret)
		return ret;
	ret = virtio_hyv_inject_send(hyv, c, &status, &used);
	if (!ret) {
		inject->last_case = c->name;
		inject->last_status = status;
		inject->last_used = used;
	}
	mutex_unlock(&inject->lock);

	dev_dbg(&hyv->vdev->dev, "inject %s: %d\n", c->name, ret);
	return ret ? ret : count;
}

static ssize_t virtio_hyv_inject_read(struct file *file, char __user *ubuf,
				      size_t count, loff_t *ppos)
{
	struct virtio_hyv *hyv = file->private_data;
	struct virtio_hyv_inject *inject = &hyv->inject;
	char line[64];
	int len = 0;
	int ret;

	ret = mutex_lock_killable(&inject->lock);
	if (ret)
		return ret;
	if (inject->last_case)
		len = scnprintf(line, sizeof(line), "%s status=%d used=%u\n",
				inject->last_case, inject->last_status,
				inject->last_used);
	mutex_unlock(&inject->lock);

	return simple_read_from_buffer(ubuf, count, ppos, line, len);
}

static const struct file_operations virtio_hyv_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = virtio_hyv_inject_read,
	.write = virtio_hyv_inject_write,
	.llseek = default_llseek,
};

void virtio_hyv_inject_add(struct virtio_hyv *hyv)
{
	struct virtio_hyv_inject *inject = &hyv->inject;

	mutex_init(&inject->lock);
	inject->dir = debugfs_create_dir(dev_name(&hyv->vdev->dev),
					 virtio_hyv_inject_root);
	debugfs_create_file("inject", 0600, inject->dir, hyv,
			    &virtio_hyv_inject_fops);
}

/* Waits for running injections; call once the requests have been failed. */
void virtio_hyv_inject_remove(struct virtio_hyv *hyv)
{
	debugfs_remove(hyv->inject.dir);
	mutex_destroy(&hyv->inject.lock);
}

void virtio_hyv_inject_init(void)
{
	virtio_hyv_inject_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

void virtio_hyv_inject_exit(void)
{
	debugfs_remove(virtio_hyv_inject_root);
}

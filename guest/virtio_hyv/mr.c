// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv memory regions: the guest pins the pages (ib_umem_get; the
 * guest device has no DMA device, so the umem's scatterlist names plain
 * pages) and sends them as runs of guest-physical pages with REG_MR.  The
 * host registers them at the guest's iova, so that work requests carry
 * guest addresses unchanged.  The pages stay pinned until DEREG_MR.
 *
 * A region whose runs do not fit one request (VIRTIO_HYV_MAX_REQ_SIZE)
 * fails with -E2BIG: the guest's memory is too fragmented for it.
 */
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <rdma/ib_umem.h>
#include <rdma/ib_user_verbs.h>

#include "virtio_hyv.h"

/*
 * Fills @runs (NULL: counts only) with the pages of @umem, contiguous
 * pages merged.  Return: the number of runs.
 */
static unsigned int virtio_hyv_umem_runs(struct ib_umem *umem,
					 struct virtio_hyv_page_run *runs)
{
	phys_addr_t next = 0, gpa;
	struct scatterlist *sg;
	unsigned int n = 0, i;
	u64 pages = 0;

	for_each_sgtable_sg(&umem->sgt_append.sgt, sg, i) {
		gpa = page_to_phys(sg_page(sg)) + sg->offset;
		if (n && gpa == next) {
			pages += sg->length >> PAGE_SHIFT;
		} else {
			if (n && runs)
				runs[n - 1].num_pages = cpu_to_le64(pages);
			if (runs)
				runs[n].gpa = cpu_to_le64(gpa);
			pages = sg->length >> PAGE_SHIFT;
			n++;
		}
		next = gpa + sg->length;
	}
	if (n && runs)
		runs[n - 1].num_pages = cpu_to_le64(pages);
	return n;
}

static void virtio_hyv_reg_mr_fill(struct virtio_hyv_reg_mr_req *rreq,
				   u32 ctx_handle, u32 pd_handle, u64 iova,
				   u64 length, int access, u32 num_runs,
				   u32 udata_len, u32 resp_udata_max)
{
	memset(rreq, 0, sizeof(*rreq));
	rreq->hdr.opcode = cpu_to_le16(VIRTIO_HYV_OP_REG_MR);
	rreq->ctx_handle = cpu_to_le32(ctx_handle);
	rreq->pd_handle = cpu_to_le32(pd_handle);
	rreq->iova = cpu_to_le64(iova);
	rreq->length = cpu_to_le64(length);
	rreq->access_flags = cpu_to_le32(access);
	rreq->num_runs = cpu_to_le32(num_runs);
	rreq->udata_len = cpu_to_le32(udata_len);
	rreq->resp_udata_max = cpu_to_le32(resp_udata_max);
}

/*
 * The host's MR only: its guest side is not set up or is going.
 * Return: 0 once the host no longer uses the pages: it deregistered the
 * MR, or it dropped every context already.  Otherwise the host may still
 * use them, whatever the reason: no answer, a failed deregistration, or a
 * request that never left the guest.
 */
static int virtio_hyv_mr_dereg_host(struct virtio_hyv_ibdev *vibdev,
				    u32 ctx_handle, u32 mr_handle)
{
	struct ib_uverbs_dereg_mr cmd = { .mr_handle = mr_handle };
	struct virtio_hyv_verb verb = {
		.command = IB_USER_VERBS_CMD_DEREG_MR,
		.cmd = &cmd, .cmd_len = sizeof(cmd),
		.teardown = true,
	};

	if (virtio_hyv_ibdev_host_gone(vibdev))
		return 0;
	return virtio_hyv_verb(vibdev, ctx_handle, &verb);
}

/*
 * Sends REG_MR for @mr and reads the answer into it.  On failure,
 * *@host_holds_pages says whether the host may have registered the pages
 * all the same: no answer, an answer that is not valid, or an MR that
 * could not be deregistered again.
 */
static int virtio_hyv_reg_mr(struct virtio_hyv_ibdev *vibdev,
			     struct virtio_hyv_mr *mr, u32 pd_handle,
			     u64 iova, u64 length, int access,
			     struct ib_udata *udata, bool *host_holds_pages)
{
	struct virtio_hyv_reg_mr_resp *rresp;
	struct virtio_hyv_reg_mr_req *rreq;
	size_t runs_len, resp_udata_max, udata_len;
	struct virtio_hyv_req *req;
	unsigned int num_runs;
	int ret;

	num_runs = virtio_hyv_umem_runs(mr->umem, NULL);
	runs_len = num_runs * sizeof(struct virtio_hyv_page_run);
	if (udata->inlen > VIRTIO_HYV_MAX_REQ_SIZE - sizeof(*rreq) ||
	    runs_len > VIRTIO_HYV_MAX_REQ_SIZE - sizeof(*rreq) - udata->inlen)
		return -E2BIG;
	resp_udata_max = min_t(size_t, udata->outlen,
			       VIRTIO_HYV_MAX_RESP_SIZE - sizeof(*rresp));

	req = virtio_hyv_reqq_alloc_req(sizeof(*rreq) + runs_len + udata->inlen,
					sizeof(*rresp) + resp_udata_max,
					GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	rreq = req->req_buf;
	virtio_hyv_reg_mr_fill(rreq, mr->ctx_handle, pd_handle, iova, length,
			       access, num_runs, udata->inlen, resp_udata_max);
	virtio_hyv_umem_runs(mr->umem, (void *)rreq->payload);
	ret = ib_copy_from_udata(rreq->payload + runs_len, udata, udata->inlen);
	if (ret)
		goto out_put;

	ret = virtio_hyv_reqq_exec_ctrlq(vibdev->hyv, req,
					 VIRTIO_HYV_REQ_TIMEOUT);
	if (ret) {
		*host_holds_pages = ret == -ETIMEDOUT || ret == -EINTR;
		goto out_put;
	}
	rresp = req->resp_buf;
	udata_len = req->used_len < sizeof(*rresp) ? 0 :
		    le32_to_cpu(READ_ONCE(rresp->udata_len));
	if (req->used_len < sizeof(*rresp) || udata_len > resp_udata_max ||
	    req->used_len < sizeof(*rresp) + udata_len) {
		ibdev_dbg(&vibdev->ibdev, "REG_MR: bad answer of %u bytes\n",
			  req->used_len);
		/* Without a valid answer there is no handle to release. */
		*host_holds_pages = true;
		ret = -EPROTO;
		goto out_put;
	}
	mr->handle = le32_to_cpu(rresp->mr_handle);
	mr->ibmr.lkey = le32_to_cpu(rresp->lkey);
	mr->ibmr.rkey = le32_to_cpu(rresp->rkey);
	ret = ib_copy_to_udata(udata, rresp->udata, udata_len);
	if (ret && virtio_hyv_mr_dereg_host(vibdev, mr->ctx_handle,
					    mr->handle))
		*host_holds_pages = true;
out_put:
	virtio_hyv_reqq_put_req(req);
	return ret;
}

struct ib_mr *virtio_hyv_ib_reg_user_mr(struct ib_pd *ibpd, u64 start,
					u64 length, u64 virt_addr, int access,
					struct ib_udata *udata)
{
	struct virtio_hyv_ibdev *vibdev = to_virtio_hyv_ibdev(ibpd->device);
	bool host_holds_pages = false;
	struct virtio_hyv_mr *mr;
	int ret;

	/* Runs are of the guest's pages, the wire's are 4096 bytes. */
	BUILD_BUG_ON(PAGE_SIZE != VIRTIO_HYV_PAGE_SIZE);

	if (!udata)
		return ERR_PTR(-EOPNOTSUPP);
	if (access & IB_ACCESS_ON_DEMAND)
		return ERR_PTR(-EOPNOTSUPP);
	/* The pages back iova's range only with the same in-page offset. */
	if ((start ^ virt_addr) & ~PAGE_MASK)
		return ERR_PTR(-EINVAL);

	mr = kzalloc(sizeof(*mr), GFP_KERNEL);
	if (!mr)
		return ERR_PTR(-ENOMEM);
	mr->ctx_handle = udata_to_virtio_hyv_ucontext(udata)->ctx_handle;
	mr->umem = ib_umem_get(ibpd->device, start, length, access);
	if (IS_ERR(mr->umem)) {
		ret = PTR_ERR(mr->umem);
		goto err_free_mr;
	}
	ret = virtio_hyv_reg_mr(vibdev, mr, to_virtio_hyv_pd(ibpd)->handle,
				virt_addr, length, access, udata,
				&host_holds_pages);
	if (host_holds_pages) {
		/* Leaked pinned rather than handed to a host still using them. */
		ibdev_warn(ibpd->device,
			   "REG_MR failed (%d) and the host may hold the pages: they stay pinned\n",
			   ret);
		kfree(mr);
		return ERR_PTR(ret);
	}
	if (ret)
		goto err_release_umem;
	return &mr->ibmr;

err_release_umem:
	ib_umem_release(mr->umem);
err_free_mr:
	kfree(mr);
	return ERR_PTR(ret);
}

/*
 * The guest's side goes whatever the host answers.  The pages go back to
 * the guest's allocator only once the host is done with them; a host that
 * did not deregister the MR may still write them, so they stay pinned
 * (leaked) instead.
 */
int virtio_hyv_ib_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata)
{
	struct virtio_hyv_mr *mr = to_virtio_hyv_mr(ibmr);
	int ret;

	ret = virtio_hyv_mr_dereg_host(to_virtio_hyv_ibdev(ibmr->device),
				       mr->ctx_handle, mr->handle);
	if (ret)
		ibdev_warn(ibmr->device,
			   "MR %u: DEREG_MR failed (%d), its pages stay pinned\n",
			   mr->handle, ret);
	else
		ib_umem_release(mr->umem);
	kfree(mr);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hyv queue memory: the host queues of a CQ, QP or SRQ live in
 * pages of the host driver that the device placed in shared-memory region
 * 0.  The provider mmap()s each at the offset the host driver gave it (in
 * the driver data, passed through unchanged), so the entry of a queue sits
 * at exactly that offset of the context's mmap space, and mapping it maps
 * its part of the region: the process then shares the very pages the host
 * driver reads and writes.
 *
 * An entry is removed when its object is destroyed (or its queue replaced
 * by a resize); mappings made before stay valid until unmapped, as with
 * every driver using rdma_user_mmap entries.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "virtio_hyv.h"

struct virtio_hyv_mmap_entry {
	struct rdma_user_mmap_entry rdma_entry;
	u64 shm_offset;
};

static struct virtio_hyv_mmap_entry *
to_virtio_hyv_mmap_entry(struct rdma_user_mmap_entry *rdma_entry)
{
	return container_of(rdma_entry, struct virtio_hyv_mmap_entry,
			    rdma_entry);
}

/* A queue map the device answered: aligned, inside the region. */
static bool virtio_hyv_map_valid(struct virtio_hyv *hyv, u64 mmap_offset,
				 u64 shm_offset, u64 length)
{
	return length && PAGE_ALIGNED(length) && PAGE_ALIGNED(mmap_offset) &&
	       PAGE_ALIGNED(shm_offset) &&
	       (mmap_offset >> PAGE_SHIFT) <= U32_MAX &&
	       ((mmap_offset + length - 1) >> PAGE_SHIFT) <= U32_MAX &&
	       length <= hyv->shm_len && shm_offset <= hyv->shm_len - length;
}

static int virtio_hyv_map_insert(struct virtio_hyv_ucontext *uctx,
				 const struct virtio_hyv_queue_map *map,
				 struct rdma_user_mmap_entry **out)
{
	struct virtio_hyv *hyv = to_virtio_hyv_ibdev(uctx->ibuctx.device)->hyv;
	u64 mmap_offset = le64_to_cpu(map->mmap_offset);
	u64 shm_offset = le64_to_cpu(map->shm_offset);
	u64 length = le64_to_cpu(map->length);
	struct virtio_hyv_mmap_entry *entry;
	u32 pgoff;
	int ret;

	if (!virtio_hyv_map_valid(hyv, mmap_offset, shm_offset, length)) {
		ibdev_dbg(uctx->ibuctx.device,
			  "bad queue map %#llx -> %#llx + %#llx\n",
			  mmap_offset, shm_offset, length);
		return -EPROTO;
	}
	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return -ENOMEM;
	entry->shm_offset = shm_offset;
	pgoff = mmap_offset >> PAGE_SHIFT;
	/* At exactly the host's offset, which the provider will map. */
	ret = rdma_user_mmap_entry_insert_range(&uctx->ibuctx,
						&entry->rdma_entry, length,
						pgoff, pgoff);
	if (ret) {
		kfree(entry);
		return ret;
	}
	*out = &entry->rdma_entry;
	return 0;
}

/**
 * virtio_hyv_maps_insert() - make the queues of a VERB answer mappable
 * @uctx: the context
 * @verb: the executed command
 * @maps: where the entries go; empty on failure
 *
 * Return: 0, -EPROTO for a map outside the region or at an offset in use,
 * -ENOMEM.
 */
int virtio_hyv_maps_insert(struct virtio_hyv_ucontext *uctx,
			   const struct virtio_hyv_verb *verb,
			   struct virtio_hyv_maps *maps)
{
	int ret;

	maps->num = 0;
	for (; maps->num < verb->num_maps; maps->num++) {
		ret = virtio_hyv_map_insert(uctx, &verb->maps[maps->num],
					    &maps->entries[maps->num]);
		if (ret == -ENOMEM)
			goto err_remove;
		if (ret) {
			ret = -EPROTO;
			goto err_remove;
		}
	}
	return 0;

err_remove:
	virtio_hyv_maps_remove(maps);
	return ret;
}

/* No new mappings of @maps; the entries go when the last one does. */
void virtio_hyv_maps_remove(struct virtio_hyv_maps *maps)
{
	while (maps->num)
		rdma_user_mmap_entry_remove(maps->entries[--maps->num]);
}

int virtio_hyv_ib_mmap(struct ib_ucontext *ibuctx, struct vm_area_struct *vma)
{
	struct virtio_hyv *hyv = to_virtio_hyv_ibdev(ibuctx->device)->hyv;
	struct rdma_user_mmap_entry *rdma_entry;
	struct virtio_hyv_mmap_entry *entry;
	int ret;

	/* Checks the offset, VM_SHARED and that the size is the entry's. */
	rdma_entry = rdma_user_mmap_entry_get(ibuctx, vma);
	if (!rdma_entry)
		return -EINVAL;
	entry = to_virtio_hyv_mmap_entry(rdma_entry);
	ret = rdma_user_mmap_io(ibuctx, vma,
				PHYS_PFN(hyv->shm_addr + entry->shm_offset),
				rdma_entry->npages << PAGE_SHIFT,
				vma->vm_page_prot, rdma_entry);
	rdma_user_mmap_entry_put(rdma_entry);
	return ret;
}

void virtio_hyv_ib_mmap_free(struct rdma_user_mmap_entry *rdma_entry)
{
	kfree(to_virtio_hyv_mmap_entry(rdma_entry));
}

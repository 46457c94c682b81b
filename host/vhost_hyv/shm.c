// SPDX-License-Identifier: GPL-2.0
/*
 * Shared-memory region 0 (queue memory): QEMU maps the vhost fd and hands
 * the mapping to the guest as BAR memory; the broker places pages of host
 * RDMA queues in it (VHOST_HYV_RELAY_SHM_MAP), so that the guest's provider
 * works on the very pages the host driver does.
 *
 * The mapping is VM_MIXEDMAP and filled by faults with vm_insert_page():
 * normal PTEs of struct pages, so that KVM can get_user_pages() them into
 * the guest.  Holes read as a scratch page of this device, never SIGBUS,
 * which would make KVM kill the VM.  Lifetimes and lock rules: vhost_hyv.h.
 */
#include <linux/idr.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vhost_hyv.h"
#include "mm_compat.h"
#include "trace.h"

/*
 * Each open device's region sits in its own slot of the device inode's
 * offset space, as large as the largest region, so that zapping one VM's
 * range cannot touch another VM's mapping of the shared inode.
 */
#define VHOST_HYV_SHM_SLOT_SHIFT	40
#define VHOST_HYV_SHM_MAX_SIZE		BIT_ULL(VHOST_HYV_SHM_SLOT_SHIFT)
#define VHOST_HYV_SHM_MAX_SLOT \
	((1 << (62 - VHOST_HYV_SHM_SLOT_SHIFT)) - 1)

static DEFINE_IDA(vhost_hyv_shm_slots);

void vhost_hyv_shm_init(struct vhost_hyv_shm *shm)
{
	mutex_init(&shm->lock);
	INIT_LIST_HEAD(&shm->maps);
	shm->slot = -1;
}

/* VHOST_HYV_SET_SHM: QEMU's, once per device. */
long vhost_hyv_shm_set(struct vhost_hyv_relay *relay, struct file *file,
		       struct vhost_hyv_shm_config __user *argp)
{
	struct vhost_hyv_shm *shm = &relay->shm;
	struct vhost_hyv_shm_config cfg;
	struct page *scratch;
	int slot;
	long err;

	if (copy_from_user(&cfg, argp, sizeof(cfg)))
		return -EFAULT;
	if (cfg.size < PAGE_SIZE || cfg.size > VHOST_HYV_SHM_MAX_SIZE ||
	    !is_power_of_2(cfg.size))
		return -EINVAL;

	scratch = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!scratch)
		return -ENOMEM;
	slot = ida_alloc_range(&vhost_hyv_shm_slots, 1, VHOST_HYV_SHM_MAX_SLOT,
			       GFP_KERNEL);
	if (slot < 0) {
		__free_page(scratch);
		return slot;
	}

	mutex_lock(&shm->lock);
	if (shm->slot >= 0) {
		err = -EBUSY;
	} else {
		shm->slot = slot;
		shm->scratch = scratch;
		shm->size = cfg.size;
		shm->mmap_offset = (u64)slot << VHOST_HYV_SHM_SLOT_SHIFT;
		shm->mapping = file->f_mapping;
		cfg.mmap_offset = shm->mmap_offset;
		err = 0;
	}
	mutex_unlock(&shm->lock);

	if (err) {
		ida_free(&vhost_hyv_shm_slots, slot);
		__free_page(scratch);
		return err;
	}
	return copy_to_user(argp, &cfg, sizeof(cfg)) ? -EFAULT : 0;
}

static struct vhost_hyv_shm_range *vhost_hyv_shm_find(struct vhost_hyv_shm *shm,
						      u64 offset)
{
	struct vhost_hyv_shm_range *map;

	lockdep_assert_held(&shm->lock);

	list_for_each_entry(map, &shm->maps, node) {
		if (offset < map->offset)
			break;
		if (offset < map->offset + ((u64)map->nr_pages << PAGE_SHIFT))
			return map;
	}
	return NULL;
}

static vm_fault_t vhost_hyv_shm_fault(struct vm_fault *vmf)
{
	struct vhost_hyv_relay *relay = vmf->vma->vm_private_data;
	struct vhost_hyv_shm *shm = &relay->shm;
	struct vhost_hyv_shm_range *map;
	vm_fault_t ret = VM_FAULT_NOPAGE;
	struct page *page;
	u64 offset;
	int err;

	mutex_lock(&shm->lock);
	offset = ((u64)vmf->pgoff << PAGE_SHIFT) - shm->mmap_offset;
	/* The mapping was exactly the region and cannot grow. */
	if (WARN_ON_ONCE(offset >= shm->size)) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	map = vhost_hyv_shm_find(shm, offset);
	page = map ? map->pages[(offset - map->offset) >> PAGE_SHIFT] :
		     shm->scratch;
	err = vm_insert_page(vmf->vma, vmf->address, page);
	if (err == -ENOMEM)
		ret = VM_FAULT_OOM;
	else if (err && err != -EBUSY)
		ret = VM_FAULT_SIGBUS;
out:
	mutex_unlock(&shm->lock);
	return ret;
}

static const struct vm_operations_struct vhost_hyv_shm_vm_ops = {
	.fault = vhost_hyv_shm_fault,
};

/* mmap() of the vhost fd: exactly the region, shared. */
int vhost_hyv_shm_mmap(struct vhost_hyv_relay *relay,
		       struct vm_area_struct *vma)
{
	struct vhost_hyv_shm *shm = &relay->shm;
	int err = 0;

	mutex_lock(&shm->lock);
	if (!shm->size)
		err = -ENXIO;
	else if (((u64)vma->vm_pgoff << PAGE_SHIFT) != shm->mmap_offset ||
		 vma->vm_end - vma->vm_start != shm->size ||
		 !(vma->vm_flags & VM_SHARED))
		err = -EINVAL;
	mutex_unlock(&shm->lock);
	if (err)
		return err;

	vhost_hyv_vm_flags_mod(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP,
			       0);
	vma->vm_private_data = relay;
	vma->vm_ops = &vhost_hyv_shm_vm_ops;
	return 0;
}

/*
 * First fit for @nr_pages in the region; the list is sorted by offset.
 * The gap may have been faulted in as scratch pages: zapped, so that the
 * next access faults the new pages in.
 */
static int vhost_hyv_shm_place(struct vhost_hyv_shm *shm,
			       struct vhost_hyv_shm_range *new)
{
	u64 len = (u64)new->nr_pages << PAGE_SHIFT;
	struct list_head *before = &shm->maps;
	struct vhost_hyv_shm_range *map;
	u64 start = 0;

	lockdep_assert_held(&shm->lock);

	list_for_each_entry(map, &shm->maps, node) {
		if (map->offset - start >= len) {
			before = &map->node;
			break;
		}
		start = map->offset + ((u64)map->nr_pages << PAGE_SHIFT);
	}
	if (before == &shm->maps && shm->size - start < len)
		return -ENOSPC;
	new->offset = start;
	list_add_tail(&new->node, before);
	shm->nr_maps++;
	shm->nr_pages += new->nr_pages;
	if (shm->mapping)
		unmap_mapping_range(shm->mapping, shm->mmap_offset + start,
				    len, 1);
	return 0;
}

static void vhost_hyv_shm_range_free(struct vhost_hyv_shm_range *map)
{
	unpin_user_pages(map->pages, map->nr_pages);
	kvfree(map->pages);
	kfree(map);
}

/*
 * Takes @map out of the region: the guest's view first (KVM's MMU
 * notifier follows QEMU's PTEs), so that nothing maps the pages when they
 * are unpinned.
 */
static void vhost_hyv_shm_remove_locked(struct vhost_hyv_relay *relay,
					struct vhost_hyv_shm_range *map)
{
	struct vhost_hyv_shm *shm = &relay->shm;

	lockdep_assert_held(&shm->lock);

	list_del(&map->node);
	shm->nr_maps--;
	shm->nr_pages -= map->nr_pages;
	if (shm->mapping)
		unmap_mapping_range(shm->mapping,
				    shm->mmap_offset + map->offset,
				    (u64)map->nr_pages << PAGE_SHIFT, 1);
	trace_vhost_hyv_shm_unmap(relay->owner_pid, map->offset,
				  map->nr_pages);
}

static int vhost_hyv_shm_unmap_offset(struct vhost_hyv_relay *relay, u64 offset)
{
	struct vhost_hyv_shm *shm = &relay->shm;
	struct vhost_hyv_shm_range *map;

	mutex_lock(&shm->lock);
	/* The region went with the device, and every map with it. */
	if (!shm->size) {
		mutex_unlock(&shm->lock);
		return -ENXIO;
	}
	map = vhost_hyv_shm_find(shm, offset);
	if (!map || map->offset != offset) {
		mutex_unlock(&shm->lock);
		return -ENOENT;
	}
	vhost_hyv_shm_remove_locked(relay, map);
	mutex_unlock(&shm->lock);

	vhost_hyv_shm_range_free(map);
	return 0;
}

/*
 * VHOST_HYV_RELAY_SHM_MAP: pins the broker's own pages (its mapping of a
 * host queue) and places them in the region.  Anonymous pages cannot be
 * inserted into another mapping: -EINVAL.
 */
long vhost_hyv_shm_map_ioctl(struct vhost_hyv_relay *relay,
			     struct vhost_hyv_shm_map __user *argp)
{
	struct vhost_hyv_shm *shm = &relay->shm;
	struct vhost_hyv_shm_map req;
	struct vhost_hyv_shm_range *map;
	unsigned long i, nr_pages;
	long pinned;
	u64 offset;
	int err;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!req.length || !PAGE_ALIGNED(req.uaddr) ||
	    !PAGE_ALIGNED(req.length) || req.length > VHOST_HYV_SHM_MAX_SIZE ||
	    req.uaddr + req.length < req.uaddr)
		return -EINVAL;

	map = kzalloc(sizeof(*map), GFP_KERNEL_ACCOUNT);
	if (!map)
		return -ENOMEM;
	map->nr_pages = req.length >> PAGE_SHIFT;
	map->pages = kvcalloc(map->nr_pages, sizeof(*map->pages),
			      GFP_KERNEL_ACCOUNT);
	if (!map->pages) {
		kfree(map);
		return -ENOMEM;
	}

	pinned = pin_user_pages_fast(req.uaddr, map->nr_pages,
				     FOLL_WRITE | FOLL_LONGTERM, map->pages);
	if (pinned != map->nr_pages) {
		if (pinned > 0)
			unpin_user_pages(map->pages, pinned);
		kvfree(map->pages);
		kfree(map);
		return pinned < 0 ? pinned : -EFAULT;
	}
	for (i = 0; i < map->nr_pages; i++) {
		if (PageAnon(map->pages[i])) {
			err = -EINVAL;
			goto err_free;
		}
	}

	/*
	 * Once placed, the map is the relay's: another thread of the broker
	 * may unmap and free it as soon as the lock is dropped.  Only what
	 * was read under the lock is used after it.
	 */
	nr_pages = map->nr_pages;
	mutex_lock(&shm->lock);
	err = shm->size ? vhost_hyv_shm_place(shm, map) : -ENXIO;
	offset = map->offset;
	mutex_unlock(&shm->lock);
	if (err)
		goto err_free;

	trace_vhost_hyv_shm_map(relay->owner_pid, offset, nr_pages);
	req.shm_offset = offset;
	if (copy_to_user(argp, &req, sizeof(req))) {
		/* The broker cannot learn the offset, so cannot unmap it. */
		vhost_hyv_shm_unmap_offset(relay, offset);
		return -EFAULT;
	}
	return 0;

err_free:
	vhost_hyv_shm_range_free(map);
	return err;
}

/* VHOST_HYV_RELAY_SHM_UNMAP: -ENOENT unless @offset starts a shm map. */
long vhost_hyv_shm_unmap_ioctl(struct vhost_hyv_relay *relay, u64 __user *argp)
{
	u64 offset;

	if (get_user(offset, argp))
		return -EFAULT;
	return vhost_hyv_shm_unmap_offset(relay, offset);
}

/* Removes every shm map; the region stays. */
void vhost_hyv_shm_unmap_all(struct vhost_hyv_relay *relay)
{
	struct vhost_hyv_shm *shm = &relay->shm;
	struct vhost_hyv_shm_range *map, *tmp;
	LIST_HEAD(removed);

	mutex_lock(&shm->lock);
	list_for_each_entry_safe(map, tmp, &shm->maps, node) {
		vhost_hyv_shm_remove_locked(relay, map);
		list_add_tail(&map->node, &removed);
	}
	mutex_unlock(&shm->lock);

	list_for_each_entry_safe(map, tmp, &removed, node)
		vhost_hyv_shm_range_free(map);
}

/*
 * The device is being released: no mapping of the region is left (each
 * held the file).  Every shm map goes, and with the region, for good:
 * later SHM_MAPs get -ENXIO.
 */
void vhost_hyv_shm_device_gone(struct vhost_hyv_relay *relay)
{
	struct vhost_hyv_shm *shm = &relay->shm;
	struct page *scratch;
	int slot;

	mutex_lock(&shm->lock);
	shm->mapping = NULL;
	mutex_unlock(&shm->lock);

	vhost_hyv_shm_unmap_all(relay);

	mutex_lock(&shm->lock);
	shm->size = 0;
	scratch = shm->scratch;
	shm->scratch = NULL;
	slot = shm->slot;
	mutex_unlock(&shm->lock);

	if (scratch)
		__free_page(scratch);
	if (slot >= 0)
		ida_free(&vhost_hyv_shm_slots, slot);
}

void vhost_hyv_shm_stats(struct vhost_hyv_relay *relay,
			 struct vhost_hyv_relay_stats *st)
{
	struct vhost_hyv_shm *shm = &relay->shm;

	mutex_lock(&shm->lock);
	st->shm_pages_mapped = shm->nr_pages;
	st->shm_maps = shm->nr_maps;
	mutex_unlock(&shm->lock);
}

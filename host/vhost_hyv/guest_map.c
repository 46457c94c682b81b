// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-memory windows (VHOST_HYV_RELAY_MAP_GUEST): the broker registers
 * guest memory with the host RDMA device by mapping a window of the relay
 * fd that holds exactly the guest's pages, in the guest's order, and
 * registering that mapping.
 *
 * The guest-physical pages are translated through the vhost memory table
 * QEMU gave the device and pinned in QEMU's mm; the window's mapping gets
 * normal PTEs of those pages (vm_insert_page(), VM_MIXEDMAP), which the
 * broker's REG_MR pins again.  Such pages must not be anonymous: guest
 * memory must be shared (memory-backend-memfd, share=on), else -EINVAL.
 * Lifetimes and lock rules: vhost_hyv.h.
 */
#include <linux/build_bug.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vhost_iotlb.h>

#include "vhost_hyv.h"
#include "mm_compat.h"
#include "trace.h"

/* Guest pages are the host's: one run page is one pinned page. */
static_assert(PAGE_SIZE == VIRTIO_HYV_PAGE_SIZE);

/*
 * Each window is a mapping in the broker and memory of ours: a guest that
 * registers memory without end must not exhaust either for the other VMs.
 */
static unsigned int max_guest_maps = 16384;
module_param(max_guest_maps, uint, 0644);
MODULE_PARM_DESC(max_guest_maps,
		 "Windows of guest memory one relay holds at once (default 16384)");

/*
 * Copies and checks the runs; returns the number of pages they name, or a
 * negative errno.
 */
static long vhost_hyv_runs_check(const struct virtio_hyv_page_run *runs,
				 u32 num_runs)
{
	u64 total = 0, gpa, n;
	u32 i;

	for (i = 0; i < num_runs; i++) {
		gpa = le64_to_cpu(runs[i].gpa);
		n = le64_to_cpu(runs[i].num_pages);
		if (!n || !PAGE_ALIGNED(gpa) ||
		    n > VHOST_HYV_MAX_GUEST_MAP_PAGES ||
		    gpa + (n << PAGE_SHIFT) < gpa)
			return -EINVAL;
		total += n;
		if (total > VHOST_HYV_MAX_GUEST_MAP_PAGES)
			return -E2BIG;
	}
	return total;
}

/*
 * Pins the pages of @runs into @pages.  A run may span several memory
 * table regions (adjacent guest-physical ranges QEMU registered
 * separately); it is pinned region by region.  Returns the number of pages
 * pinned, which the caller unpins; -EFAULT once a page is not covered.
 * Caller holds @mm's mmap_lock.
 */
static long vhost_hyv_pin_runs(struct vhost_iotlb *umem, struct mm_struct *mm,
			       const struct virtio_hyv_page_run *runs,
			       u32 num_runs, unsigned int gup_flags,
			       struct page **pages)
{
	const struct vhost_iotlb_map *map;
	unsigned long chunk, done = 0;
	u64 gpa, left, uaddr;
	long pinned;
	u32 i;

	for (i = 0; i < num_runs; i++) {
		gpa = le64_to_cpu(runs[i].gpa);
		left = le64_to_cpu(runs[i].num_pages);
		while (left) {
			map = vhost_iotlb_itree_first(umem, gpa,
						      gpa + PAGE_SIZE - 1);
			if (!map || map->start > gpa ||
			    map->last < gpa + PAGE_SIZE - 1)
				return done ? done : -EFAULT;
			chunk = min_t(u64, left,
				      (map->last - gpa + 1) >> PAGE_SHIFT);
			uaddr = map->addr + gpa - map->start;
			pinned = vhost_hyv_pin_user_pages_remote(mm, uaddr,
								 chunk,
								 gup_flags,
								 pages + done);
			if (pinned <= 0)
				return done ? done : (pinned ?: -EFAULT);
			done += pinned;
			if (pinned < chunk)
				return done;
			gpa += (u64)chunk << PAGE_SHIFT;
			left -= chunk;
		}
	}
	return done;
}

/* Translates and pins under the device's memory table. */
static int vhost_hyv_window_pin(struct vhost_hyv_relay *relay,
				struct vhost_hyv_window *win,
				const struct virtio_hyv_page_run *runs,
				u32 num_runs)
{
	unsigned int gup_flags = FOLL_LONGTERM;
	struct mm_struct *mm = NULL;
	struct vhost_dev *dev;
	unsigned long i;
	long pinned = -ENODEV;

	if (win->writable)
		gup_flags |= FOLL_WRITE;

	mutex_lock(&relay->dev_lock);
	dev = relay->dev;
	if (dev) {
		mutex_lock(&dev->mutex);
		if (dev->umem && dev->mm && mmget_not_zero(dev->mm))
			mm = dev->mm;
		else
			pinned = -EFAULT;
		if (mm) {
			mmap_read_lock(mm);
			pinned = vhost_hyv_pin_runs(dev->umem, mm, runs,
						    num_runs, gup_flags,
						    win->pages);
			mmap_read_unlock(mm);
		}
		mutex_unlock(&dev->mutex);
	}
	mutex_unlock(&relay->dev_lock);
	if (mm)
		mmput(mm);

	if (pinned < 0)
		return pinned;
	if (pinned != win->nr_pages)
		goto err_unpin;
	for (i = 0; i < win->nr_pages; i++)
		if (PageAnon(win->pages[i]))
			goto err_unpin;
	return 0;

err_unpin:
	unpin_user_pages(win->pages, pinned);
	return pinned != win->nr_pages ? -EFAULT : -EINVAL;
}

static void vhost_hyv_window_free(struct vhost_hyv_window *win)
{
	unpin_user_pages(win->pages, win->nr_pages);
	kvfree(win->pages);
	kfree(win);
}

static struct vhost_hyv_window *vhost_hyv_window_alloc(u64 nr_pages, u32 flags)
{
	struct vhost_hyv_window *win;

	win = kzalloc(sizeof(*win), GFP_KERNEL_ACCOUNT);
	if (!win)
		return NULL;
	win->nr_pages = nr_pages;
	win->writable = flags & VHOST_HYV_GUEST_MAP_WRITE;
	win->pages = kvcalloc(nr_pages, sizeof(*win->pages),
			      GFP_KERNEL_ACCOUNT);
	if (!win->pages) {
		kfree(win);
		return NULL;
	}
	return win;
}

static struct vhost_hyv_window *
vhost_hyv_window_find(struct vhost_hyv_relay *relay, u64 offset)
{
	struct vhost_hyv_window *win;

	lockdep_assert_held(&relay->map_lock);

	list_for_each_entry(win, &relay->windows, node)
		if (win->offset == offset)
			return win;
	return NULL;
}

/* Forgets the window at @offset; -ENOENT if there is none. */
static int vhost_hyv_guest_unmap_offset(struct vhost_hyv_relay *relay,
					u64 offset)
{
	struct vhost_hyv_window *win;

	mutex_lock(&relay->map_lock);
	win = vhost_hyv_window_find(relay, offset);
	if (win) {
		list_del(&win->node);
		relay->nr_windows--;
		relay->nr_window_pages -= win->nr_pages;
	}
	mutex_unlock(&relay->map_lock);
	if (!win)
		return -ENOENT;

	trace_vhost_hyv_guest_unmap(relay->owner_pid, win->offset,
				    win->nr_pages);
	vhost_hyv_window_free(win);
	return 0;
}

/* VHOST_HYV_RELAY_MAP_GUEST */
long vhost_hyv_guest_map_ioctl(struct vhost_hyv_relay *relay,
			       struct vhost_hyv_guest_map __user *argp)
{
	struct virtio_hyv_page_run *runs;
	struct vhost_hyv_guest_map req;
	struct vhost_hyv_window *win;
	long nr_pages;
	u64 offset;
	int err;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!req.num_runs || req.num_runs > VHOST_HYV_MAX_GUEST_MAP_RUNS ||
	    req.flags & ~VHOST_HYV_GUEST_MAP_WRITE)
		return -EINVAL;

	runs = kvmalloc_array(req.num_runs, sizeof(*runs), GFP_KERNEL_ACCOUNT);
	if (!runs)
		return -ENOMEM;
	if (copy_from_user(runs, u64_to_user_ptr(req.runs),
			   req.num_runs * sizeof(*runs))) {
		err = -EFAULT;
		goto out_runs;
	}
	nr_pages = vhost_hyv_runs_check(runs, req.num_runs);
	if (nr_pages < 0) {
		err = nr_pages;
		goto out_runs;
	}

	win = vhost_hyv_window_alloc(nr_pages, req.flags);
	if (!win) {
		err = -ENOMEM;
		goto out_runs;
	}
	err = vhost_hyv_window_pin(relay, win, runs, req.num_runs);
	if (err) {
		kvfree(win->pages);
		kfree(win);
		goto out_runs;
	}

	/*
	 * Once listed, the window is the relay's: another thread of the
	 * broker may unmap and free it as soon as the lock is dropped.  Only
	 * the offset, read under the lock, is used after it.
	 */
	mutex_lock(&relay->map_lock);
	if (relay->nr_windows >= READ_ONCE(max_guest_maps)) {
		mutex_unlock(&relay->map_lock);
		vhost_hyv_window_free(win);
		err = -ENOSPC;
		goto out_runs;
	}
	offset = relay->next_window_offset;
	win->offset = offset;
	relay->next_window_offset += (u64)nr_pages << PAGE_SHIFT;
	list_add_tail(&win->node, &relay->windows);
	relay->nr_windows++;
	relay->nr_window_pages += nr_pages;
	mutex_unlock(&relay->map_lock);
	trace_vhost_hyv_guest_map(relay->owner_pid, offset, nr_pages);

	req.mmap_offset = offset;
	req.length = (u64)nr_pages << PAGE_SHIFT;
	if (copy_to_user(argp, &req, sizeof(req))) {
		/* The broker cannot learn the offset, so cannot unmap it. */
		vhost_hyv_guest_unmap_offset(relay, offset);
		err = -EFAULT;
	}
out_runs:
	kvfree(runs);
	return err;
}

/* VHOST_HYV_RELAY_UNMAP_GUEST */
long vhost_hyv_guest_unmap_ioctl(struct vhost_hyv_relay *relay,
				 u64 __user *argp)
{
	u64 offset;

	if (get_user(offset, argp))
		return -EFAULT;
	return vhost_hyv_guest_unmap_offset(relay, offset);
}

/*
 * mmap() of the relay fd: exactly one window, shared; read-only unless the
 * window was pinned for writing.  The mapping's PTEs hold their own page
 * references, so it stays valid after UNMAP_GUEST.
 */
int vhost_hyv_guest_map_mmap(struct vhost_hyv_relay *relay,
			     struct vm_area_struct *vma)
{
	u64 offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned long addr = vma->vm_start;
	struct vhost_hyv_window *win;
	unsigned long i;
	int err = 0;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	mutex_lock(&relay->map_lock);
	win = vhost_hyv_window_find(relay, offset);
	if (!win || vma->vm_end - vma->vm_start !=
		    (u64)win->nr_pages << PAGE_SHIFT) {
		err = -EINVAL;
		goto out;
	}
	if (!win->writable) {
		if (vma->vm_flags & VM_WRITE) {
			err = -EACCES;
			goto out;
		}
		vhost_hyv_vm_flags_mod(vma, 0, VM_MAYWRITE);
	}
	vhost_hyv_vm_flags_mod(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTCOPY |
			 VM_DONTDUMP, 0);
	for (i = 0; i < win->nr_pages && !err; i++, addr += PAGE_SIZE)
		err = vm_insert_page(vma, addr, win->pages[i]);
out:
	mutex_unlock(&relay->map_lock);
	return err;
}

/* The relay fd is closing: its mappings are gone, every window goes. */
void vhost_hyv_guest_unmap_all(struct vhost_hyv_relay *relay)
{
	struct vhost_hyv_window *win, *tmp;
	LIST_HEAD(removed);

	mutex_lock(&relay->map_lock);
	list_splice_init(&relay->windows, &removed);
	relay->nr_windows = 0;
	relay->nr_window_pages = 0;
	mutex_unlock(&relay->map_lock);

	list_for_each_entry_safe(win, tmp, &removed, node) {
		trace_vhost_hyv_guest_unmap(relay->owner_pid, win->offset,
					    win->nr_pages);
		vhost_hyv_window_free(win);
	}
}

void vhost_hyv_guest_map_stats(struct vhost_hyv_relay *relay,
			       struct vhost_hyv_relay_stats *st)
{
	mutex_lock(&relay->map_lock);
	st->guest_pages_pinned = relay->nr_window_pages;
	st->guest_maps = relay->nr_windows;
	mutex_unlock(&relay->map_lock);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm interfaces that differ between the kernel series HyV builds for (6.1
 * and 6.12).  Detected in the target's mm.h by host/vhost_hyv/Kbuild, not
 * guessed from the version.
 */
#ifndef _VHOST_HYV_MM_COMPAT_H
#define _VHOST_HYV_MM_COMPAT_H

#include <linux/mm.h>

/* Pins pages of another mm; the caller holds its mmap_lock for reading. */
static inline long vhost_hyv_pin_user_pages_remote(struct mm_struct *mm,
						   unsigned long start,
						   unsigned long nr_pages,
						   unsigned int gup_flags,
						   struct page **pages)
{
#ifdef VHOST_HYV_PIN_REMOTE_HAS_VMAS
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, NULL);
#else
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL);
#endif
}

/* Sets @set and clears @clear in a VMA being set up by ->mmap(). */
static inline void vhost_hyv_vm_flags_mod(struct vm_area_struct *vma,
					  unsigned long set,
					  unsigned long clear)
{
#ifdef VHOST_HYV_HAS_VM_FLAGS_SET
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

#endif /* _VHOST_HYV_MM_COMPAT_H */

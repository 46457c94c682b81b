// SPDX-License-Identifier: GPL-2.0
// The memory ioctls of the vhost_hyv relay fd (<linux/vhost_hyv.h>): host
// queue pages placed in the guest's shared-memory region 0, and windows
// onto guest pages for memory registration.  RelayMemory is an interface
// so that unit tests and fuzzers run without vhost; relay_memory_on(fd) is
// the real one.  ShmSlot and GuestWindow give each grant back exactly once.
//
// Locking: none (one io_context, one thread).
#pragma once

#include <hyv/memory_mapping.hpp>
#include <hyv/result.hpp>

#include <linux/virtio_hyv.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>

namespace hyv::broker {

struct PageRun {
	uint64_t gpa = 0;
	uint64_t num_pages = 0;
};

class RelayMemory {
public:
	virtual ~RelayMemory() = default;

	// VHOST_HYV_RELAY_SHM_MAP of [uaddr, uaddr + length): the shm_offset.
	virtual Result<uint64_t> shm_map(const void *uaddr, uint64_t length) = 0;
	virtual void shm_unmap(uint64_t shm_offset) = 0;

	struct GuestMap {
		uint64_t mmap_offset = 0;
		uint64_t length = 0;
		MemoryMapping view;	// of the relay fd, read-write if writable
	};
	// VHOST_HYV_RELAY_MAP_GUEST of `runs`, then its mmap.
	virtual Result<GuestMap> map_guest(std::span<const PageRun> runs, bool writable) = 0;
	virtual void unmap_guest(uint64_t mmap_offset) = 0;
};

// The relay fd's; `relay_fd` must outlive the object.
std::unique_ptr<RelayMemory> relay_memory_on(int relay_fd);

// A host queue's pages in shared-memory region 0, until destroyed.
class ShmSlot {
public:
	ShmSlot() = default;
	ShmSlot(RelayMemory &relay, uint64_t shm_offset) : relay_(&relay), offset_(shm_offset) {}
	ShmSlot(ShmSlot &&other) noexcept
		: relay_(std::exchange(other.relay_, nullptr)), offset_(other.offset_) {}
	ShmSlot &operator=(ShmSlot &&other) noexcept
	{
		if (this != &other) {
			reset();
			relay_ = std::exchange(other.relay_, nullptr);
			offset_ = other.offset_;
		}
		return *this;
	}
	~ShmSlot() { reset(); }

	uint64_t shm_offset() const { return offset_; }
	void reset()
	{
		if (relay_)
			std::exchange(relay_, nullptr)->shm_unmap(offset_);
	}

private:
	RelayMemory *relay_ = nullptr;
	uint64_t offset_ = 0;
};

// A host queue hyvd mmap()ed from its uverbs file and shows the guest.
// The slot is declared last: it goes first, so the guest loses access
// before hyvd's view of the pages does.
struct QueueMap {
	uint64_t mmap_offset = 0;	// the host driver's
	MemoryMapping view;
	ShmSlot slot;
};

// Guest pages hyvd sees through the relay fd (the view of a MAP_GUEST),
// pinned until destroyed: the view is unmapped, then the grant returned.
class GuestWindow {
public:
	GuestWindow(RelayMemory &relay, RelayMemory::GuestMap map)
		: relay_(&relay), map_(std::move(map)) {}
	GuestWindow(GuestWindow &&other) noexcept
		: relay_(std::exchange(other.relay_, nullptr)), map_(std::move(other.map_)) {}
	GuestWindow &operator=(GuestWindow &&) = delete;
	~GuestWindow()
	{
		map_.view.reset();
		if (relay_)
			relay_->unmap_guest(map_.mmap_offset);
	}

	std::byte *data() const { return static_cast<std::byte *>(map_.view.addr()); }
	uint64_t length() const { return map_.length; }
	uint64_t pages() const { return map_.length / VIRTIO_HYV_PAGE_SIZE; }

private:
	RelayMemory *relay_;
	RelayMemory::GuestMap map_;
};

// Whether `runs` are what REG_MR of [iova, iova + length) must name: at
// least one run, at most VHOST_HYV_MAX_GUEST_MAP_RUNS, each 4096-aligned
// with at least one page, together exactly the pages from iova rounded
// down to iova + length rounded up (length > 0, no overflow).  The pages.
Result<uint64_t> check_page_runs(std::span<const PageRun> runs, uint64_t iova, uint64_t length);

} // namespace hyv::broker

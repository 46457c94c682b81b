// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/relay_memory.hpp>

#include <linux/vhost_hyv.h>

#include <spdlog/spdlog.h>

#include <sys/ioctl.h>
#include <sys/mman.h>

#include <cerrno>
#include <limits>
#include <vector>

namespace hyv::broker {
namespace {

constexpr uint64_t kPage = VIRTIO_HYV_PAGE_SIZE;

class FdRelayMemory final : public RelayMemory {
public:
	explicit FdRelayMemory(int fd) : fd_(fd) {}

	Result<uint64_t> shm_map(const void *uaddr, uint64_t length) override
	{
		vhost_hyv_shm_map map{.uaddr = reinterpret_cast<uintptr_t>(uaddr), .length = length};
		if (::ioctl(fd_, VHOST_HYV_RELAY_SHM_MAP, &map) < 0)
			return last_errno();
		return map.shm_offset;
	}

	void shm_unmap(uint64_t shm_offset) override
	{
		if (::ioctl(fd_, VHOST_HYV_RELAY_SHM_UNMAP, &shm_offset) == 0)
			return;
		// ENXIO: QEMU closed the device and every map went with it
		// (a killed VM's queues are destroyed after that).  Anything
		// else is an offset vhost_hyv did not give: a bug here.
		const auto ec = last_errno();
		if (ec == std::errc::no_such_device_or_address)
			spdlog::debug("SHM_UNMAP shm_offset={:#x}: the device is gone", shm_offset);
		else
			spdlog::error("SHM_UNMAP failed shm_offset={:#x} error=\"{}\"", shm_offset,
				      ec.message());
	}

	Result<GuestMap> map_guest(std::span<const PageRun> runs, bool writable) override
	{
		// The ioctl reads struct virtio_hyv_page_run, little-endian.
		static_assert(sizeof(virtio_hyv_page_run) == sizeof(PageRun));
		std::vector<virtio_hyv_page_run> wire(runs.size());
		for (std::size_t i = 0; i < runs.size(); i++)
			wire[i] = {.gpa = htole64(runs[i].gpa), .num_pages = htole64(runs[i].num_pages)};

		vhost_hyv_guest_map map{
			.runs = reinterpret_cast<uintptr_t>(wire.data()),
			.num_runs = static_cast<uint32_t>(wire.size()),
			.flags = writable ? VHOST_HYV_GUEST_MAP_WRITE : 0u,
		};
		if (::ioctl(fd_, VHOST_HYV_RELAY_MAP_GUEST, &map) < 0)
			return last_errno();

		const int prot = PROT_READ | (writable ? PROT_WRITE : 0);
		void *addr = ::mmap(nullptr, map.length, prot, MAP_SHARED, fd_,
				    static_cast<off_t>(map.mmap_offset));
		if (addr == MAP_FAILED) {
			const auto ec = last_errno();
			unmap_guest(map.mmap_offset);
			return ec;
		}
		return GuestMap{.mmap_offset = map.mmap_offset,
				.length = map.length,
				.view = MemoryMapping(addr, map.length)};
	}

	void unmap_guest(uint64_t mmap_offset) override
	{
		if (::ioctl(fd_, VHOST_HYV_RELAY_UNMAP_GUEST, &mmap_offset) < 0)
			spdlog::error("UNMAP_GUEST failed mmap_offset={:#x} error=\"{}\"",
				      mmap_offset, last_errno().message());
	}

private:
	int fd_;
};

} // namespace

std::unique_ptr<RelayMemory> relay_memory_on(int relay_fd)
{
	return std::make_unique<FdRelayMemory>(relay_fd);
}

Result<uint64_t> check_page_runs(std::span<const PageRun> runs, uint64_t iova, uint64_t length)
{
	const auto invalid = errno_code(EINVAL);
	constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

	if (runs.empty() || runs.size() > VHOST_HYV_MAX_GUEST_MAP_RUNS || length == 0 ||
	    length > kMax - iova || iova + length > kMax - (kPage - 1))
		return invalid;
	const uint64_t first = iova / kPage;
	const uint64_t end = (iova + length + kPage - 1) / kPage;
	const uint64_t wanted = end - first;

	uint64_t pages = 0;
	for (const PageRun &run : runs) {
		if (run.gpa % kPage || run.num_pages == 0 || run.num_pages > wanted - pages ||
		    run.num_pages > (kMax - run.gpa) / kPage)
			return invalid;
		pages += run.num_pages;
	}
	if (pages != wanted || pages > VHOST_HYV_MAX_GUEST_MAP_PAGES)
		return invalid;
	return pages;
}

} // namespace hyv::broker

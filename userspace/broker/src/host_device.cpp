// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/host_device.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace hyv::broker {
namespace {

class FdUverbsFile final : public UverbsFile {
public:
	FdUverbsFile(UniqueFd cmd, UniqueFd async, UniqueFd comp)
		: cmd_(std::move(cmd)), async_(std::move(async)), comp_(std::move(comp)) {}

	std::error_code write(std::span<const std::byte> command) override
	{
		ssize_t n;
		do
			n = ::write(cmd_.get(), command.data(), command.size());
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return last_errno();
		// The kernel answers through the response pointer: success
		// is the whole command taken.
		if (static_cast<std::size_t>(n) != command.size())
			return errno_code(EIO);
		return {};
	}

	Result<MemoryMapping> map(uint64_t offset, std::size_t length) override
	{
		void *addr = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, cmd_.get(),
				    static_cast<off_t>(offset));
		if (addr == MAP_FAILED)
			return last_errno();
		return MemoryMapping(addr, length);
	}

	int cmd_fd() const override { return cmd_.get(); }
	int comp_fd() const override { return comp_.get(); }
	int async_fd() const override { return async_.get(); }

private:
	UniqueFd cmd_;
	UniqueFd async_;
	UniqueFd comp_;
};

} // namespace

std::unique_ptr<UverbsFile> uverbs_file(UniqueFd cmd, UniqueFd async, UniqueFd comp)
{
	return std::make_unique<FdUverbsFile>(std::move(cmd), std::move(async), std::move(comp));
}

const char *driver_name(uint32_t driver_id)
{
	switch (driver_id) {
	case RDMA_DRIVER_MLX5:
		return "mlx5";
	case RDMA_DRIVER_MLX4:
		return "mlx4";
	case RDMA_DRIVER_CXGB3:
		return "cxgb3";
	case RDMA_DRIVER_CXGB4:
		return "cxgb4";
	case RDMA_DRIVER_MTHCA:
		return "mthca";
	case RDMA_DRIVER_BNXT_RE:
		return "bnxt_re";
	case RDMA_DRIVER_OCRDMA:
		return "ocrdma";
	case RDMA_DRIVER_NES:
		return "nes";
	case RDMA_DRIVER_IRDMA:
		return "irdma";
	case RDMA_DRIVER_VMW_PVRDMA:
		return "vmw_pvrdma";
	case RDMA_DRIVER_QEDR:
		return "qedr";
	case RDMA_DRIVER_HNS:
		return "hns";
	case RDMA_DRIVER_USNIC:
		return "usnic";
	case RDMA_DRIVER_RXE:
		return "rxe";
	case RDMA_DRIVER_HFI1:
		return "hfi1";
	case RDMA_DRIVER_QIB:
		return "qib";
	case RDMA_DRIVER_EFA:
		return "efa";
	case RDMA_DRIVER_SIW:
		return "siw";
	case RDMA_DRIVER_ERDMA:
		return "erdma";
	// Linux 6.2 appended mana to the enum; Debian 12's uapi headers (6.1)
	// end at erdma.
	case RDMA_DRIVER_ERDMA + 1:
		return "mana";
	default:
		return "unknown";
	}
}

} // namespace hyv::broker

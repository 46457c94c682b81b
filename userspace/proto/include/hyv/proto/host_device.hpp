// SPDX-License-Identifier: GPL-2.0
// A host RDMA device as the guest learns about it.
#pragma once

#include <cstdint>
#include <string>

namespace hyv::proto {

struct HostDevice {
	std::string name;	// ib_device name, e.g. "rxe0"
	uint32_t driver_id = 0;	// enum rdma_driver_id
	uint64_t node_guid = 0;	// numeric value, as ibv_devinfo prints it

	bool operator==(const HostDevice &) const = default;
};

// A host device as one VM sees it: dev_id is the VM-local handle later
// requests name it by.
struct VmDevice {
	uint32_t dev_id = 0;
	HostDevice host;

	bool operator==(const VmDevice &) const = default;
};

} // namespace hyv::proto

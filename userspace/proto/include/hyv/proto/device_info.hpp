// SPDX-License-Identifier: GPL-2.0
// A host RDMA device as a guest learns about it (struct virtio_hyv_dev_info).
#pragma once

#include <cstdint>
#include <string>

namespace hyv::proto {

struct DeviceInfo {
	uint32_t dev_id = 0;	// names the device in later requests
	std::string name;	// host ib_device name, e.g. "rxe0"
	uint32_t driver_id = 0;	// enum rdma_driver_id
	uint64_t node_guid = 0;	// numeric value, as ibv_devinfo prints it

	bool operator==(const DeviceInfo &) const = default;
};

} // namespace hyv::proto

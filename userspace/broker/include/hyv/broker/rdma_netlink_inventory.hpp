// SPDX-License-Identifier: GPL-2.0
// The host's RDMA devices from rdma netlink: index, name and node GUID from
// the device dump; driver_id and the uverbs chardev from the "uverbs"
// chardev query (libibverbs has no public API for driver_id).
#pragma once

#include <hyv/broker/device_inventory.hpp>

#include <chrono>

namespace hyv::broker {

class RdmaNetlinkInventory final : public DeviceInventory {
public:
	// Each query is a few netlink round trips, bounded by `timeout` per reply.
	explicit RdmaNetlinkInventory(std::chrono::milliseconds timeout = std::chrono::seconds(2))
		: timeout_(timeout) {}

	Result<std::vector<ScannedDevice>> host_devices() override;

private:
	std::chrono::milliseconds timeout_;
};

} // namespace hyv::broker

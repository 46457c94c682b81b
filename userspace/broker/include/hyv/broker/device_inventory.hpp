// SPDX-License-Identifier: GPL-2.0
// Where hyvd learns which RDMA devices the host has.  An interface so that
// unit tests (the builders have no RDMA devices) and, later, configured or
// hot-plugged inventories slot in without touching the sessions.
#pragma once

#include <hyv/proto/host_device.hpp>
#include <hyv/result.hpp>

#include <utility>
#include <vector>

namespace hyv::broker {

class DeviceInventory {
public:
	virtual ~DeviceInventory() = default;

	// The host's RDMA devices as of now.
	virtual Result<std::vector<proto::HostDevice>> host_devices() = 0;
};

// An inventory that is a given list: for tests, fuzzers and hosts without
// rdma netlink.
class FixedInventory final : public DeviceInventory {
public:
	explicit FixedInventory(std::vector<proto::HostDevice> devices)
		: devices_(std::move(devices)) {}

	Result<std::vector<proto::HostDevice>> host_devices() override { return devices_; }

private:
	std::vector<proto::HostDevice> devices_;
};

} // namespace hyv::broker

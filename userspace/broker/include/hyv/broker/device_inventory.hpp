// SPDX-License-Identifier: GPL-2.0
// Where hyvd learns which RDMA devices the host has.  An interface so that
// unit tests and fuzzers (the builders have no RDMA devices) slot in a given
// list.
#pragma once

#include <hyv/broker/host_device.hpp>
#include <hyv/result.hpp>

#include <utility>
#include <vector>

namespace hyv::broker {

class DeviceInventory {
public:
	virtual ~DeviceInventory() = default;

	// The host's RDMA devices as of now, also those without a usable
	// uverbs chardev (with uverbs_error set).
	virtual Result<std::vector<ScannedDevice>> host_devices() = 0;
};

// An inventory that is a given list, changed at will: for tests and fuzzers.
class FixedInventory final : public DeviceInventory {
public:
	explicit FixedInventory(std::vector<ScannedDevice> devices = {})
		: devices_(std::move(devices)) {}

	Result<std::vector<ScannedDevice>> host_devices() override { return devices_; }
	void set(std::vector<ScannedDevice> devices) { devices_ = std::move(devices); }

private:
	std::vector<ScannedDevice> devices_;
};

} // namespace hyv::broker

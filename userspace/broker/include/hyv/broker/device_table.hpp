// SPDX-License-Identifier: GPL-2.0
// The host devices hyvd can give to VMs: every device rdma netlink reports
// with a uverbs chardev, opened, under a dev_id that stays the same for as
// long as the device exists and is never given to another device while
// hyvd runs.
//
// Locking: none, like everything in hyvd (one io_context, one thread).
#pragma once

#include <hyv/broker/config.hpp>
#include <hyv/broker/host_device.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hyv::broker {

class HostDeviceTable {
public:
	explicit HostDeviceTable(HostDeviceOpener opener) : opener_(std::move(opener)) {}

	struct Changes {
		std::vector<std::shared_ptr<HostDevice>> added;
		std::vector<std::shared_ptr<HostDevice>> removed;
	};

	// Brings the table to `scanned`.  A device is the same device while
	// its kernel index, name, GUID and chardev stay the same; otherwise
	// it is removed and the new one added.  A device that cannot be used
	// (no uverbs chardev, open failure) is logged once per reason and
	// tried again at the next update.
	Changes update(const std::vector<ScannedDevice> &scanned);

	std::shared_ptr<HostDevice> find(uint32_t dev_id) const;
	// The device a name or GUID selector names; null for none or "*".
	std::shared_ptr<HostDevice> find(const DeviceSelector &selector) const;

	// By dev_id.
	const std::map<uint32_t, std::shared_ptr<HostDevice>> &devices() const { return devices_; }

private:
	uint32_t next_dev_id();

	HostDeviceOpener opener_;
	std::map<uint32_t, std::shared_ptr<HostDevice>> devices_;
	// Kernel index -> the problem last logged for a device not in the table.
	std::map<uint32_t, std::string> problems_;
	uint32_t last_dev_id_ = ~0u;
};

} // namespace hyv::broker

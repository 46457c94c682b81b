// SPDX-License-Identifier: GPL-2.0
// The host devices hyvd can give to VMs: every device rdma netlink reports
// with a uverbs chardev whose driver has a personality (rxe, siw; see
// driver_personality.hpp), opened, under a dev_id that stays the same for
// as long as the device exists and is never given to another device while
// hyvd runs.  The others are refused, each with its reason.
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

	// A host device not in the table, and why.
	struct Refused {
		ScannedDevice scanned;
		std::string reason;	// "no personality for driver mlx5", ...
	};

	struct Changes {
		std::vector<std::shared_ptr<HostDevice>> added;
		std::vector<std::shared_ptr<HostDevice>> removed;
	};

	// Brings the table to `scanned`.  A device is the same device while
	// its kernel index, name, GUID and chardev stay the same; otherwise
	// it is removed and the new one added.  A device that cannot be used
	// (no uverbs chardev, open failure) is logged once per reason and
	// tried again at the next update.  A device whose driver has no
	// personality is never opened.
	Changes update(const std::vector<ScannedDevice> &scanned);

	std::shared_ptr<HostDevice> find(uint32_t dev_id) const;
	// The device a name or GUID selector names; null for none or "*".
	std::shared_ptr<HostDevice> find(const DeviceSelector &selector) const;

	// By dev_id.
	const std::map<uint32_t, std::shared_ptr<HostDevice>> &devices() const { return devices_; }
	// The devices of the last update that are not in the table, by
	// kernel index.
	const std::map<uint32_t, Refused> &refused() const { return refused_; }
	// The refused device a name or GUID selector names; null for none.
	const Refused *find_refused(const DeviceSelector &selector) const;

private:
	uint32_t next_dev_id();

	HostDeviceOpener opener_;
	std::map<uint32_t, std::shared_ptr<HostDevice>> devices_;
	// Kernel index -> a device not in the table and its problem, logged
	// when it changes.
	std::map<uint32_t, Refused> refused_;
	uint32_t last_dev_id_ = ~0u;
};

} // namespace hyv::broker

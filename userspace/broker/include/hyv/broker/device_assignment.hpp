// SPDX-License-Identifier: GPL-2.0
// Which of the host's devices a VM gets: those hyvctl attached to it, and
// those its configuration allows that hyvctl did not detach from it.
#pragma once

#include <hyv/broker/device_table.hpp>
#include <hyv/broker/vm.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace hyv::broker {

struct DeviceSelection {
	// By dev_id, at most VIRTIO_HYV_MAX_DEVICES.
	std::vector<std::shared_ptr<HostDevice>> devices;
	// Devices the VM should get beyond VIRTIO_HYV_MAX_DEVICES.
	std::size_t left_out = 0;
};

DeviceSelection select_devices(const Vm &vm, const HostDeviceTable &table);

} // namespace hyv::broker

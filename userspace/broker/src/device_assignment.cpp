// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/device_assignment.hpp>

#include <linux/virtio_hyv.h>

namespace hyv::broker {

DeviceSelection select_devices(const Vm &vm, const HostDeviceTable &table)
{
	DeviceSelection selection;

	for (const auto &[dev_id, device] : table.devices()) {
		const auto attached = vm.override_for(device->name());
		const bool wanted = attached ? *attached
					     : vm.policy().allows(device->name(),
								  device->scanned().node_guid);
		if (!wanted)
			continue;
		if (selection.devices.size() < VIRTIO_HYV_MAX_DEVICES)
			selection.devices.push_back(device);
		else
			selection.left_out++;
	}
	return selection;
}

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/device_assignment.hpp>

#include <linux/virtio_hyv.h>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace hyv::broker {

std::vector<proto::VmDevice> assign_devices(const std::vector<proto::HostDevice> &host)
{
	std::vector<proto::VmDevice> assigned;
	const std::size_t count = std::min<std::size_t>(host.size(), VIRTIO_HYV_MAX_DEVICES);

	if (host.size() > count)
		spdlog::warn("{} host RDMA devices; a VM can be given only the first {}",
			     host.size(), count);
	for (std::size_t i = 0; i < count; i++)
		assigned.push_back({.dev_id = static_cast<uint32_t>(i), .host = host[i]});
	return assigned;
}

} // namespace hyv::broker

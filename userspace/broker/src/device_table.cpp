// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/device_table.hpp>

#include <hyv/broker/driver_personality.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace hyv::broker {
namespace {

bool same_device(const ScannedDevice &a, const ScannedDevice &b)
{
	return a.index == b.index && a.name == b.name && a.node_guid == b.node_guid &&
	       a.uverbs_dev == b.uverbs_dev && a.driver_id == b.driver_id;
}

} // namespace

uint32_t HostDeviceTable::next_dev_id()
{
	do
		++last_dev_id_;
	while (devices_.contains(last_dev_id_));
	return last_dev_id_;
}

HostDeviceTable::Changes HostDeviceTable::update(const std::vector<ScannedDevice> &scanned)
{
	Changes changes;

	for (auto it = devices_.begin(); it != devices_.end();) {
		const bool present = std::ranges::any_of(scanned, [&](const ScannedDevice &s) {
			return s.uverbs_error == std::error_code{} &&
			       same_device(s, it->second->scanned());
		});
		if (present) {
			++it;
			continue;
		}
		spdlog::info("device removed dev_id={} name={}", it->first, it->second->name());
		changes.removed.push_back(std::move(it->second));
		it = devices_.erase(it);
	}

	std::map<uint32_t, Refused> refused;
	for (const ScannedDevice &device : scanned) {
		const bool known = std::ranges::any_of(devices_, [&](const auto &entry) {
			return same_device(device, entry.second->scanned());
		});
		if (known)
			continue;

		std::string problem;
		if (!personality_for(device.driver_id)) {
			problem = fmt::format("no personality for driver {}",
					      driver_name(device.driver_id));
		} else if (device.uverbs_error) {
			problem = "no uverbs chardev: " + device.uverbs_error.message();
		} else {
			const uint32_t dev_id = next_dev_id();
			auto opened = opener_(dev_id, device);
			if (opened) {
				std::shared_ptr<HostDevice> host = std::move(*opened);
				spdlog::info("device added dev_id={} name={} driver={} guid={} uverbs={} "
					     "ports={}",
					     dev_id, device.name, driver_name(device.driver_id),
					     format_guid(device.node_guid), device.uverbs_name,
					     host->port_count());
				devices_.emplace(dev_id, host);
				changes.added.push_back(std::move(host));
				continue;
			}
			problem = "cannot open: " + opened.error().message();
		}
		const auto old = refused_.find(device.index);
		if (old == refused_.end() || old->second.reason != problem)
			spdlog::warn("device unusable name={} reason=\"{}\"", device.name, problem);
		refused.emplace(device.index, Refused{.scanned = device, .reason = std::move(problem)});
	}
	refused_ = std::move(refused);
	return changes;
}

std::shared_ptr<HostDevice> HostDeviceTable::find(uint32_t dev_id) const
{
	const auto it = devices_.find(dev_id);
	return it == devices_.end() ? nullptr : it->second;
}

const HostDeviceTable::Refused *HostDeviceTable::find_refused(const DeviceSelector &selector) const
{
	if (selector.kind == DeviceSelector::Kind::any)
		return nullptr;
	for (const auto &[index, refused] : refused_)
		if (selector.matches(refused.scanned.name, refused.scanned.node_guid))
			return &refused;
	return nullptr;
}

std::shared_ptr<HostDevice> HostDeviceTable::find(const DeviceSelector &selector) const
{
	if (selector.kind == DeviceSelector::Kind::any)
		return nullptr;
	for (const auto &[dev_id, device] : devices_) {
		if (selector.matches(device->name(), device->scanned().node_guid))
			return device;
	}
	return nullptr;
}

} // namespace hyv::broker

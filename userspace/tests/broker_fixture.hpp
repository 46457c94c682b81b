// SPDX-License-Identifier: GPL-2.0
// A Broker over fake host devices (rxe0 and siw0, one port each) whose VMs'
// events are recorded instead of written to a relay.
#pragma once

#include "fake_host_device.hpp"

#include <hyv/broker/broker.hpp>
#include <hyv/proto/byte_order.hpp>

#include <linux/virtio_hyv.h>

#include <map>
#include <utility>
#include <vector>

namespace hyv::test {

inline std::vector<broker::ScannedDevice> default_scan()
{
	return {scanned_device(1, "rxe0", 0x0002c90300001111, 14),
		scanned_device(2, "siw0", 0x0002c90300002222, 18)};
}

// One recorded event, decoded as far as the tests look.
struct SeenEvent {
	uint32_t vm_id;
	uint32_t type;
	uint32_t dev_id;	// DEVICE_ADDED, DEVICE_REMOVED
	std::string name;	// DEVICE_ADDED

	bool operator==(const SeenEvent &) const = default;
};

class BrokerFixture {
public:
	explicit BrokerFixture(broker::Config config = {},
			       std::vector<broker::ScannedDevice> scan = default_scan(),
			       broker::HostDeviceOpener opener = fake_opener())
		: inventory_(std::move(scan)), broker_(std::move(config), inventory_, std::move(opener))
	{
		broker_.rescan();
	}

	broker::Broker &broker() { return broker_; }
	broker::FixedInventory &inventory() { return inventory_; }

	broker::VmRegistry::Registration add_vm(std::string name,
						std::array<uint8_t, 16> uuid = {})
	{
		return broker_.add_vm({.pid = 100, .uid = 0, .name = std::move(name), .uuid = uuid},
				      [this](const broker::Vm &vm, const proto::Event &event) {
					      record(vm, event);
				      });
	}

	// The events recorded since the last call.
	std::vector<SeenEvent> take_events() { return std::exchange(events_, {}); }
	// For each DEVICE_REMOVED recorded, the contexts its VM held then.
	const std::vector<std::size_t> &contexts_at_removal() const { return contexts_at_removal_; }

	// The devices of `vm` by name.
	static std::vector<std::string> names(const broker::Vm &vm)
	{
		std::vector<std::string> out;
		for (const auto &[dev_id, device] : vm.devices())
			out.push_back(device->name());
		return out;
	}

	uint32_t dev_id_of(const std::string &name) const
	{
		for (const auto &[dev_id, device] : broker_.devices().devices())
			if (device->name() == name)
				return dev_id;
		throw std::runtime_error("no device " + name);
	}

	FakeHostDevice &device(const std::string &name)
	{
		return fake(broker_.devices().find(dev_id_of(name)).get());
	}

private:
	void record(const broker::Vm &vm, const proto::Event &event)
	{
		SeenEvent seen{.vm_id = vm.id(), .type = proto::load_le<uint32_t>(event, 0),
			       .dev_id = 0, .name = {}};
		if (seen.type == VIRTIO_HYV_EVT_DEVICE_ADDED) {
			seen.dev_id = proto::load_le<uint32_t>(event, 8);
			seen.name = reinterpret_cast<const char *>(event.data() + 24);
		} else if (seen.type == VIRTIO_HYV_EVT_DEVICE_REMOVED) {
			seen.dev_id = proto::load_le<uint32_t>(event, 8);
			contexts_at_removal_.push_back(vm.context_count());
		}
		events_.push_back(seen);
	}

	broker::FixedInventory inventory_;
	broker::Broker broker_;
	std::vector<SeenEvent> events_;
	std::vector<std::size_t> contexts_at_removal_;
};

} // namespace hyv::test

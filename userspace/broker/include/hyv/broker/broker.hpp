// SPDX-License-Identifier: GPL-2.0
// hyvd's state: the configuration, the host devices, the VMs, and the rules
// that tie them together.  Every change of a VM's devices (a host device
// appearing or going away, hyvctl attach or detach) goes through here and
// reaches the guest as DEVICE_ADDED / DEVICE_REMOVED.
//
// Locking: none (one io_context, one thread).
#pragma once

#include <hyv/broker/asio.hpp>
#include <hyv/broker/config.hpp>
#include <hyv/broker/device_inventory.hpp>
#include <hyv/broker/device_table.hpp>
#include <hyv/broker/vm_registry.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace hyv::broker {

// Why hyvd refused an operator's command, ready to show.
struct Refusal {
	std::string reason;
};

[[noreturn]] void throw_exception_from_error(const Refusal &refusal,
					     const boost::source_location &location);

template <typename T>
using Refusable = boost::system::result<T, Refusal>;

class Broker {
public:
	Broker(Config config, DeviceInventory &inventory, HostDeviceOpener opener);
	Broker(const Broker &) = delete;
	Broker &operator=(const Broker &) = delete;

	// Looks at the host's devices again; VMs gain the ones that appeared
	// and lose the ones that went away.
	void rescan();

	// A VM that connected: its policy from the configuration, its devices
	// those present that the policy allows.  The guest learns them from
	// HELLO, so no event is sent for them.
	VmRegistry::Registration add_vm(VmLabels labels, Vm::EventSink sink);

	// hyvctl attach / detach.  `vm` is a vm_id, a UUID or a name (which
	// must be unique); `device` a host device name or node GUID.  The
	// change lasts as long as the VM's connection; it also holds when the
	// device goes away and comes back.
	Refusable<void> attach(std::string_view vm, std::string_view device);
	Refusable<void> detach(std::string_view vm, std::string_view device);

	const Config &config() const { return config_; }
	const HostDeviceTable &devices() const { return table_; }
	const VmRegistry &vms() const { return registry_; }

private:
	Refusable<Vm *> find_vm(std::string_view spec) const;
	Refusable<std::shared_ptr<HostDevice>> find_device(std::string_view spec) const;

	// What hyvctl attach/detach name: a VM and a host device.
	struct Placement {
		Vm &vm;
		std::shared_ptr<HostDevice> device;
	};
	Refusable<Placement> find_placement(std::string_view vm_spec,
					    std::string_view device_spec) const;
	void reconcile(Vm &vm);

	Config config_;
	DeviceInventory &inventory_;
	HostDeviceTable table_;
	VmRegistry registry_;
	std::string scan_error_;
};

// Rescans every `interval` until the coroutine is cancelled.
awaitable<void> watch_devices(Broker &broker, std::chrono::milliseconds interval);

} // namespace hyv::broker

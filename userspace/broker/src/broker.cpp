// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/broker.hpp>

#include <hyv/broker/device_assignment.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/throw_exception.hpp>

#include <linux/virtio_hyv.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace hyv::broker {

void throw_exception_from_error(const Refusal &refusal, const boost::source_location &location)
{
	boost::throw_exception(std::runtime_error(refusal.reason), location);
}

Broker::Broker(Config config, DeviceInventory &inventory, HostDeviceOpener opener)
	: config_(std::move(config)), inventory_(inventory), table_(std::move(opener))
{
}

void Broker::rescan()
{
	auto scanned = inventory_.host_devices();
	if (!scanned) {
		// Logged once per distinct error, the scan runs every second.
		if (scanned.error().message() != scan_error_) {
			scan_error_ = scanned.error().message();
			spdlog::error("cannot list host RDMA devices: {}", scan_error_);
		}
		return;
	}
	scan_error_.clear();

	const auto changes = table_.update(*scanned);
	if (changes.added.empty() && changes.removed.empty())
		return;
	for (Vm *vm : registry_.list())
		reconcile(*vm);
}

void Broker::reconcile(Vm &vm)
{
	const auto selection = select_devices(vm, table_);
	const auto before = vm.devices().size();
	vm.set_devices(selection.devices);
	if (selection.left_out)
		spdlog::warn("devices left out {} count={} reason=\"a VM has at most {} devices\"",
			     vm.log_name(), selection.left_out, VIRTIO_HYV_MAX_DEVICES);
	spdlog::debug("devices {} before={} after={}", vm.log_name(), before, vm.devices().size());
}

VmRegistry::Registration Broker::add_vm(VmLabels labels, Vm::EventSink sink)
{
	VmPolicy policy = config_.policy_for(labels.name, labels.uuid);
	auto registration = registry_.add(std::move(labels), std::move(policy), std::move(sink));
	Vm &vm = registration.vm();
	const auto selection = select_devices(vm, table_);
	vm.set_devices(selection.devices, /*announce=*/false);
	if (selection.left_out)
		spdlog::warn("devices left out {} count={} reason=\"a VM has at most {} devices\"",
			     vm.log_name(), selection.left_out, VIRTIO_HYV_MAX_DEVICES);
	return registration;
}

Refusable<Vm *> Broker::find_vm(std::string_view spec) const
{
	uint32_t vm_id = 0;
	const auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), vm_id);
	if (ec == std::errc{} && end == spec.data() + spec.size()) {
		if (Vm *vm = registry_.find(vm_id))
			return vm;
		return Refusal{fmt::format("no VM with vm_id {}", vm_id)};
	}

	const auto uuid = parse_uuid(spec);
	std::vector<Vm *> found;
	for (Vm *vm : registry_.list()) {
		if (uuid ? vm->labels().uuid == *uuid : vm->labels().name == spec)
			found.push_back(vm);
	}
	if (found.size() == 1)
		return found.front();
	if (found.empty())
		return Refusal{fmt::format("no VM {} '{}'", uuid ? "with UUID" : "named", spec)};
	std::vector<uint32_t> ids;
	for (const Vm *vm : found)
		ids.push_back(vm->id());
	return Refusal{fmt::format("{} VMs are '{}' (vm_id {}); name one by vm_id", found.size(),
				   spec, fmt::join(ids, ", "))};
}

Refusable<std::shared_ptr<HostDevice>> Broker::find_device(std::string_view spec) const
{
	const auto selector = parse_device_selector(spec);
	if (!selector || selector->kind == DeviceSelector::Kind::any)
		return Refusal{fmt::format("'{}' is not a device name or node GUID", spec)};
	if (auto device = table_.find(*selector))
		return device;
	if (const auto *refused = table_.find_refused(*selector))
		return Refusal{fmt::format("{} is refused: {}", refused->scanned.name,
					   refused->reason)};
	return Refusal{fmt::format("no host RDMA device '{}'", spec)};
}

Refusable<Broker::Placement> Broker::find_placement(std::string_view vm_spec,
						    std::string_view device_spec) const
{
	auto vm = find_vm(vm_spec);
	if (!vm)
		return vm.error();
	auto device = find_device(device_spec);
	if (!device)
		return device.error();
	return Placement{.vm = **vm, .device = std::move(*device)};
}

Refusable<void> Broker::attach(std::string_view vm_spec, std::string_view device_spec)
{
	auto placement = find_placement(vm_spec, device_spec);
	if (!placement)
		return placement.error();

	Vm &target = placement->vm;
	const HostDevice &device = *placement->device;
	const std::string &name = device.name();
	if (target.device(device.dev_id()))
		return Refusal{fmt::format("{} is already attached to VM {}", name, target.id())};
	if (target.devices().size() >= VIRTIO_HYV_MAX_DEVICES)
		return Refusal{fmt::format("VM {} has {} devices, the most a VM can have",
					   target.id(), VIRTIO_HYV_MAX_DEVICES)};
	target.set_override(name, true);
	reconcile(target);
	spdlog::info("device attached {} device={} dev_id={}", target.log_name(), name,
		     device.dev_id());
	return {};
}

Refusable<void> Broker::detach(std::string_view vm_spec, std::string_view device_spec)
{
	auto placement = find_placement(vm_spec, device_spec);
	if (!placement)
		return placement.error();

	Vm &target = placement->vm;
	const HostDevice &device = *placement->device;
	const std::string &name = device.name();
	if (!target.device(device.dev_id()))
		return Refusal{fmt::format("{} is not attached to VM {}", name, target.id())};
	target.set_override(name, false);
	reconcile(target);
	spdlog::info("device detached {} device={} dev_id={} contexts_left={}", target.log_name(),
		     name, device.dev_id(), target.context_count());
	return {};
}

awaitable<void> watch_devices(Broker &broker, std::chrono::milliseconds interval)
{
	asio::steady_timer timer(co_await asio::this_coro::executor);

	for (;;) {
		timer.expires_after(interval);
		auto [ec] = co_await timer.async_wait(use_result);
		if (ec)
			co_return;
		broker.rescan();
	}
}

} // namespace hyv::broker

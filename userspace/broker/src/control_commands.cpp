// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/control_commands.hpp>

#include <hyv/proto/broker_protocol.hpp>

namespace hyv::broker {
namespace {

using nlohmann::json;

json error_reply(std::string message)
{
	return {{"ok", false}, {"error", std::move(message)}};
}

const char *state_name(Vm::State state)
{
	switch (state) {
	case Vm::State::connected:
		return "connected";
	case Vm::State::ready:
		return "ready";
	}
	return "unknown";
}

// A string member of `request`, or nullptr.
const std::string *string_member(const json &request, const char *key)
{
	const auto it = request.find(key);
	if (it == request.end() || !it->is_string())
		return nullptr;
	return &it->get_ref<const std::string &>();
}

json change_devices(const json &request, Broker &broker, bool attach)
{
	const std::string *vm = string_member(request, "vm");
	const std::string *device = string_member(request, "device");
	if (!vm || !device)
		return error_reply(R"(request needs "vm" and "device" strings)");
	auto done = attach ? broker.attach(*vm, *device) : broker.detach(*vm, *device);
	if (!done)
		return error_reply(done.error().reason);
	return {{"ok", true}};
}

json dispatch(const json &request, Broker &broker, ControlRole role)
{
	if (!request.is_object())
		return error_reply("request is not a JSON object");
	const std::string *cmd = string_member(request, "cmd");
	if (!cmd)
		return error_reply("request has no \"cmd\" string");

	if (*cmd == "list")
		return vm_list_json(broker);
	if (*cmd == "devices")
		return device_list_json(broker);
	if (*cmd != "attach" && *cmd != "detach")
		return error_reply("unknown command '" + *cmd + "'");
	if (role != ControlRole::admin)
		return error_reply("permission denied: '" + *cmd +
				   "' is for the administrators of [access]");
	return change_devices(request, broker, *cmd == "attach");
}

} // namespace

json vm_list_json(const Broker &broker)
{
	json list = json::array();

	for (const Vm *vm : broker.vms().list()) {
		json devices = json::array();
		json dev_ids = json::array();
		for (const auto &[dev_id, device] : vm->devices()) {
			devices.push_back(device->name());
			dev_ids.push_back(dev_id);
		}
		const VmLabels &labels = vm->labels();
		json entry = {
			{"vm_id", vm->id()},
			{"name", labels.name},
			{"uuid", proto::format_uuid(labels.uuid)},
			{"pid", labels.pid},
			{"uid", labels.uid},
			{"device_id", labels.device_id},
			{"state", state_name(vm->state())},
			{"devices", std::move(devices)},
			{"dev_ids", std::move(dev_ids)},
			{"contexts", vm->context_count()},
			{"max_contexts", vm->policy().max_contexts},
			{"requests", vm->requests()},
			{"resets", vm->resets()},
			{"pinned_pages", vm->pinned_pages()},
			{"max_pinned_mb", vm->policy().max_pinned_mb},
		};
		// Host objects over all contexts, "pds", "mrs", "cqs", ..., and
		// what the VM may hold of each, "max_pds", ...
		const ObjectCounts counts = vm->object_counts();
		for (std::size_t kind = 0; kind < counts.size(); kind++) {
			const std::string plural = object_kind_plural(static_cast<ObjectKind>(kind));
			entry[plural] = counts[kind];
			entry["max_" + plural] = vm->policy().max_objects[kind];
		}
		list.push_back(std::move(entry));
	}
	return {{"ok", true}, {"vms", std::move(list)}};
}

json device_list_json(const Broker &broker)
{
	json list = json::array();

	for (const auto &[dev_id, device] : broker.devices().devices()) {
		json vms = json::array();
		for (const Vm *vm : broker.vms().list()) {
			if (vm->device(dev_id))
				vms.push_back({{"vm_id", vm->id()}, {"name", vm->labels().name}});
		}
		const ScannedDevice &scanned = device->scanned();
		list.push_back({
			{"dev_id", dev_id},
			{"name", scanned.name},
			{"driver", driver_name(scanned.driver_id)},
			{"driver_id", scanned.driver_id},
			{"node_guid", format_guid(scanned.node_guid)},
			{"uverbs", scanned.uverbs_name},
			{"ports", device->port_count()},
			{"vms", std::move(vms)},
		});
	}
	// Devices no VM gets, and why.
	json refused = json::array();
	for (const auto &[index, device] : broker.devices().refused()) {
		const ScannedDevice &scanned = device.scanned;
		refused.push_back({
			{"name", scanned.name},
			{"driver", driver_name(scanned.driver_id)},
			{"driver_id", scanned.driver_id},
			{"node_guid", format_guid(scanned.node_guid)},
			{"uverbs", scanned.uverbs_name},
			{"reason", device.reason},
		});
	}
	return {{"ok", true}, {"devices", std::move(list)}, {"refused", std::move(refused)}};
}

std::string handle_control_line(std::string_view line, Broker &broker, ControlRole role)
{
	if (role == ControlRole::none)
		return error_reply("permission denied: not a user of hyvd's control socket").dump();
	const json request = json::parse(line, nullptr, /*allow_exceptions=*/false);
	const json reply = request.is_discarded() ? error_reply("request is not valid JSON")
						  : dispatch(request, broker, role);

	// Labels come from QEMU and may hold invalid UTF-8; never let them
	// make dump() throw.
	return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace hyv::broker

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

json dispatch(const json &request, const VmRegistry &registry)
{
	if (!request.is_object())
		return error_reply("request is not a JSON object");
	const auto cmd = request.find("cmd");
	if (cmd == request.end() || !cmd->is_string())
		return error_reply("request has no \"cmd\" string");

	const auto &name = cmd->get_ref<const std::string &>();
	if (name == "list")
		return vm_list_json(registry.list());
	return error_reply("unknown command '" + name + "'");
}

} // namespace

json vm_list_json(const std::vector<VmInfo> &vms)
{
	json list = json::array();

	for (const VmInfo &vm : vms) {
		list.push_back({
			{"vm_id", vm.vm_id},
			{"name", vm.name},
			{"uuid", proto::format_uuid(vm.uuid)},
			{"pid", vm.pid},
			{"uid", vm.uid},
			{"device_id", vm.device_id},
			{"devices", vm.devices},
			{"requests", vm.requests},
		});
	}
	return {{"ok", true}, {"vms", std::move(list)}};
}

std::string handle_control_line(std::string_view line, const VmRegistry &registry)
{
	const json request = json::parse(line, nullptr, /*allow_exceptions=*/false);
	const json reply = request.is_discarded() ? error_reply("request is not valid JSON")
						  : dispatch(request, registry);

	// Labels come from QEMU and may hold invalid UTF-8; never let them
	// make dump() throw.
	return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace hyv::broker

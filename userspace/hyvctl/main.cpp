// SPDX-License-Identifier: GPL-2.0
// hyvctl: administer a running hyvd over its control socket.

#include <hyv/ctl/control_client.hpp>
#include <hyv/ctl/tables.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <functional>
#include <string>

namespace {

using nlohmann::json;

constexpr auto kReplyTimeout = std::chrono::seconds(5);

// hyvd's answer to `request`, or nullopt after saying why there is none.
std::optional<json> ask(const std::string &socket_path, const json &request)
{
	auto reply = hyv::ctl::control_request(socket_path, request, kReplyTimeout);
	if (!reply) {
		const auto &ec = reply.error();
		const bool not_running = ec == std::errc::no_such_file_or_directory ||
					 ec == std::errc::connection_refused;
		fmt::print(stderr, "hyvctl: cannot talk to hyvd at {}: {}{}\n", socket_path,
			   ec.message(), not_running ? " (is hyvd running?)" : "");
		return std::nullopt;
	}
	if (reply->value("ok", false) != true) {
		fmt::print(stderr, "hyvctl: {}\n", reply->value("error", "request failed"));
		return std::nullopt;
	}
	return std::move(*reply);
}

using Formatter = std::function<hyv::Result<std::string>(const json &)>;

int show(const std::string &socket_path, const char *cmd, bool json_output, Formatter format)
{
	auto reply = ask(socket_path, {{"cmd", cmd}});
	if (!reply)
		return 1;
	if (json_output) {
		fmt::print("{}\n", reply->dump(-1, ' ', false, json::error_handler_t::replace));
		return 0;
	}
	auto table = format(*reply);
	if (!table) {
		fmt::print(stderr, "hyvctl: unexpected reply from hyvd\n");
		return 1;
	}
	fmt::print("{}", *table);
	return 0;
}

int change(const std::string &socket_path, const char *cmd, const std::string &vm,
	   const std::string &device)
{
	return ask(socket_path, {{"cmd", cmd}, {"vm", vm}, {"device", device}}) ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
	CLI::App app{"hyvctl: administer the HyV broker hyvd"};
	std::string socket_path = "/run/hyvd/control.sock";
	bool json_output = false;
	std::string vm, device;

	app.add_option("--socket", socket_path, "hyvd's control socket")->capture_default_str();
	app.require_subcommand(1);
	auto *list_cmd = app.add_subcommand("list", "List the VMs hyvd serves");
	list_cmd->add_flag("--json", json_output, "Print hyvd's JSON reply as is");
	auto *devices_cmd = app.add_subcommand("devices", "List the host RDMA devices hyvd offers, and those it refuses");
	devices_cmd->add_flag("--json", json_output, "Print hyvd's JSON reply as is");
	auto *attach_cmd = app.add_subcommand(
		"attach", "Give a VM a host device until it disconnects (not saved)");
	auto *detach_cmd = app.add_subcommand(
		"detach", "Take a host device from a VM until it disconnects (not saved)");
	for (auto *cmd : {attach_cmd, detach_cmd}) {
		cmd->add_option("VM", vm, "vm_id, UUID or name of the VM")->required();
		cmd->add_option("DEV", device, "host device name or node GUID")->required();
	}
	CLI11_PARSE(app, argc, argv);

	if (*list_cmd)
		return show(socket_path, "list", json_output, hyv::ctl::format_vm_table);
	if (*devices_cmd)
		return show(socket_path, "devices", json_output, hyv::ctl::format_device_table);
	if (*attach_cmd)
		return change(socket_path, "attach", vm, device);
	if (*detach_cmd)
		return change(socket_path, "detach", vm, device);
	return 1;
}

// SPDX-License-Identifier: GPL-2.0
// hyvctl: administer a running hyvd over its control socket.

#include <hyv/ctl/control_client.hpp>
#include <hyv/ctl/vm_table.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <string>

namespace {

constexpr auto kReplyTimeout = std::chrono::seconds(5);

int list(const std::string &socket_path, bool json_output)
{
	auto reply = hyv::ctl::control_request(socket_path, {{"cmd", "list"}}, kReplyTimeout);
	if (!reply) {
		const auto &ec = reply.error();
		const bool not_running = ec == std::errc::no_such_file_or_directory ||
					 ec == std::errc::connection_refused;
		fmt::print(stderr, "hyvctl: cannot talk to hyvd at {}: {}{}\n", socket_path,
			   ec.message(), not_running ? " (is hyvd running?)" : "");
		return 1;
	}
	if (json_output) {
		fmt::print("{}\n", reply->dump(-1, ' ', false,
					       nlohmann::json::error_handler_t::replace));
		return 0;
	}
	if (reply->value("ok", false) != true) {
		fmt::print(stderr, "hyvctl: hyvd: {}\n", reply->value("error", "request failed"));
		return 1;
	}
	auto table = hyv::ctl::format_vm_table(*reply);
	if (!table) {
		fmt::print(stderr, "hyvctl: unexpected reply from hyvd\n");
		return 1;
	}
	fmt::print("{}", *table);
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	CLI::App app{"hyvctl: administer the HyV broker hyvd"};
	std::string socket_path = "/run/hyvd/control.sock";
	bool json_output = false;

	app.add_option("--socket", socket_path, "hyvd's control socket")->capture_default_str();
	app.require_subcommand(1);
	auto *list_cmd = app.add_subcommand("list", "List the VMs hyvd serves");
	list_cmd->add_flag("--json", json_output, "Print hyvd's JSON reply as is");
	CLI11_PARSE(app, argc, argv);

	if (*list_cmd)
		return list(socket_path, json_output);
	return 1;
}

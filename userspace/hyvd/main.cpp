// SPDX-License-Identifier: GPL-2.0
// hyvd: the HyV broker.  Serves QEMU's virtio-hyv-pci devices on the broker
// socket and hyvctl on the control socket, in the foreground, until SIGTERM
// or SIGINT.

#include <hyv/broker/accept_loop.hpp>
#include <hyv/broker/control_server.hpp>
#include <hyv/broker/rdma_netlink_inventory.hpp>
#include <hyv/broker/unix_listener.hpp>
#include <hyv/broker/vm_registry.hpp>
#include <hyv/broker/vm_session.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <CLI/CLI.hpp>
#include <fmt/ranges.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <string>

namespace {

using namespace hyv::broker;

constexpr auto kHelloTimeout = std::chrono::seconds(5);

struct Options {
	std::string broker_socket = "/run/hyvd/broker.sock";
	std::string control_socket = "/run/hyvd/control.sock";
	std::string log_level = "info";
};

void setup_logging(const std::string &level)
{
	auto logger = spdlog::stderr_logger_st("hyvd");
	logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l: %v");
	logger->set_level(spdlog::level::from_str(level));
	spdlog::set_default_logger(std::move(logger));
}

void log_host_devices(DeviceInventory &inventory)
{
	auto devices = inventory.host_devices();
	if (!devices) {
		spdlog::error("cannot list host RDMA devices: {}", devices.error().message());
		return;
	}
	std::vector<std::string> names;
	for (const auto &device : *devices)
		names.push_back(fmt::format("{} (driver {})", device.name, device.driver_id));
	spdlog::info("host RDMA devices: [{}]", fmt::join(names, ", "));
}

int run(const Options &options)
{
	boost::asio::io_context io;
	RdmaNetlinkInventory inventory;
	VmRegistry registry;

	auto broker = UnixListener::open(io.get_executor(), options.broker_socket);
	if (!broker) {
		spdlog::critical("cannot listen on {}: {}", options.broker_socket,
				 broker.error().message());
		return 1;
	}
	auto control = UnixListener::open(io.get_executor(), options.control_socket);
	if (!control) {
		spdlog::critical("cannot listen on {}: {}", options.control_socket,
				 control.error().message());
		return 1;
	}
	log_host_devices(inventory);

	boost::asio::signal_set signals(io, SIGINT, SIGTERM);
	signals.async_wait([&](const boost::system::error_code &ec, int signo) {
		if (ec)
			return;
		spdlog::info("exiting on signal {}", signo);
		io.stop();
	});

	const SessionContext context{
		.registry = registry,
		.inventory = inventory,
		.hello_timeout = kHelloTimeout,
	};
	spawn_detached(io.get_executor(),
		       accept_loop((*broker)->acceptor(), "broker socket",
				   [context](auto socket) { return serve_vm(std::move(socket), context); }),
		       "broker socket");
	spawn_detached(io.get_executor(),
		       accept_loop((*control)->acceptor(), "control socket",
				   [&registry](auto socket) {
					   return serve_control_client(std::move(socket), registry);
				   }),
		       "control socket");

	spdlog::info("listening on {} (broker) and {} (control)", options.broker_socket,
		     options.control_socket);
	io.run();
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	CLI::App app{"hyvd: HyV broker, executing guests' RDMA control requests on the host"};
	Options options;
	bool foreground = false;

	app.add_option("--broker-socket", options.broker_socket, "Socket QEMU connects to")
		->capture_default_str();
	app.add_option("--control-socket", options.control_socket, "Socket hyvctl connects to")
		->capture_default_str();
	app.add_option("--log-level", options.log_level, "Log verbosity")
		->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
		->capture_default_str();
	app.add_flag("--foreground", foreground,
		     "Stay in the foreground (the only mode; accepted for service files)");
	CLI11_PARSE(app, argc, argv);

	setup_logging(options.log_level);
	// Peers that vanish must surface as EPIPE, not kill the daemon.
	std::signal(SIGPIPE, SIG_IGN);
	return run(options);
}

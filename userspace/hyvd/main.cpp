// SPDX-License-Identifier: GPL-2.0
// hyvd: the HyV broker.  Serves QEMU's virtio-hyv-pci devices on the broker
// socket and hyvctl on the control socket, in the foreground, until SIGTERM
// or SIGINT.

#include <hyv/broker/accept_loop.hpp>
#include <hyv/broker/broker.hpp>
#include <hyv/broker/control_server.hpp>
#include <hyv/broker/rdma_netlink_inventory.hpp>
#include <hyv/broker/unix_listener.hpp>
#include <hyv/broker/verbs_host_device.hpp>
#include <hyv/broker/vm_session.hpp>
#include <hyv/proto/broker_protocol.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <linux/virtio_hyv.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <string>

namespace {

using namespace hyv::broker;

constexpr auto kHelloTimeout = std::chrono::seconds(5);
constexpr auto kRescanInterval = std::chrono::seconds(1);

struct Options {
	std::string config;
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

// Every host context holds two fds: allow as many as the hard limit does.
void raise_fd_limit()
{
	rlimit limit{};
	if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
		limit.rlim_cur = limit.rlim_max;
		if (::setrlimit(RLIMIT_NOFILE, &limit) < 0)
			spdlog::warn("cannot raise the open file limit: {}",
				     std::generic_category().message(errno));
	}
}

void log_config(const Config &config)
{
	if (config.origin.empty())
		spdlog::info("config loaded path=none vms=0 (every VM gets every device, "
			     "max_contexts={})",
			     config.defaults.max_contexts);
	else
		spdlog::info("config loaded path={} vms={} default_devices={} max_contexts={}",
			     config.origin, config.by_name.size() + config.by_uuid.size(),
			     config.defaults.devices.size(), config.defaults.max_contexts);
}

int run(const Options &options, Config config)
{
	RdmaNetlinkInventory inventory;
	Broker broker(std::move(config), inventory, open_verbs_device);
	// Declared after the broker so that it is destroyed first: destroying
	// it destroys the coroutines still suspended in it (VM sessions,
	// control clients, the device scan), which use the broker as they go.
	boost::asio::io_context io;

	const AccessPolicy &access = broker.config().access;
	auto listener_at = [&](const std::string &path, const SocketAccess &socket_access) {
		auto listener = UnixListener::open(io.get_executor(), path, socket_access);
		if (!listener)
			spdlog::critical("cannot listen on {}: {}", path, listener.error().message());
		return listener;
	};
	auto broker_listener = listener_at(options.broker_socket, access.broker_socket);
	if (!broker_listener)
		return 1;
	auto control_listener = listener_at(options.control_socket, access.control_socket);
	if (!control_listener)
		return 1;
	broker.rescan();

	boost::asio::signal_set signals(io, SIGINT, SIGTERM);
	signals.async_wait([&](const boost::system::error_code &ec, int signo) {
		if (ec)
			return;
		spdlog::info("exiting on signal {}", signo);
		io.stop();
	});

	const SessionContext context{.broker = broker,
				     .hello_timeout = kHelloTimeout,
				     .self = ::geteuid(),
				     .check_relay = check_vhost_hyv_relay};
	spawn_detached(io.get_executor(),
		       accept_loop((*broker_listener)->acceptor(), "broker socket",
				   [context](auto socket) { return serve_vm(std::move(socket), context); }),
		       "broker socket");
	spawn_detached(io.get_executor(),
		       accept_loop((*control_listener)->acceptor(), "control socket",
				   [&broker](auto socket) {
					   return serve_control_client(std::move(socket), broker,
								       ::geteuid());
				   }),
		       "control socket");
	spawn_detached(io.get_executor(), watch_devices(broker, kRescanInterval), "device scan");

	spdlog::info("listening broker={} control={}", options.broker_socket,
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

	// What an operator compares with a guest's hyv_version and QEMU's
	// broker protocol when a guest does not come up.
	app.set_version_flag("--version",
			     fmt::format("hyvd: guest protocol {}.{}, broker protocol {}",
					 VIRTIO_HYV_VERSION_MAJOR, VIRTIO_HYV_VERSION_MINOR,
					 hyv::proto::kBrokerProtocolVersion));
	app.add_option("--config", options.config,
		       fmt::format("Configuration file [default: {}, if it exists]",
				   kDefaultConfigPath));
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
	const bool named = !options.config.empty();
	auto config = load_config(named ? options.config : kDefaultConfigPath, named);
	if (!config) {
		spdlog::critical("bad configuration, not starting: {}", config.error().message);
		return 1;
	}
	log_config(*config);
	raise_fd_limit();
	// Peers that vanish must surface as EPIPE, not kill the daemon.
	std::signal(SIGPIPE, SIG_IGN);
	return run(options, std::move(*config));
}

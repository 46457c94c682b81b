// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/vm_session.hpp>

#include <hyv/broker/broker_hello.hpp>
#include <hyv/broker/context_events.hpp>
#include <hyv/broker/peer_access.hpp>
#include <hyv/broker/relay_memory.hpp>
#include <hyv/broker/request_dispatcher.hpp>
#include <hyv/proto/broker_error.hpp>
#include <hyv/proto/byte_order.hpp>
#include <hyv/proto/control_response.hpp>
#include <hyv/proto/relay_frame.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace hyv::broker {
namespace {

using namespace asio::experimental::awaitable_operators;
using local_socket = asio::local::stream_protocol::socket;
using proto::BrokerError;

awaitable<Result<ReceivedHello>> receive_hello_within(local_socket &socket,
						      std::chrono::milliseconds timeout)
{
	asio::steady_timer timer(socket.get_executor(), timeout);

	auto first = co_await (receive_hello(socket) || timer.async_wait(use_result));
	if (first.index() == 1)
		co_return make_error_code(BrokerError::hello_timeout);
	co_return std::move(std::get<0>(first));
}

awaitable<std::error_code> send_welcome(local_socket &socket, int32_t status, uint32_t vm_id)
{
	const auto welcome = proto::encode_welcome(status, vm_id);
	auto [ec, written] = co_await asio::async_write(socket, asio::buffer(welcome), use_result);
	co_return to_std(ec);
}

// Events go out with one synchronous write each: vhost_hyv takes or refuses
// a relay write at once, and the VM's state never waits for delivery.
Vm::EventSink relay_event_sink(int relay_fd)
{
	return [relay_fd](const Vm &vm, const proto::Event &event) {
		const auto frame = proto::encode_relay_event(event);
		if (::write(relay_fd, frame.data(), frame.size()) < 0) {
			const int err = errno;
			if (uint64_t suppressed; vm.may_log(suppressed))
				spdlog::warn("event not delivered {} type={} error=\"{}\" "
					     "suppressed={}",
					     vm.log_name(), proto::load_le<uint32_t>(event, 0),
					     std::generic_category().message(err), suppressed);
		}
	};
}

// QEMU sends nothing after HELLO in this protocol version, so any message is
// a violation; EOF is QEMU going away.
awaitable<std::error_code> watch_broker(local_socket &socket)
{
	std::array<std::byte, proto::kBrokerHeaderSize> header_bytes;
	auto [ec, n] = co_await asio::async_read(socket, asio::buffer(header_bytes), use_result);
	if (ec)
		co_return to_std(ec);

	const auto header = proto::decode_broker_header(header_bytes);
	if (header.type == static_cast<uint32_t>(proto::BrokerMessageType::hello))
		co_return BrokerError::unexpected_message;
	co_return BrokerError::unknown_message_type;
}

// vhost_hyv's answers to a write it refuses; each concerns one request only.
bool is_per_request_error(const boost::system::error_code &ec)
{
	return ec == boost::system::errc::no_such_file_or_directory ||
	       ec == boost::system::errc::message_size ||
	       ec == boost::system::errc::invalid_argument;
}

// One read is one request, one write one response: the relay fd keeps
// message boundaries.  Requests are answered in order, one at a time.
awaitable<std::error_code> serve_relay(asio::posix::stream_descriptor &relay, Vm &vm)
{
	std::vector<std::byte> in(proto::kRelayReadBufferSize);
	std::vector<std::byte> out(proto::kRelayWriteBufferSize);

	for (;;) {
		auto [rec, n] = co_await relay.async_read_some(asio::buffer(in), use_result);
		if (rec)
			co_return to_std(rec);
		vm.count_request();

		const auto len = dispatch_relay_frame(vm, std::span(in).first(n), out);
		if (!len)
			continue;
		auto [wec, written] = co_await relay.async_write_some(asio::buffer(out.data(), *len),
								      use_result);
		if (wec && is_per_request_error(wec)) {
			spdlog::error("response refused {} error=\"{}\"", vm.log_name(),
				      wec.message());
			continue;
		}
		if (wec)
			co_return to_std(wec);
		if (written != *len)
			co_return std::make_error_code(std::errc::message_size);
	}
}

void log_connected(const Vm &vm, uint32_t hello_pid)
{
	std::vector<std::string> devices;
	for (const auto &[dev_id, device] : vm.devices())
		devices.push_back(device->name());
	const VmLabels &labels = vm.labels();
	spdlog::info("vm connected {} uuid={} device_id={:?} pid={} uid={} devices={} "
		     "max_contexts={}",
		     vm.log_name(), proto::format_uuid(labels.uuid), labels.device_id, labels.pid,
		     labels.uid, fmt::join(devices, ","), vm.policy().max_contexts);
	if (hello_pid != static_cast<uint32_t>(labels.pid))
		spdlog::debug("vm pid differs {} hello_pid={} peer_pid={}", vm.log_name(), hello_pid,
			      labels.pid);
}

void log_disconnected(const Vm &vm, const char *side, std::error_code reason)
{
	const bool orderly = reason == std::error_code(asio::error::make_error_code(asio::error::eof)) ||
			     reason == std::errc::connection_reset;
	if (orderly)
		spdlog::info("vm disconnected {} closed={} contexts={}", vm.log_name(), side,
			     vm.context_count());
	else
		spdlog::error("vm dropped {} side={} error=\"{}\" contexts={}", vm.log_name(), side,
			      reason.message(), vm.context_count());
}

} // namespace

awaitable<void> serve_vm(local_socket socket, SessionContext context)
{
	auto peer = peer_identity(socket.native_handle());
	if (!peer) {
		spdlog::error("broker connection refused error=\"cannot identify peer: {}\"",
			      peer.error().message());
		co_return;
	}

	auto received = co_await receive_hello_within(socket, context.hello_timeout);
	if (!received) {
		// Connecting and closing without a word is what a liveness probe
		// (like hyvd's own stale-socket check) does: not an error.
		const auto level = received.error() == BrokerError::closed_before_hello
					   ? spdlog::level::debug
					   : spdlog::level::err;
		spdlog::log(level, "broker connection refused pid={} error=\"{}\"", peer->pid,
			    received.error().message());
		if (received.error() == BrokerError::unsupported_version)
			co_await send_welcome(socket, -EPROTONOSUPPORT, 0);
		co_return;
	}
	const proto::BrokerHello &hello = received->hello;
	if (!admits(context.broker.config().access.qemu, *peer, context.self)) {
		spdlog::error("broker connection refused pid={} uid={} error=\"not a QEMU user "
			      "of [access]\"",
			      peer->pid, peer->uid);
		co_await send_welcome(socket, -EACCES, 0);
		co_return;
	}
	if (auto ec = context.check_relay(received->relay_fd.get())) {
		spdlog::error("broker connection refused pid={} error=\"the fd sent with HELLO is "
			      "not a vhost-hyv relay: {}\"",
			      peer->pid, ec.message());
		co_await send_welcome(socket, -ec.value(), 0);
		co_return;
	}

	asio::posix::stream_descriptor relay(socket.get_executor(),
					     received->relay_fd.release());
	boost::system::error_code nbec;
	relay.non_blocking(true, nbec);
	if (nbec) {
		spdlog::error("broker connection refused pid={} error=\"relay fd unusable: {}\"",
			      peer->pid, nbec.message());
		co_await send_welcome(socket, -nbec.value(), 0);
		co_return;
	}

	auto registration = context.broker.add_vm(
		{
			.pid = peer->pid,
			.uid = peer->uid,
			.name = hello.name,
			.uuid = hello.uuid,
			.device_id = hello.device_id,
		},
		relay_event_sink(relay.native_handle()));
	Vm &vm = registration.vm();
	vm.set_relay_memory(relay_memory_on(relay.native_handle()));
	vm.set_context_watcher(event_readers(socket.get_executor(), vm));

	if (auto ec = co_await send_welcome(socket, 0, vm.id())) {
		spdlog::error("vm refused {} error=\"cannot send WELCOME: {}\"", vm.log_name(),
			      ec.message());
		co_return;
	}
	log_connected(vm, hello.qemu_pid);
	// A guest driver that is already running resynchronises with HELLO.
	vm.send_event(proto::encode_broker_up_event());

	auto ended = co_await (watch_broker(socket) || serve_relay(relay, vm));
	if (ended.index() == 0)
		log_disconnected(vm, "broker", std::get<0>(ended));
	else
		log_disconnected(vm, "relay", std::get<1>(ended));
}

} // namespace hyv::broker

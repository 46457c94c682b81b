// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/control_server.hpp>

#include <hyv/broker/control_commands.hpp>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <spdlog/spdlog.h>

#include <string>

namespace hyv::broker {

namespace {

// The role of the client on `socket`; none if the kernel cannot say who
// it is.
ControlRole role_of(asio::local::stream_protocol::socket &socket, const Broker &broker,
		    uid_t self)
{
	auto peer = peer_identity(socket.native_handle());
	if (!peer) {
		spdlog::error("control connection refused error=\"cannot identify peer: {}\"",
			      peer.error().message());
		return ControlRole::none;
	}
	const ControlRole role = control_role(broker.config().access, *peer, self);
	if (role == ControlRole::none)
		spdlog::warn("control connection refused pid={} uid={} reason=\"neither an "
			     "administrator nor a reader of [access]\"",
			     peer->pid, peer->uid);
	return role;
}

} // namespace

awaitable<void> serve_control_client(asio::local::stream_protocol::socket socket,
				     Broker &broker, uid_t self)
{
	const ControlRole role = role_of(socket, broker, self);
	std::string input;

	for (;;) {
		auto [rec, n] = co_await asio::async_read_until(
			socket, asio::dynamic_buffer(input, kMaxControlLine), '\n', use_result);
		std::string reply;
		if (rec == asio::error::not_found) {
			spdlog::error("control request refused reason=\"longer than {} bytes\"",
				      kMaxControlLine);
			reply = R"({"ok":false,"error":"request line too long"})";
		} else if (rec) {
			co_return;
		} else {
			reply = handle_control_line(std::string_view(input).substr(0, n - 1), broker,
						    role);
			input.erase(0, n);
		}
		reply += '\n';
		auto [wec, written] = co_await asio::async_write(socket, asio::buffer(reply), use_result);
		if (wec || rec)
			co_return;
	}
}

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
// Accepting connections on a listener, each served by its own coroutine.
#pragma once

#include <hyv/broker/asio.hpp>

#include <boost/asio/local/stream_protocol.hpp>

#include <functional>
#include <string>

namespace hyv::broker {

using ConnectionHandler = std::function<awaitable<void>(asio::local::stream_protocol::socket)>;

// Runs until `acceptor` is closed.  `what` names the listener in logs.
awaitable<void> accept_loop(asio::local::stream_protocol::acceptor &acceptor, std::string what,
			    ConnectionHandler serve);

// co_spawn for a coroutine nobody awaits: an exception escaping it (only
// resource exhaustion can throw) is logged, not lost.
void spawn_detached(const asio::any_io_executor &executor, awaitable<void> task,
		    std::string what);

} // namespace hyv::broker

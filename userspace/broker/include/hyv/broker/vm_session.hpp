// SPDX-License-Identifier: GPL-2.0
// One VM, from QEMU's HELLO on the broker socket until it goes away.
#pragma once

#include <hyv/broker/asio.hpp>
#include <hyv/broker/broker.hpp>

#include <boost/asio/local/stream_protocol.hpp>

#include <chrono>

namespace hyv::broker {

struct SessionContext {
	Broker &broker;
	std::chrono::milliseconds hello_timeout;
};

// Takes HELLO and the relay fd, registers the VM, answers WELCOME, tells
// the guest BROKER_UP, then serves the guest's requests until the broker
// connection closes or sends anything, or the relay fd reports EOF,
// hang-up or an error.  The VM is unregistered (its host contexts closed)
// and both fds are closed on every way out.
awaitable<void> serve_vm(asio::local::stream_protocol::socket socket, SessionContext context);

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
// One VM, from QEMU's HELLO on the broker socket until it goes away.
#pragma once

#include <hyv/broker/asio.hpp>
#include <hyv/broker/broker.hpp>

#include <boost/asio/local/stream_protocol.hpp>

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <system_error>

namespace hyv::broker {

struct SessionContext {
	Broker &broker;
	std::chrono::milliseconds hello_timeout;
	uid_t self;	// hyvd's user, always a permitted peer
	// EINVAL for an fd that is not a relay (check_vhost_hyv_relay).
	std::function<std::error_code(int fd)> check_relay;
};

// Takes HELLO and the relay fd, refuses (WELCOME with -EACCES) a peer that
// is not one of the configured QEMU users and (-EINVAL) an fd that is not a
// relay, registers the VM, answers WELCOME, tells
// the guest BROKER_UP, then serves the guest's requests until the broker
// connection closes or sends anything, or the relay fd reports EOF,
// hang-up or an error.  The VM is unregistered (its host contexts closed)
// and both fds are closed on every way out.
awaitable<void> serve_vm(asio::local::stream_protocol::socket socket, SessionContext context);

} // namespace hyv::broker

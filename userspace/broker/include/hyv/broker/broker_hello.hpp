// SPDX-License-Identifier: GPL-2.0
// Receiving the HELLO that opens a broker connection, together with the
// relay fd QEMU attaches to it as SCM_RIGHTS.
#pragma once

#include <hyv/broker/asio.hpp>
#include <hyv/proto/broker_protocol.hpp>
#include <hyv/unique_fd.hpp>

#include <boost/asio/local/stream_protocol.hpp>

namespace hyv::broker {

struct ReceivedHello {
	proto::BrokerHello hello;
	UniqueFd relay_fd;
};

// Reads exactly one HELLO message.  Any fd that arrives is closed again
// unless it is the single relay fd handed back; fails with a BrokerError (or
// the socket's error) on anything but a well-formed HELLO with one fd.
awaitable<Result<ReceivedHello>> receive_hello(asio::local::stream_protocol::socket &socket);

} // namespace hyv::broker

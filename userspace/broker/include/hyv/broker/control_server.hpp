// SPDX-License-Identifier: GPL-2.0
// One hyvctl connection on the control socket.
#pragma once

#include <hyv/broker/asio.hpp>
#include <hyv/broker/broker.hpp>

#include <boost/asio/local/stream_protocol.hpp>

#include <sys/types.h>

namespace hyv::broker {

// Longest request line accepted; a longer one gets an error and the
// connection is closed.
inline constexpr std::size_t kMaxControlLine = 4096;

// Answers request lines until the client closes the connection, as far as
// the client's role in the configuration's [access] allows (root and
// `self`, hyvd's user, are administrators).
awaitable<void> serve_control_client(asio::local::stream_protocol::socket socket,
				     Broker &broker, uid_t self);

} // namespace hyv::broker

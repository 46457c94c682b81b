// SPDX-License-Identifier: GPL-2.0
// The Asio vocabulary hyvd's coroutines share.  Every operation completes
// with as_tuple so errors arrive as values, never as exceptions.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <system_error>

namespace hyv::broker {

namespace asio = boost::asio;

template <typename T>
using awaitable = asio::awaitable<T>;

inline constexpr auto use_result = asio::as_tuple(asio::use_awaitable);

// Asio reports boost::system errors; HyV code speaks std::error_code.
inline std::error_code to_std(const boost::system::error_code &ec)
{
	return ec;
}

} // namespace hyv::broker

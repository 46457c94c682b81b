// SPDX-License-Identifier: GPL-2.0
// Result<T>: a value or a std::error_code, for every fallible call in HyV's
// userspace.  boost::system::result is the std::expected-like type available
// with C++20 and Boost 1.81; pinning E to std::error_code keeps statuses in
// the generic (errno) category the wire protocols speak.
#pragma once

#include <boost/system/result.hpp>

#include <cerrno>
#include <system_error>

namespace hyv {

template <typename T>
using Result = boost::system::result<T, std::error_code>;

inline std::error_code errno_code(int value)
{
	return {value, std::generic_category()};
}

inline std::error_code last_errno()
{
	return errno_code(errno);
}

} // namespace hyv

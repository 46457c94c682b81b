// SPDX-License-Identifier: GPL-2.0
// Why a broker connection (QEMU -> hyvd) was refused, as std::error_code.
#pragma once

#include <system_error>

namespace hyv::proto {

enum class BrokerError {
	unknown_message_type = 1,
	bad_hello_size,
	unsupported_version,
	label_not_terminated,
	label_not_printable,
	no_relay_fd,
	extra_fds,
	control_data_truncated,
	closed_before_hello,
	hello_timeout,
	unexpected_message,
};

const std::error_category &broker_category();

inline std::error_code make_error_code(BrokerError e)
{
	return {static_cast<int>(e), broker_category()};
}

} // namespace hyv::proto

template <>
struct std::is_error_code_enum<hyv::proto::BrokerError> : std::true_type {};

// SPDX-License-Identifier: GPL-2.0
#include <hyv/proto/broker_error.hpp>

#include <string>

namespace hyv::proto {
namespace {

class BrokerCategory final : public std::error_category {
public:
	const char *name() const noexcept override { return "hyv-broker"; }

	std::string message(int value) const override
	{
		switch (static_cast<BrokerError>(value)) {
		case BrokerError::unknown_message_type:
			return "unknown message type";
		case BrokerError::bad_hello_size:
			return "HELLO payload has the wrong size";
		case BrokerError::unsupported_version:
			return "unsupported broker protocol version";
		case BrokerError::label_not_terminated:
			return "HELLO label is not NUL-terminated";
		case BrokerError::label_not_printable:
			return "HELLO label contains control characters";
		case BrokerError::no_relay_fd:
			return "HELLO carries no relay fd";
		case BrokerError::extra_fds:
			return "HELLO carries more than one fd";
		case BrokerError::control_data_truncated:
			return "ancillary data truncated";
		case BrokerError::closed_before_hello:
			return "peer closed the connection before HELLO";
		case BrokerError::hello_timeout:
			return "no HELLO in time";
		case BrokerError::unexpected_message:
			return "message not allowed after HELLO";
		}
		return "unknown broker error " + std::to_string(value);
	}
};

} // namespace

const std::error_category &broker_category()
{
	static const BrokerCategory category;
	return category;
}

} // namespace hyv::proto

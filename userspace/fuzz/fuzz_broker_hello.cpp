// SPDX-License-Identifier: GPL-2.0
// Fuzzes what a broker peer controls before it is trusted with a VM: the
// opening message header and the HELLO payload.  A HELLO that decodes must
// survive a round trip through its encoder.
#include <hyv/proto/broker_protocol.hpp>

#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	using namespace hyv::proto;

	const auto message = std::as_bytes(std::span(data, size));
	if (message.size() < kBrokerHeaderSize)
		return 0;
	const auto header = decode_broker_header(message.first<kBrokerHeaderSize>());
	if (check_hello_header(header))
		return 0;

	const auto payload = message.subspan(kBrokerHeaderSize);
	auto hello = decode_broker_hello(payload);
	if (!hello)
		return 0;
	if (payload.size() != kBrokerHelloSize)
		std::abort();

	auto again = decode_broker_hello(encode_broker_hello(*hello));
	if (!again || again->name != hello->name || again->device_id != hello->device_id ||
	    again->uuid != hello->uuid || again->qemu_pid != hello->qemu_pid)
		std::abort();
	return 0;
}

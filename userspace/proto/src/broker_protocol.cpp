// SPDX-License-Identifier: GPL-2.0
#include <hyv/proto/broker_protocol.hpp>

#include <hyv/proto/broker_error.hpp>
#include <hyv/proto/byte_order.hpp>

#include <algorithm>
#include <cstring>

namespace hyv::proto {
namespace {

// struct hyv_broker_hello, little-endian, packed by layout.
constexpr std::size_t kHelloVersion = 0;
constexpr std::size_t kHelloPid = 4;
constexpr std::size_t kHelloUuid = 8;
constexpr std::size_t kHelloName = 24;
constexpr std::size_t kHelloDeviceId = kHelloName + kBrokerLabelSize;
static_assert(kHelloDeviceId + kBrokerLabelSize == kBrokerHelloSize);

Result<std::string> decode_label(std::span<const std::byte> field)
{
	const auto nul = std::ranges::find(field, std::byte{0});
	if (nul == field.end())
		return make_error_code(BrokerError::label_not_terminated);

	std::string label(reinterpret_cast<const char *>(field.data()),
			  static_cast<std::size_t>(nul - field.begin()));
	// Labels end up in logs and JSON; bytes >= 0x80 are left for UTF-8.
	if (std::ranges::any_of(label, [](char c) {
		    const auto byte = static_cast<unsigned char>(c);
		    return byte < 0x20 || byte == 0x7f;
	    }))
		return make_error_code(BrokerError::label_not_printable);
	return label;
}

void encode_label(std::span<std::byte> field, const std::string &label)
{
	std::ranges::fill(field, std::byte{0});
	std::memcpy(field.data(), label.data(), std::min(label.size(), field.size() - 1));
}

} // namespace

BrokerHeader decode_broker_header(std::span<const std::byte, kBrokerHeaderSize> in)
{
	return {.type = load_le<uint32_t>(in, 0), .len = load_le<uint32_t>(in, 4)};
}

std::array<std::byte, kBrokerHeaderSize> encode_broker_header(BrokerHeader header)
{
	std::array<std::byte, kBrokerHeaderSize> out{};
	store_le<uint32_t>(out, 0, header.type);
	store_le<uint32_t>(out, 4, header.len);
	return out;
}

std::error_code check_hello_header(BrokerHeader header)
{
	if (header.type != static_cast<uint32_t>(BrokerMessageType::hello))
		return BrokerError::unknown_message_type;
	if (header.len != kBrokerHelloSize)
		return BrokerError::bad_hello_size;
	return {};
}

Result<BrokerHello> decode_broker_hello(std::span<const std::byte> payload)
{
	if (payload.size() != kBrokerHelloSize)
		return make_error_code(BrokerError::bad_hello_size);

	BrokerHello hello;
	hello.version = load_le<uint32_t>(payload, kHelloVersion);
	if (hello.version != kBrokerProtocolVersion)
		return make_error_code(BrokerError::unsupported_version);
	hello.qemu_pid = load_le<uint32_t>(payload, kHelloPid);
	std::ranges::transform(payload.subspan(kHelloUuid, hello.uuid.size()), hello.uuid.begin(),
			       [](std::byte b) { return std::to_integer<uint8_t>(b); });

	auto name = decode_label(payload.subspan(kHelloName, kBrokerLabelSize));
	if (!name)
		return name.error();
	auto device_id = decode_label(payload.subspan(kHelloDeviceId, kBrokerLabelSize));
	if (!device_id)
		return device_id.error();
	hello.name = std::move(*name);
	hello.device_id = std::move(*device_id);
	return hello;
}

std::array<std::byte, kBrokerHelloSize> encode_broker_hello(const BrokerHello &hello)
{
	std::array<std::byte, kBrokerHelloSize> out{};
	store_le<uint32_t>(out, kHelloVersion, hello.version);
	store_le<uint32_t>(out, kHelloPid, hello.qemu_pid);
	std::ranges::transform(hello.uuid, out.begin() + kHelloUuid,
			       [](uint8_t b) { return std::byte{b}; });
	encode_label(std::span(out).subspan(kHelloName, kBrokerLabelSize), hello.name);
	encode_label(std::span(out).subspan(kHelloDeviceId, kBrokerLabelSize), hello.device_id);
	return out;
}

std::array<std::byte, kBrokerHeaderSize + kBrokerWelcomeSize>
encode_welcome(int32_t status, uint32_t vm_id)
{
	std::array<std::byte, kBrokerHeaderSize + kBrokerWelcomeSize> out{};
	const auto header = encode_broker_header({
		.type = static_cast<uint32_t>(BrokerMessageType::welcome),
		.len = kBrokerWelcomeSize,
	});
	std::ranges::copy(header, out.begin());
	store_le<uint32_t>(out, kBrokerHeaderSize, static_cast<uint32_t>(status));
	store_le<uint32_t>(out, kBrokerHeaderSize + 4, vm_id);
	return out;
}

std::string format_uuid(const std::array<uint8_t, 16> &uuid)
{
	static constexpr char kHex[] = "0123456789abcdef";
	std::string text;

	for (std::size_t i = 0; i < uuid.size(); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			text += '-';
		text += kHex[uuid[i] >> 4];
		text += kHex[uuid[i] & 0xf];
	}
	return text;
}

} // namespace hyv::proto

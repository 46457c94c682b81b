// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/proto/broker_error.hpp>
#include <hyv/proto/broker_protocol.hpp>

#include <catch2/catch_test_macros.hpp>

using namespace hyv::proto;
using namespace hyv::test;

TEST_CASE("broker HELLO round-trips through its wire layout", "[broker-proto]")
{
	const BrokerHello hello = sample_hello();
	const auto payload = encode_broker_hello(hello);

	CHECK(load_le<uint32_t>(payload, 0) == 1);
	CHECK(load_le<uint32_t>(payload, 4) == 4242);
	CHECK(payload[8] == std::byte{0x10});
	CHECK(payload[24] == std::byte{'g'});
	CHECK(payload[88] == std::byte{'h'});

	auto decoded = decode_broker_hello(payload);
	REQUIRE(decoded);
	CHECK(decoded->version == 1);
	CHECK(decoded->qemu_pid == 4242);
	CHECK(decoded->uuid == hello.uuid);
	CHECK(decoded->name == "guest1");
	CHECK(decoded->device_id == "hyv0");
}

TEST_CASE("empty labels are allowed", "[broker-proto]")
{
	BrokerHello hello = sample_hello();
	hello.name.clear();
	hello.device_id.clear();
	auto decoded = decode_broker_hello(encode_broker_hello(hello));
	REQUIRE(decoded);
	CHECK(decoded->name.empty());
	CHECK(decoded->device_id.empty());
}

TEST_CASE("malformed broker HELLOs are refused with a reason", "[broker-proto]")
{
	auto payload = encode_broker_hello(sample_hello());

	CHECK(decode_broker_hello(std::span(payload).first(151)).error() ==
	      BrokerError::bad_hello_size);

	auto version = payload;
	store_le<uint32_t>(version, 0, 2);
	CHECK(decode_broker_hello(version).error() == BrokerError::unsupported_version);

	auto unterminated = payload;
	std::fill(unterminated.begin() + 24, unterminated.begin() + 88, std::byte{'a'});
	CHECK(decode_broker_hello(unterminated).error() == BrokerError::label_not_terminated);

	auto control = payload;
	control[89] = std::byte{'\n'};
	CHECK(decode_broker_hello(control).error() == BrokerError::label_not_printable);
}

TEST_CASE("only a 152-byte HELLO may open a connection", "[broker-proto]")
{
	CHECK_FALSE(check_hello_header({.type = 1, .len = 152}));
	CHECK(check_hello_header({.type = 2, .len = 152}) == BrokerError::unknown_message_type);
	CHECK(check_hello_header({.type = 77, .len = 0}) == BrokerError::unknown_message_type);
	CHECK(check_hello_header({.type = 1, .len = 153}) == BrokerError::bad_hello_size);
	CHECK(check_hello_header({.type = 1, .len = 0xffffffff}) == BrokerError::bad_hello_size);
}

TEST_CASE("WELCOME is encoded little-endian with its header", "[broker-proto]")
{
	const auto welcome = encode_welcome(-93, 0x01020304);
	const Bytes expected{std::byte{2}, std::byte{0}, std::byte{0}, std::byte{0},
			     std::byte{8}, std::byte{0}, std::byte{0}, std::byte{0},
			     std::byte{0xa3}, std::byte{0xff}, std::byte{0xff}, std::byte{0xff},
			     std::byte{4}, std::byte{3}, std::byte{2}, std::byte{1}};
	CHECK(Bytes(welcome.begin(), welcome.end()) == expected);
}

TEST_CASE("UUIDs print in the canonical form", "[broker-proto]")
{
	CHECK(format_uuid(sample_hello().uuid) == "10111213-1415-1617-1819-1a1b1c1d1e1f");
	CHECK(format_uuid({}) == "00000000-0000-0000-0000-000000000000");
}

// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/proto/relay_frame.hpp>

#include <catch2/catch_test_macros.hpp>

using namespace hyv::proto;
using namespace hyv::test;

TEST_CASE("relay frames decode into id, limits and request", "[relay]")
{
	const Bytes request = hello_request();
	const Bytes frame = relay_frame(0x1122334455667788, request, 1296);

	auto decoded = decode_relay_request(frame);
	REQUIRE(decoded);
	CHECK(decoded->header.id == 0x1122334455667788);
	CHECK(decoded->header.resp_max == 1296);
	CHECK(Bytes(decoded->request.begin(), decoded->request.end()) == request);
}

TEST_CASE("relay frames with inconsistent lengths are rejected", "[relay]")
{
	CHECK(decode_relay_request(Bytes(15)).error() == std::errc::bad_message);
	CHECK_FALSE(decode_relay_header(Bytes(15)));

	Bytes frame = relay_frame(7, hello_request());
	frame.pop_back();
	CHECK(decode_relay_request(frame).error() == std::errc::bad_message);
	// The header still names the request, so it can be answered.
	REQUIRE(decode_relay_header(frame));
	CHECK(decode_relay_header(frame)->id == 7);

	Bytes oversize = relay_frame(8, Bytes(VIRTIO_HYV_MAX_REQ_SIZE + 1));
	CHECK(decode_relay_request(oversize).error() == std::errc::bad_message);
}

TEST_CASE("resp_max is capped at the protocol's response limit", "[relay]")
{
	auto decoded = decode_relay_request(relay_frame(1, hello_request(), 0xffffffff));
	REQUIRE(decoded);
	CHECK(decoded->header.resp_max == VIRTIO_HYV_MAX_RESP_SIZE);
}

TEST_CASE("relay responses carry id and length in the header", "[relay]")
{
	Bytes out(kRelayWriteBufferSize);
	auto body = relay_response_body(out);
	CHECK(body.data() == out.data() + 16);

	const std::size_t size = finish_relay_response(out, 99, 24);
	CHECK(size == 40);
	CHECK(load_native<uint64_t>(out, 0) == 99);
	CHECK(load_native<uint32_t>(out, 8) == 24);
	CHECK(load_native<uint32_t>(out, 12) == 0);
}

TEST_CASE("events are relay writes with the event id and exactly one event", "[relay]")
{
	std::array<std::byte, VIRTIO_HYV_EVENT_SIZE> event{};
	event[0] = std::byte{3};
	event[127] = std::byte{0x7f};
	const auto frame = encode_relay_event(event);
	CHECK(frame.size() == 16 + 128);
	CHECK(load_native<uint64_t>(frame, 0) == VHOST_HYV_RELAY_EVENT);
	CHECK(load_native<uint32_t>(frame, 8) == 128);
	CHECK(load_native<uint32_t>(frame, 12) == 0);
	CHECK(frame[16] == std::byte{3});
	CHECK(frame[16 + 127] == std::byte{0x7f});
}

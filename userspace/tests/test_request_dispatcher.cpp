// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/broker/request_dispatcher.hpp>
#include <hyv/proto/relay_frame.hpp>

#include <catch2/catch_test_macros.hpp>

#include <cerrno>

using namespace hyv::proto;
using namespace hyv::test;
using hyv::broker::RequestDispatcher;

namespace {

const std::vector<VmDevice> kDevices{
	{.dev_id = 0, .host = {.name = "rxe0", .driver_id = 14, .node_guid = 1}},
	{.dev_id = 1, .host = {.name = "siw0", .driver_id = 18, .node_guid = 2}},
};

struct Answer {
	uint64_t id;
	Bytes body;

	uint32_t status() const { return load_le<uint32_t>(body, 0); }
};

Answer answer(const Bytes &frame)
{
	const RequestDispatcher dispatcher(1, kDevices);
	Bytes out(kRelayWriteBufferSize);
	auto size = dispatcher.handle(frame, out);
	REQUIRE(size);
	REQUIRE(*size >= kRelayResponseHeaderSize);
	const uint32_t resp_len = load_native<uint32_t>(out, 8);
	REQUIRE(*size == kRelayResponseHeaderSize + resp_len);
	return {load_native<uint64_t>(out, 0),
		Bytes(out.begin() + 16, out.begin() + 16 + resp_len)};
}

} // namespace

TEST_CASE("HELLO is answered with version 1.0 and the VM's devices", "[dispatch]")
{
	auto a = answer(relay_frame(42, hello_request(1, 3), 1296));
	CHECK(a.id == 42);
	REQUIRE(a.body.size() == 16 + 2 * 80);
	CHECK(a.status() == 0);
	CHECK(load_le<uint16_t>(a.body, 8) == 1);
	CHECK(load_le<uint16_t>(a.body, 10) == 0);
	CHECK(load_le<uint32_t>(a.body, 12) == 2);
	CHECK(std::string(reinterpret_cast<const char *>(a.body.data() + 16 + 16)) == "rxe0");
	CHECK(std::string(reinterpret_cast<const char *>(a.body.data() + 96 + 16)) == "siw0");
}

TEST_CASE("rejected requests are answered with their status only", "[dispatch]")
{
	CHECK(answer(relay_frame(1, request_header(0xffff))).status() == EOPNOTSUPP);
	CHECK(answer(relay_frame(2, hello_request(99))).status() == EPROTONOSUPPORT);
	CHECK(answer(relay_frame(3, hello_request(1, 0, 5))).status() == EINVAL);
	CHECK(answer(relay_frame(4, request_header(1, 1))).status() == EINVAL);
	CHECK(answer(relay_frame(5, Bytes(4))).status() == EINVAL);

	auto a = answer(relay_frame(6, request_header(0xffff)));
	CHECK(a.id == 6);
	CHECK(a.body.size() == 8);
	CHECK(load_le<uint32_t>(a.body, 4) == 0);
}

TEST_CASE("a response buffer too small for the device list is EMSGSIZE", "[dispatch]")
{
	auto a = answer(relay_frame(9, hello_request(), 16 + 80));
	CHECK(a.status() == EMSGSIZE);
	CHECK(a.body.size() == 8);
}

TEST_CASE("a relay frame whose length disagrees is answered EINVAL", "[dispatch]")
{
	Bytes frame = relay_frame(11, hello_request());
	frame.push_back(std::byte{0});
	auto a = answer(frame);
	CHECK(a.id == 11);
	CHECK(a.status() == EINVAL);
}

TEST_CASE("a chain without room for a status gets an empty answer", "[dispatch]")
{
	auto a = answer(relay_frame(12, hello_request(), 4));
	CHECK(a.id == 12);
	CHECK(a.body.empty());
}

TEST_CASE("a frame without a complete header cannot be answered", "[dispatch]")
{
	const RequestDispatcher dispatcher(1, kDevices);
	Bytes out(kRelayWriteBufferSize);
	CHECK_FALSE(dispatcher.handle(Bytes(15), out));
}

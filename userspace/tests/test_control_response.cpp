// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/proto/control_response.hpp>

#include <catch2/catch_test_macros.hpp>

#include <cerrno>

using namespace hyv::proto;
using hyv::test::Bytes;

namespace {

Bytes bytes(std::initializer_list<int> values)
{
	Bytes out;
	for (int v : values)
		out.push_back(static_cast<std::byte>(v));
	return out;
}

Bytes name_field(const std::string &name)
{
	Bytes out(VIRTIO_HYV_DEV_NAME_LEN);
	std::memcpy(out.data(), name.data(), name.size());
	return out;
}

void append(Bytes &to, const Bytes &more)
{
	to.insert(to.end(), more.begin(), more.end());
}

const std::vector<VmDevice> kDevices{
	{.dev_id = 0, .host = {.name = "rxe0", .driver_id = 14, .node_guid = 0x0011223344556677}},
	{.dev_id = 0x01020304,
	 .host = {.name = "siw0", .driver_id = 18, .node_guid = 0x8899aabbccddeeff}},
};

} // namespace

TEST_CASE("HELLO response is encoded byte for byte, little-endian", "[response]")
{
	Bytes out(4096, std::byte{0xa5});
	auto used = encode_hello_response(out, kDevices);
	REQUIRE(used);
	REQUIRE(*used == 16 + 2 * 80);

	Bytes expected = bytes({0, 0, 0, 0, 0, 0, 0, 0,	// status 0, reserved
				1, 0, 0, 0,		// major 1, minor 0
				2, 0, 0, 0});		// num_devices
	append(expected, bytes({0, 0, 0, 0, 14, 0, 0, 0}));
	append(expected, bytes({0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77})); // __be64
	append(expected, name_field("rxe0"));
	append(expected, bytes({4, 3, 2, 1, 18, 0, 0, 0}));
	append(expected, bytes({0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}));
	append(expected, name_field("siw0"));

	CHECK(Bytes(out.begin(), out.begin() + static_cast<long>(*used)) == expected);
	// Nothing past the response is touched.
	CHECK(out[*used] == std::byte{0xa5});
}

TEST_CASE("HELLO response with no devices is the fixed part only", "[response]")
{
	Bytes out(16);
	auto used = encode_hello_response(out, {});
	REQUIRE(used);
	CHECK(*used == 16);
	CHECK(out == bytes({0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}));
}

TEST_CASE("HELLO response refuses what it cannot encode whole", "[response]")
{
	Bytes small(16 + 80 + 79);
	CHECK(encode_hello_response(small, kDevices).error() == std::errc::message_size);

	Bytes out(4096);
	std::vector<VmDevice> long_name{{.dev_id = 0, .host = {.name = std::string(64, 'x')}}};
	CHECK(encode_hello_response(out, long_name).error() == std::errc::invalid_argument);

	std::vector<VmDevice> too_many(VIRTIO_HYV_MAX_DEVICES + 1);
	CHECK(encode_hello_response(out, too_many).error() == std::errc::invalid_argument);
}

TEST_CASE("status responses carry the errno, little-endian", "[response]")
{
	Bytes out(8);
	auto used = encode_status_response(out, EOPNOTSUPP);
	REQUIRE(used);
	CHECK(*used == 8);
	CHECK(out == bytes({95, 0, 0, 0, 0, 0, 0, 0}));

	Bytes tiny(7);
	CHECK(encode_status_response(tiny, EINVAL).error() == std::errc::no_buffer_space);
}

TEST_CASE("wire_status maps errors to positive errno values", "[response]")
{
	CHECK(wire_status({}) == 0);
	CHECK(wire_status(std::make_error_code(std::errc::protocol_not_supported)) == 93);
	CHECK(wire_status(std::make_error_code(std::errc::invalid_argument)) == 22);
	CHECK(wire_status(std::make_error_code(std::io_errc::stream)) == EIO);
}

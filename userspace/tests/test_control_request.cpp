// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/proto/control_request.hpp>

#include <catch2/catch_test_macros.hpp>

#include <cerrno>

using hyv::proto::decode_control_request;
using hyv::proto::HelloRequest;
using namespace hyv::test;

namespace {

int status_of(const Bytes &request)
{
	auto decoded = decode_control_request(request);
	REQUIRE_FALSE(decoded);
	REQUIRE(decoded.error().category() == std::generic_category());
	return decoded.error().value();
}

} // namespace

TEST_CASE("a valid HELLO decodes with its version", "[request]")
{
	auto decoded = decode_control_request(hello_request(1, 7));
	REQUIRE(decoded);
	const auto &hello = std::get<HelloRequest>(*decoded);
	CHECK(hello.major == 1);
	CHECK(hello.minor == 7);
}

TEST_CASE("requests shorter than the header are EINVAL", "[request]")
{
	CHECK(status_of({}) == EINVAL);
	CHECK(status_of(Bytes(4)) == EINVAL);
	CHECK(status_of(Bytes(7)) == EINVAL);
}

TEST_CASE("non-zero header flags or reserved are EINVAL", "[request]")
{
	auto flagged = hello_request();
	hyv::proto::store_le<uint16_t>(flagged, 2, 1);
	CHECK(status_of(flagged) == EINVAL);

	auto reserved = hello_request();
	hyv::proto::store_le<uint32_t>(reserved, 4, 0x80000000);
	CHECK(status_of(reserved) == EINVAL);

	// Header checks come before the opcode: the header layout is fixed.
	CHECK(status_of(request_header(0xffff, 0, 1)) == EINVAL);
}

TEST_CASE("unknown opcodes are EOPNOTSUPP", "[request]")
{
	CHECK(status_of(request_header(0xffff)) == EOPNOTSUPP);
	CHECK(status_of(request_header(0)) == EOPNOTSUPP);
	CHECK(status_of(request_header(2)) == EOPNOTSUPP);
}

TEST_CASE("HELLO of another major version is EPROTONOSUPPORT", "[request]")
{
	CHECK(status_of(hello_request(99)) == EPROTONOSUPPORT);
	CHECK(status_of(hello_request(0)) == EPROTONOSUPPORT);
	// Another major's layout is unknown, so its reserved field is not judged.
	CHECK(status_of(hello_request(2, 0, 1)) == EPROTONOSUPPORT);
}

TEST_CASE("HELLO with a non-zero reserved field is EINVAL", "[request]")
{
	CHECK(status_of(hello_request(1, 0, 1)) == EINVAL);
}

TEST_CASE("HELLO of the wrong size is EINVAL", "[request]")
{
	auto shortened = hello_request();
	shortened.resize(12);
	CHECK(status_of(shortened) == EINVAL);
	CHECK(status_of(request_header(VIRTIO_HYV_OP_HELLO)) == EINVAL);

	auto longer = hello_request();
	longer.push_back(std::byte{0});
	CHECK(status_of(longer) == EINVAL);
}

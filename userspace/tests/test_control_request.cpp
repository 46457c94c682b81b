// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/proto/control_request.hpp>

#include <catch2/catch_test_macros.hpp>

#include <cerrno>

using namespace hyv::proto;
using namespace hyv::test;

namespace {

int status_of(const Bytes &request)
{
	auto decoded = decode_control_request(request);
	REQUIRE_FALSE(decoded);
	REQUIRE(decoded.error().category() == std::generic_category());
	return decoded.error().value();
}

template <typename T>
T decoded_as(const Bytes &request)
{
	auto decoded = decode_control_request(request);
	REQUIRE(decoded);
	REQUIRE(std::holds_alternative<T>(*decoded));
	return std::get<T>(*decoded);
}

const uint16_t kPortOpcodes[] = {VIRTIO_HYV_OP_QUERY_PORT, VIRTIO_HYV_OP_QUERY_GID_TABLE,
				 VIRTIO_HYV_OP_QUERY_PKEY_TABLE};

} // namespace

TEST_CASE("a valid HELLO decodes with its version", "[request]")
{
	const auto hello = decoded_as<HelloRequest>(hello_request(1, 7));
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
	store_le<uint16_t>(flagged, 2, 1);
	CHECK(status_of(flagged) == EINVAL);

	auto reserved = hello_request();
	store_le<uint32_t>(reserved, 4, 0x80000000);
	CHECK(status_of(reserved) == EINVAL);

	// Header checks come before the opcode: the header layout is fixed.
	CHECK(status_of(request_header(0xffff, 0, 1)) == EINVAL);
	CHECK(status_of(request_header(VIRTIO_HYV_OP_QUERY_PORT, 4)) == EINVAL);
}

TEST_CASE("unknown opcodes are EOPNOTSUPP", "[request]")
{
	CHECK(status_of(request_header(0xffff)) == EOPNOTSUPP);
	CHECK(status_of(request_header(0)) == EOPNOTSUPP);
	CHECK(status_of(request_header(11)) == EOPNOTSUPP);
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

TEST_CASE("QUERY_DEVICE names a device with port 0", "[request]")
{
	CHECK(decoded_as<QueryDeviceRequest>(port_request(VIRTIO_HYV_OP_QUERY_DEVICE, 7, 0))
		      .dev_id == 7);
	CHECK(status_of(port_request(VIRTIO_HYV_OP_QUERY_DEVICE, 7, 1)) == EINVAL);
}

TEST_CASE("port requests decode with their device and port", "[request]")
{
	const auto port = decoded_as<QueryPortRequest>(port_request(VIRTIO_HYV_OP_QUERY_PORT, 3, 1));
	CHECK(port.dev_id == 3);
	CHECK(port.port == 1);
	const auto gids =
		decoded_as<QueryGidTableRequest>(port_request(VIRTIO_HYV_OP_QUERY_GID_TABLE, 4, 2));
	CHECK(gids.dev_id == 4);
	CHECK(gids.port == 2);
	const auto pkeys = decoded_as<QueryPkeyTableRequest>(
		port_request(VIRTIO_HYV_OP_QUERY_PKEY_TABLE, 5, 0xffffffff));
	CHECK(pkeys.dev_id == 5);
	CHECK(pkeys.port == 0xffffffff);	// judged against the device later
}

TEST_CASE("port requests with port 0 or the wrong size are EINVAL", "[request]")
{
	for (uint16_t opcode : kPortOpcodes) {
		CAPTURE(opcode);
		CHECK(status_of(port_request(opcode, 0, 0)) == EINVAL);
		Bytes longer = port_request(opcode, 0, 1);
		longer.push_back(std::byte{0});
		CHECK(status_of(longer) == EINVAL);
		Bytes shorter = port_request(opcode, 0, 1);
		shorter.pop_back();
		CHECK(status_of(shorter) == EINVAL);
		CHECK(status_of(request_header(opcode)) == EINVAL);
	}
	Bytes device = port_request(VIRTIO_HYV_OP_QUERY_DEVICE, 0, 0);
	device.resize(12);
	CHECK(status_of(device) == EINVAL);
}

TEST_CASE("CREATE_CONTEXT carries its udata", "[request]")
{
	const Bytes udata{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
	const Bytes request = create_context_request(2, udata, 8);
	const auto create = decoded_as<CreateContextRequest>(request);
	CHECK(create.dev_id == 2);
	CHECK(create.resp_udata_max == 8);
	CHECK(Bytes(create.udata.begin(), create.udata.end()) == udata);

	CHECK(decoded_as<CreateContextRequest>(create_context_request(0, {}, 0)).udata.empty());
}

TEST_CASE("CREATE_CONTEXT whose udata_len disagrees or reserved is set is EINVAL", "[request]")
{
	const Bytes udata(8);
	CHECK(status_of(create_context_request(0, udata, 8, 7)) == EINVAL);
	CHECK(status_of(create_context_request(0, udata, 8, 9)) == EINVAL);
	CHECK(status_of(create_context_request(0, udata, 8, 0xffffffff)) == EINVAL);
	CHECK(status_of(create_context_request(0, {}, 8, 1)) == EINVAL);
	CHECK(status_of(create_context_request(0, udata, 8, std::nullopt, 1)) == EINVAL);
	Bytes truncated = create_context_request(0, {}, 0);
	truncated.pop_back();
	CHECK(status_of(truncated) == EINVAL);
}

TEST_CASE("DESTROY_CONTEXT is exactly its structure", "[request]")
{
	CHECK(decoded_as<DestroyContextRequest>(destroy_context_request(9)).ctx_handle == 9);
	CHECK(status_of(destroy_context_request(9, 1)) == EINVAL);
	Bytes longer = destroy_context_request(9);
	longer.push_back(std::byte{0});
	CHECK(status_of(longer) == EINVAL);
	CHECK(status_of(request_header(VIRTIO_HYV_OP_DESTROY_CONTEXT)) == EINVAL);
}

TEST_CASE("opcodes have names for the logs", "[request]")
{
	CHECK(std::string(opcode_name(VIRTIO_HYV_OP_CREATE_CONTEXT)) == "CREATE_CONTEXT");
	CHECK(std::string(opcode_name(99)) == "unknown");
}

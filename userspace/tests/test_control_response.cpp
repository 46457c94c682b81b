// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/proto/control_response.hpp>

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>

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

const std::vector<DeviceInfo> kDevices{
	{.dev_id = 0, .name = "rxe0", .driver_id = 14, .node_guid = 0x0011223344556677},
	{.dev_id = 0x01020304, .name = "siw0", .driver_id = 18, .node_guid = 0x8899aabbccddeeff},
};

// Every byte of `out` set to 0xa5, so untouched bytes show.
Bytes poisoned(std::size_t size)
{
	return Bytes(size, std::byte{0xa5});
}

} // namespace

TEST_CASE("HELLO response is encoded byte for byte, little-endian", "[response]")
{
	Bytes out(4096, std::byte{0xa5});
	auto used = encode_hello_response(out, kDevices);
	REQUIRE(used);
	REQUIRE(*used == 16 + 2 * 80);

	Bytes expected = bytes({0, 0, 0, 0, 0, 0, 0, 0,	// status 0, reserved
				1, 0, 2, 0,		// major 1, minor 2
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
	CHECK(out == bytes({0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0}));
}

TEST_CASE("HELLO response refuses what it cannot encode whole", "[response]")
{
	Bytes small(16 + 80 + 79);
	CHECK(encode_hello_response(small, kDevices).error() == std::errc::message_size);

	Bytes out(4096);
	std::vector<DeviceInfo> long_name{{.dev_id = 0, .name = std::string(64, 'x')}};
	CHECK(encode_hello_response(out, long_name).error() == std::errc::invalid_argument);

	std::vector<DeviceInfo> too_many(VIRTIO_HYV_MAX_DEVICES + 1);
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

TEST_CASE("QUERY_DEVICE carries the uverbs attributes little-endian", "[response]")
{
	using Resp = virtio_hyv_query_device_resp;
	using Attr = virtio_hyv_device_attr;
	constexpr std::size_t kAttr = offsetof(Resp, attr);

	ib_uverbs_ex_query_device_resp attr{};
	attr.base.fw_ver = 0x0102030405060708;
	attr.base.node_guid = 0x1122334455667788;	// stored as is: big-endian already
	attr.base.max_qp = 0x01020304;
	attr.base.device_cap_flags = 0xffffffff;
	attr.base.max_pkeys = 0x0102;
	attr.base.phys_port_cnt = 1;
	attr.base.reserved[0] = 0xff;
	attr.comp_mask = 0xff;
	attr.response_length = 0xa8;
	attr.device_cap_flags_ex = 0x1122334455667788;
	attr.cq_moderation_caps.max_cq_moderation_period = 0x0304;
	attr.xrc_odp_caps = 0x0a0b0c0d;
	attr.reserved = 0xffffffff;

	Bytes out = poisoned(sizeof(Resp) + 1);
	auto used = encode_query_device_response(out, attr, "1.2.3", 0x01020304);
	REQUIRE(used);
	REQUIRE(*used == sizeof(Resp));
	CHECK(load_le<uint32_t>(out, 0) == 0);
	CHECK(load_le<uint64_t>(out, kAttr + offsetof(Attr, fw_ver)) == 0x0102030405060708);
	CHECK(std::memcmp(out.data() + kAttr + offsetof(Attr, node_guid), &attr.base.node_guid,
			  8) == 0);
	CHECK(load_le<uint32_t>(out, kAttr + offsetof(Attr, max_qp)) == 0x01020304);
	CHECK(load_le<uint16_t>(out, kAttr + offsetof(Attr, max_pkeys)) == 0x0102);
	CHECK(std::to_integer<int>(out[kAttr + offsetof(Attr, phys_port_cnt)]) == 1);
	CHECK(load_le<uint32_t>(out, kAttr + offsetof(Attr, response_length)) == 0xa8);
	CHECK(load_le<uint64_t>(out, kAttr + offsetof(Attr, device_cap_flags)) ==
	      0x1122334455667788);
	CHECK(load_le<uint16_t>(out, kAttr + offsetof(Attr, max_cq_moderation_period)) == 0x0304);
	CHECK(load_le<uint32_t>(out, kAttr + offsetof(Attr, xrc_odp_caps)) == 0x0a0b0c0d);
	// What the wire keeps reserved goes out as 0.
	CHECK(load_le<uint32_t>(out, kAttr + offsetof(Attr, reserved1)) == 0);
	CHECK(out[kAttr + offsetof(Attr, reserved2)] == std::byte{0});
	CHECK(load_le<uint32_t>(out, kAttr + offsetof(Attr, comp_mask)) == 0);
	CHECK(load_le<uint32_t>(out, kAttr + offsetof(Attr, reserved7)) == 0);
	CHECK(std::string(reinterpret_cast<const char *>(out.data() + offsetof(Resp, fw_ver))) ==
	      "1.2.3");
	CHECK(load_le<uint32_t>(out, offsetof(Resp, num_comp_vectors)) == 0x01020304);
	CHECK(load_le<uint32_t>(out, offsetof(Resp, reserved)) == 0);
	CHECK(out[sizeof(Resp)] == std::byte{0xa5});

	Bytes small(sizeof(Resp) - 1);
	CHECK(encode_query_device_response(small, attr, "", 1).error() == std::errc::message_size);
}

TEST_CASE("a firmware version too long for the wire is cut, NUL-terminated", "[response]")
{
	using Resp = virtio_hyv_query_device_resp;
	Bytes out = poisoned(sizeof(Resp));
	REQUIRE(encode_query_device_response(out, {}, std::string(100, 'v'), 1));
	const auto *fw = reinterpret_cast<const char *>(out.data() + offsetof(Resp, fw_ver));
	CHECK(std::string(fw) == std::string(VIRTIO_HYV_FW_VER_LEN - 1, 'v'));
}

TEST_CASE("QUERY_PORT carries the uverbs port attributes little-endian", "[response]")
{
	using Resp = virtio_hyv_query_port_resp;
	using Attr = virtio_hyv_port_attr;
	constexpr std::size_t kAttr = offsetof(Resp, attr);

	PortAttr attr{};
	attr.legacy_resp.port_cap_flags = 0x04010000;
	attr.legacy_resp.gid_tbl_len = 1024;
	attr.legacy_resp.pkey_tbl_len = 0x0102;
	attr.legacy_resp.state = 4;
	attr.legacy_resp.link_layer = 2;
	attr.legacy_resp.reserved = 0xff;
	attr.port_cap_flags2 = 0x0304;
	attr.active_speed_ex = 0x01020304;

	Bytes out = poisoned(sizeof(Resp));
	auto used = encode_query_port_response(out, attr);
	REQUIRE(used);
	REQUIRE(*used == sizeof(Resp));
	REQUIRE(sizeof(Resp) == 8 + 48);
	CHECK(load_le<uint32_t>(out, kAttr + offsetof(Attr, port_cap_flags)) == 0x04010000);
	CHECK(load_le<uint32_t>(out, kAttr + offsetof(Attr, gid_tbl_len)) == 1024);
	CHECK(load_le<uint16_t>(out, kAttr + offsetof(Attr, pkey_tbl_len)) == 0x0102);
	CHECK(std::to_integer<int>(out[kAttr + offsetof(Attr, state)]) == 4);
	CHECK(std::to_integer<int>(out[kAttr + offsetof(Attr, link_layer)]) == 2);
	CHECK(out[kAttr + offsetof(Attr, reserved1)] == std::byte{0});
	CHECK(load_le<uint16_t>(out, kAttr + offsetof(Attr, port_cap_flags2)) == 0x0304);
	CHECK(out[kAttr + offsetof(Attr, reserved2)] == std::byte{0});
	CHECK(load_le<uint32_t>(out, kAttr + offsetof(Attr, active_speed_ex)) == 0x01020304);

	Bytes small(sizeof(Resp) - 1);
	CHECK(encode_query_port_response(small, attr).error() == std::errc::message_size);
}

TEST_CASE("GID tables list the entries given, with index and type", "[response]")
{
	GidEntry first{.index = 0, .type = 2};
	first.gid[0] = 0xfe;
	first.gid[15] = 0x01;
	const GidEntry second{.gid = {}, .index = 0x0102, .type = 1};
	const std::vector<GidEntry> entries{first, second};

	Bytes out = poisoned(16 + 2 * 24 + 1);
	auto used = encode_gid_table_response(out, entries);
	REQUIRE(used);
	REQUIRE(*used == 16 + 2 * 24);
	Bytes expected = bytes({0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0});
	append(expected, bytes({0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
				0, 0, 0, 0, 2, 0, 0, 0}));
	append(expected, bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				2, 1, 0, 0, 1, 0, 0, 0}));
	CHECK(Bytes(out.begin(), out.begin() + 64) == expected);
	CHECK(out[64] == std::byte{0xa5});

	Bytes small(16 + 2 * 24 - 1);
	CHECK(encode_gid_table_response(small, entries).error() == std::errc::message_size);
}

TEST_CASE("P_Key tables list every P_Key in order", "[response]")
{
	const std::vector<uint16_t> pkeys{0xffff, 0x8001, 0x0002};
	Bytes out = poisoned(16 + 6);
	auto used = encode_pkey_table_response(out, pkeys);
	REQUIRE(used);
	CHECK(*used == 22);
	CHECK(out == bytes({0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,
			    0xff, 0xff, 0x01, 0x80, 0x02, 0x00}));
	Bytes small(21);
	CHECK(encode_pkey_table_response(small, pkeys).error() == std::errc::message_size);
}

TEST_CASE("CREATE_CONTEXT answers the handle, vectors and the driver's udata", "[response]")
{
	const Bytes udata = bytes({9, 8, 7, 6, 5, 4, 3, 2});
	Bytes out = poisoned(24 + 8);
	auto used = encode_create_context_response(out, 0x01020304, 2, udata);
	REQUIRE(used);
	CHECK(*used == 32);
	CHECK(create_context_response_size() == 24);
	CHECK(out == bytes({0, 0, 0, 0, 0, 0, 0, 0, 4, 3, 2, 1, 2, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,
			    9, 8, 7, 6, 5, 4, 3, 2}));
	Bytes small(31);
	CHECK(encode_create_context_response(small, 1, 1, udata).error() ==
	      std::errc::message_size);
}

TEST_CASE("events are 128 bytes: type, then the payload", "[response]")
{
	const Event up = encode_broker_up_event();
	CHECK(load_le<uint32_t>(up, 0) == VIRTIO_HYV_EVT_BROKER_UP);
	CHECK(std::all_of(up.begin() + 4, up.end(), [](std::byte b) { return b == std::byte{0}; }));

	const Event added = encode_device_added_event(kDevices[1]);
	CHECK(load_le<uint32_t>(added, 0) == VIRTIO_HYV_EVT_DEVICE_ADDED);
	CHECK(load_le<uint32_t>(added, 8) == 0x01020304);
	CHECK(load_le<uint32_t>(added, 12) == 18);
	CHECK(std::string(reinterpret_cast<const char *>(added.data() + 24)) == "siw0");

	const Event removed = encode_device_removed_event(7);
	CHECK(load_le<uint32_t>(removed, 0) == VIRTIO_HYV_EVT_DEVICE_REMOVED);
	CHECK(load_le<uint32_t>(removed, 4) == 0);
	CHECK(load_le<uint32_t>(removed, 8) == 7);
}

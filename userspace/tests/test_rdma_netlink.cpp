// SPDX-License-Identifier: GPL-2.0
// rdma netlink messages as the kernel's nldev would send them, built by hand.
#include "test_support.hpp"

#include <hyv/broker/rdma_netlink_message.hpp>

#include <catch2/catch_test_macros.hpp>

#include <linux/netlink.h>
#include <rdma/rdma_netlink.h>

using namespace hyv::broker::netlink;
using hyv::proto::load_native;
using hyv::proto::store_native;
using hyv::test::Bytes;

namespace {

class MessageBuilder {
public:
	MessageBuilder(uint16_t type, uint32_t seq) : msg_(16)
	{
		store_native<uint16_t>(msg_, 4, type);
		store_native<uint32_t>(msg_, 8, seq);
	}

	MessageBuilder &attr(uint16_t type, const Bytes &data)
	{
		const std::size_t start = msg_.size();
		msg_.resize(start + NLA_ALIGN(4 + data.size()));
		store_native<uint16_t>(msg_, start, static_cast<uint16_t>(4 + data.size()));
		store_native<uint16_t>(msg_, start + 2, type);
		std::copy(data.begin(), data.end(), msg_.begin() + static_cast<long>(start + 4));
		return *this;
	}

	template <typename T>
	MessageBuilder &attr_int(uint16_t type, T value)
	{
		Bytes data(sizeof(T));
		store_native<T>(data, 0, value);
		return attr(type, data);
	}

	MessageBuilder &attr_string(uint16_t type, const std::string &s)
	{
		Bytes data(s.size() + 1);
		std::memcpy(data.data(), s.c_str(), s.size() + 1);
		return attr(type, data);
	}

	Bytes done()
	{
		store_native<uint32_t>(msg_, 0, static_cast<uint32_t>(msg_.size()));
		return msg_;
	}

private:
	Bytes msg_;
};

constexpr uint16_t kGet = RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, RDMA_NLDEV_CMD_GET);
constexpr uint16_t kGetChardev = RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, RDMA_NLDEV_CMD_GET_CHARDEV);

Bytes device_message(uint32_t seq, uint32_t index, const std::string &name, uint64_t guid)
{
	return MessageBuilder(kGet, seq)
		.attr_int<uint32_t>(RDMA_NLDEV_ATTR_DEV_INDEX, index)
		.attr_string(RDMA_NLDEV_ATTR_DEV_NAME, name)
		.attr_int<uint32_t>(RDMA_NLDEV_ATTR_PAD, 0)
		.attr_int<uint64_t>(RDMA_NLDEV_ATTR_NODE_GUID, guid)
		.done();
}

Bytes concat(std::initializer_list<Bytes> parts)
{
	Bytes out;
	for (const Bytes &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

Bytes error_message(uint32_t seq, int32_t error)
{
	MessageBuilder builder(NLMSG_ERROR, seq);
	Bytes msg = builder.done();
	msg.resize(16 + 4 + 16);
	store_native<int32_t>(msg, 16, error);
	store_native<uint32_t>(msg, 0, static_cast<uint32_t>(msg.size()));
	return msg;
}

} // namespace

TEST_CASE("device dump requests are nldev GET dumps", "[netlink]")
{
	const Bytes request = build_device_dump_request(5);
	REQUIRE(request.size() == 16);
	CHECK(load_native<uint32_t>(request, 0) == 16);
	CHECK(load_native<uint16_t>(request, 4) == kGet);
	CHECK(load_native<uint16_t>(request, 6) == (NLM_F_REQUEST | NLM_F_DUMP));
	CHECK(load_native<uint32_t>(request, 8) == 5);
}

TEST_CASE("uverbs chardev requests name the device and the client", "[netlink]")
{
	const Bytes request = build_uverbs_chardev_request(6, 3);
	CHECK(load_native<uint32_t>(request, 0) == request.size());
	CHECK(load_native<uint16_t>(request, 4) == kGetChardev);
	CHECK(load_native<uint16_t>(request, 16 + 2) == RDMA_NLDEV_ATTR_DEV_INDEX);
	CHECK(load_native<uint32_t>(request, 16 + 4) == 3);
	CHECK(load_native<uint16_t>(request, 24) == 4 + 7);
	CHECK(load_native<uint16_t>(request, 24 + 2) == RDMA_NLDEV_ATTR_CHARDEV_TYPE);
	CHECK(std::string(reinterpret_cast<const char *>(request.data() + 28)) == "uverbs");
}

TEST_CASE("device dumps parse across datagrams until DONE", "[netlink]")
{
	std::vector<DumpedDevice> devices;
	auto first = parse_device_dump(concat({device_message(1, 0, "rxe0", 0x0211223344556677),
					       device_message(99, 5, "other-seq", 1)}),
				       1, devices);
	REQUIRE(first);
	CHECK_FALSE(*first);

	auto second = parse_device_dump(concat({device_message(1, 1, "siw0", 0x42),
						MessageBuilder(NLMSG_DONE, 1).done()}),
					1, devices);
	REQUIRE(second);
	CHECK(*second);

	REQUIRE(devices.size() == 2);
	CHECK(devices[0].index == 0);
	CHECK(devices[0].name == "rxe0");
	CHECK(devices[0].node_guid == 0x0211223344556677);
	CHECK(devices[1].name == "siw0");
}

TEST_CASE("malformed dumps are errors, not overreads", "[netlink]")
{
	std::vector<DumpedDevice> devices;
	Bytes truncated = device_message(1, 0, "rxe0", 1);
	store_native<uint32_t>(truncated, 0, static_cast<uint32_t>(truncated.size() + 4));
	CHECK(parse_device_dump(truncated, 1, devices).error() == std::errc::bad_message);

	Bytes bad_attr = device_message(1, 0, "rxe0", 1);
	store_native<uint16_t>(bad_attr, 16, 0xfff0);
	CHECK(parse_device_dump(bad_attr, 1, devices).error() == std::errc::bad_message);

	const Bytes unterminated = MessageBuilder(kGet, 1)
					   .attr_int<uint32_t>(RDMA_NLDEV_ATTR_DEV_INDEX, 0)
					   .attr(RDMA_NLDEV_ATTR_DEV_NAME, Bytes(4, std::byte{'x'}))
					   .done();
	CHECK(parse_device_dump(unterminated, 1, devices).error() == std::errc::bad_message);

	CHECK(parse_device_dump(error_message(1, -EPERM), 1, devices).error() ==
	      std::errc::operation_not_permitted);
	CHECK(devices.empty());
}

TEST_CASE("uverbs chardev replies yield the chardev and the driver_id", "[netlink]")
{
	const Bytes reply = MessageBuilder(kGetChardev, 2)
				    .attr_int<uint64_t>(RDMA_NLDEV_ATTR_CHARDEV, 0x1234)
				    .attr_int<uint64_t>(RDMA_NLDEV_ATTR_CHARDEV_ABI, 2)
				    .attr_string(RDMA_NLDEV_ATTR_CHARDEV_NAME, "uverbs0")
				    .attr_int<uint32_t>(RDMA_NLDEV_ATTR_UVERBS_DRIVER_ID, 14)
				    .done();
	auto chardev = parse_uverbs_chardev_reply(reply, 2);
	REQUIRE(chardev);
	CHECK(chardev->driver_id == std::optional<uint32_t>(14));
	CHECK(chardev->name == "uverbs0");
	CHECK(chardev->dev == 0x1234);

	const Bytes no_id = MessageBuilder(kGetChardev, 3)
				    .attr_int<uint64_t>(RDMA_NLDEV_ATTR_CHARDEV, 0x1235)
				    .attr_string(RDMA_NLDEV_ATTR_CHARDEV_NAME, "uverbs1")
				    .done();
	auto none = parse_uverbs_chardev_reply(no_id, 3);
	REQUIRE(none);
	CHECK_FALSE(none->driver_id.has_value());

	CHECK(parse_uverbs_chardev_reply(error_message(4, -ENOENT), 4).error() ==
	      std::errc::no_such_file_or_directory);
	CHECK(parse_uverbs_chardev_reply(reply, 7).error() == std::errc::no_message);
}

TEST_CASE("a chardev reply must name a node inside /dev/infiniband", "[netlink]")
{
	auto reply_named = [](const std::string &name) {
		return MessageBuilder(kGetChardev, 5)
			.attr_int<uint64_t>(RDMA_NLDEV_ATTR_CHARDEV, 1)
			.attr_string(RDMA_NLDEV_ATTR_CHARDEV_NAME, name)
			.done();
	};
	CHECK(parse_uverbs_chardev_reply(reply_named("../sda"), 5).error() ==
	      std::errc::bad_message);
	CHECK(parse_uverbs_chardev_reply(reply_named(""), 5).error() == std::errc::bad_message);
	const Bytes no_dev = MessageBuilder(kGetChardev, 5)
				     .attr_string(RDMA_NLDEV_ATTR_CHARDEV_NAME, "uverbs0")
				     .done();
	CHECK(parse_uverbs_chardev_reply(no_dev, 5).error() == std::errc::bad_message);
}

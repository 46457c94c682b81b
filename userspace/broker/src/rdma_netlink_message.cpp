// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/rdma_netlink_message.hpp>

#include <hyv/proto/byte_order.hpp>

#include <linux/netlink.h>
#include <rdma/rdma_netlink.h>

#include <algorithm>
#include <cstring>

namespace hyv::broker::netlink {
namespace {

using proto::load_native;
using proto::store_native;

constexpr std::size_t align(std::size_t len)
{
	return (len + NLMSG_ALIGNTO - 1) & ~static_cast<std::size_t>(NLMSG_ALIGNTO - 1);
}

constexpr std::size_t kMsgHeaderSize = align(sizeof(nlmsghdr));
constexpr std::size_t kAttrHeaderSize = align(sizeof(nlattr));

constexpr uint16_t nldev_type(int command)
{
	return static_cast<uint16_t>(RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, command));
}

void put_message_header(std::vector<std::byte> &msg, uint16_t type, uint16_t flags,
			uint32_t seq)
{
	msg.resize(kMsgHeaderSize);
	store_native<uint16_t>(msg, offsetof(nlmsghdr, nlmsg_type), type);
	store_native<uint16_t>(msg, offsetof(nlmsghdr, nlmsg_flags), flags);
	store_native<uint32_t>(msg, offsetof(nlmsghdr, nlmsg_seq), seq);
	store_native<uint32_t>(msg, offsetof(nlmsghdr, nlmsg_pid), 0);
}

void put_attr(std::vector<std::byte> &msg, uint16_t type, std::span<const std::byte> payload)
{
	const std::size_t start = msg.size();

	msg.resize(start + align(kAttrHeaderSize + payload.size()));
	store_native<uint16_t>(msg, start + offsetof(nlattr, nla_len),
			       static_cast<uint16_t>(kAttrHeaderSize + payload.size()));
	store_native<uint16_t>(msg, start + offsetof(nlattr, nla_type), type);
	std::ranges::copy(payload, msg.begin() + static_cast<std::ptrdiff_t>(start + kAttrHeaderSize));
}

std::vector<std::byte> finish(std::vector<std::byte> msg)
{
	store_native<uint32_t>(msg, offsetof(nlmsghdr, nlmsg_len), static_cast<uint32_t>(msg.size()));
	return msg;
}

struct Message {
	uint16_t type;
	uint32_t seq;
	std::span<const std::byte> payload;
};

// Splits a datagram into messages, rejecting any length that would step
// outside it.
Result<std::vector<Message>> split_messages(std::span<const std::byte> datagram)
{
	std::vector<Message> messages;

	while (!datagram.empty()) {
		if (datagram.size() < kMsgHeaderSize)
			return std::make_error_code(std::errc::bad_message);
		const uint32_t len = load_native<uint32_t>(datagram, offsetof(nlmsghdr, nlmsg_len));
		if (len < kMsgHeaderSize || len > datagram.size())
			return std::make_error_code(std::errc::bad_message);
		messages.push_back({
			.type = load_native<uint16_t>(datagram, offsetof(nlmsghdr, nlmsg_type)),
			.seq = load_native<uint32_t>(datagram, offsetof(nlmsghdr, nlmsg_seq)),
			.payload = datagram.subspan(kMsgHeaderSize, len - kMsgHeaderSize),
		});
		datagram = datagram.subspan(std::min<std::size_t>(align(len), datagram.size()));
	}
	return messages;
}

// NLMSG_ERROR carries a negative errno (0 is an acknowledgement).
std::error_code netlink_error(const Message &msg)
{
	if (msg.payload.size() < sizeof(int32_t))
		return std::make_error_code(std::errc::bad_message);
	const int32_t error = load_native<int32_t>(msg.payload, 0);
	return error < 0 ? errno_code(-error) : std::error_code{};
}

struct Attr {
	uint16_t type;
	std::span<const std::byte> data;
};

Result<std::vector<Attr>> split_attrs(std::span<const std::byte> attrs)
{
	std::vector<Attr> out;

	while (attrs.size() >= kAttrHeaderSize) {
		const uint16_t len = load_native<uint16_t>(attrs, offsetof(nlattr, nla_len));
		if (len < kAttrHeaderSize || len > attrs.size())
			return std::make_error_code(std::errc::bad_message);
		out.push_back({
			.type = static_cast<uint16_t>(load_native<uint16_t>(attrs, offsetof(nlattr, nla_type)) &
						      NLA_TYPE_MASK),
			.data = attrs.subspan(kAttrHeaderSize, len - kAttrHeaderSize),
		});
		attrs = attrs.subspan(std::min<std::size_t>(align(len), attrs.size()));
	}
	return out;
}

Result<uint64_t> attr_uint(const Attr &attr)
{
	if (attr.data.size() == sizeof(uint32_t))
		return load_native<uint32_t>(attr.data, 0);
	if (attr.data.size() == sizeof(uint64_t))
		return load_native<uint64_t>(attr.data, 0);
	return std::make_error_code(std::errc::bad_message);
}

Result<std::string> attr_string(const Attr &attr)
{
	const auto nul = std::ranges::find(attr.data, std::byte{0});
	if (nul == attr.data.end())
		return std::make_error_code(std::errc::bad_message);
	return std::string(reinterpret_cast<const char *>(attr.data.data()),
			   static_cast<std::size_t>(nul - attr.data.begin()));
}

Result<DumpedDevice> parse_device(std::span<const std::byte> payload)
{
	auto attrs = split_attrs(payload);
	if (!attrs)
		return attrs.error();

	DumpedDevice device;
	bool have_index = false, have_name = false;
	for (const Attr &attr : *attrs) {
		switch (attr.type) {
		case RDMA_NLDEV_ATTR_DEV_INDEX: {
			auto index = attr_uint(attr);
			if (!index)
				return index.error();
			device.index = static_cast<uint32_t>(*index);
			have_index = true;
			break;
		}
		case RDMA_NLDEV_ATTR_DEV_NAME: {
			auto name = attr_string(attr);
			if (!name)
				return name.error();
			device.name = std::move(*name);
			have_name = true;
			break;
		}
		case RDMA_NLDEV_ATTR_NODE_GUID: {
			auto guid = attr_uint(attr);
			if (!guid)
				return guid.error();
			device.node_guid = *guid;
			break;
		}
		default:
			break;
		}
	}
	if (!have_index || !have_name)
		return std::make_error_code(std::errc::bad_message);
	return device;
}

// Result<bool> cannot be built from an error_code implicitly: the code's
// own conversion to bool would make it ambiguous.
Result<bool> failed(std::error_code error)
{
	return {boost::system::in_place_error, error};
}

} // namespace

std::vector<std::byte> build_device_dump_request(uint32_t seq)
{
	std::vector<std::byte> msg;

	put_message_header(msg, nldev_type(RDMA_NLDEV_CMD_GET), NLM_F_REQUEST | NLM_F_DUMP, seq);
	return finish(std::move(msg));
}

std::vector<std::byte> build_uverbs_chardev_request(uint32_t seq, uint32_t dev_index)
{
	static constexpr char kClient[] = "uverbs";
	std::vector<std::byte> msg;
	std::array<std::byte, sizeof(uint32_t)> index{};

	put_message_header(msg, nldev_type(RDMA_NLDEV_CMD_GET_CHARDEV), NLM_F_REQUEST, seq);
	store_native<uint32_t>(index, 0, dev_index);
	put_attr(msg, RDMA_NLDEV_ATTR_DEV_INDEX, index);
	put_attr(msg, RDMA_NLDEV_ATTR_CHARDEV_TYPE, std::as_bytes(std::span(kClient)));
	return finish(std::move(msg));
}

Result<bool> parse_device_dump(std::span<const std::byte> datagram, uint32_t seq,
			       std::vector<DumpedDevice> &devices)
{
	auto messages = split_messages(datagram);
	if (!messages)
		return failed(messages.error());

	for (const Message &msg : *messages) {
		if (msg.seq != seq)
			continue;
		if (msg.type == NLMSG_DONE)
			return true;
		if (msg.type == NLMSG_ERROR) {
			if (auto error = netlink_error(msg))
				return failed(error);
			continue;
		}
		if (msg.type != nldev_type(RDMA_NLDEV_CMD_GET))
			continue;
		auto device = parse_device(msg.payload);
		if (!device)
			return failed(device.error());
		devices.push_back(std::move(*device));
	}
	return false;
}

Result<UverbsChardev> parse_uverbs_chardev_reply(std::span<const std::byte> datagram,
						 uint32_t seq)
{
	auto messages = split_messages(datagram);
	if (!messages)
		return messages.error();

	for (const Message &msg : *messages) {
		if (msg.seq != seq)
			continue;
		if (msg.type == NLMSG_ERROR) {
			if (auto error = netlink_error(msg))
				return error;
			continue;
		}
		if (msg.type != nldev_type(RDMA_NLDEV_CMD_GET_CHARDEV))
			continue;
		auto attrs = split_attrs(msg.payload);
		if (!attrs)
			return attrs.error();

		UverbsChardev chardev;
		bool have_dev = false;
		for (const Attr &attr : *attrs) {
			switch (attr.type) {
			case RDMA_NLDEV_ATTR_UVERBS_DRIVER_ID: {
				auto id = attr_uint(attr);
				if (!id)
					return id.error();
				chardev.driver_id = static_cast<uint32_t>(*id);
				break;
			}
			case RDMA_NLDEV_ATTR_CHARDEV: {
				auto dev = attr_uint(attr);
				if (!dev)
					return dev.error();
				chardev.dev = *dev;
				have_dev = true;
				break;
			}
			case RDMA_NLDEV_ATTR_CHARDEV_NAME: {
				auto name = attr_string(attr);
				if (!name)
					return name.error();
				chardev.name = std::move(*name);
				break;
			}
			default:
				break;
			}
		}
		// The name becomes a path under /dev/infiniband.
		if (!have_dev || chardev.name.empty() ||
		    chardev.name.find('/') != std::string::npos || chardev.name.starts_with('.'))
			return std::make_error_code(std::errc::bad_message);
		return chardev;
	}
	return std::make_error_code(std::errc::no_message);
}

} // namespace hyv::broker::netlink

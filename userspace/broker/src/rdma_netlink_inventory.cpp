// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/rdma_netlink_inventory.hpp>

#include <hyv/broker/rdma_netlink_message.hpp>
#include <hyv/unique_fd.hpp>

#include <linux/netlink.h>
#include <rdma/ib_user_ioctl_verbs.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>

namespace hyv::broker {
namespace {

// Big enough for any nldev reply datagram (the kernel sizes them by page).
constexpr std::size_t kReceiveBufferSize = 32768;

class NetlinkSocket {
public:
	static Result<NetlinkSocket> open(std::chrono::milliseconds timeout)
	{
		UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_RDMA));
		if (!fd)
			return last_errno();

		const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(timeout);
		const timeval tv{
			.tv_sec = static_cast<time_t>(usec.count() / 1000000),
			.tv_usec = static_cast<suseconds_t>(usec.count() % 1000000),
		};
		if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
			return last_errno();
		return NetlinkSocket(std::move(fd));
	}

	std::error_code send(std::span<const std::byte> msg)
	{
		sockaddr_nl kernel{};
		kernel.nl_family = AF_NETLINK;
		if (::sendto(fd_.get(), msg.data(), msg.size(), 0,
			     reinterpret_cast<const sockaddr *>(&kernel), sizeof(kernel)) < 0)
			return last_errno();
		return {};
	}

	// One datagram from the kernel; others' datagrams cannot reach an
	// unbound-to-groups netlink socket, but the sender is checked anyway.
	Result<std::span<const std::byte>> receive()
	{
		for (;;) {
			sockaddr_nl from{};
			socklen_t from_len = sizeof(from);
			const ssize_t n = ::recvfrom(fd_.get(), buffer_.data(), buffer_.size(), 0,
						     reinterpret_cast<sockaddr *>(&from), &from_len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return last_errno();
			if (from.nl_pid != 0)
				continue;
			return std::span<const std::byte>(buffer_.data(), static_cast<std::size_t>(n));
		}
	}

	uint32_t next_seq() { return ++seq_; }

private:
	explicit NetlinkSocket(UniqueFd fd) : fd_(std::move(fd)) {}

	UniqueFd fd_;
	uint32_t seq_ = 0;
	std::vector<std::byte> buffer_ = std::vector<std::byte>(kReceiveBufferSize);
};

Result<std::vector<netlink::DumpedDevice>> dump_devices(NetlinkSocket &socket)
{
	const uint32_t seq = socket.next_seq();
	if (auto error = socket.send(netlink::build_device_dump_request(seq)))
		return error;

	std::vector<netlink::DumpedDevice> devices;
	for (;;) {
		auto datagram = socket.receive();
		if (!datagram)
			return datagram.error();
		auto done = netlink::parse_device_dump(*datagram, seq, devices);
		if (!done)
			return done.error();
		if (*done)
			return devices;
	}
}

Result<netlink::UverbsChardev> query_uverbs_chardev(NetlinkSocket &socket, uint32_t dev_index)
{
	const uint32_t seq = socket.next_seq();
	if (auto error = socket.send(netlink::build_uverbs_chardev_request(seq, dev_index)))
		return error;

	for (;;) {
		auto datagram = socket.receive();
		if (!datagram)
			return datagram.error();
		auto reply = netlink::parse_uverbs_chardev_reply(*datagram, seq);
		if (reply || reply.error() != std::errc::no_message)
			return reply;
	}
}

} // namespace

Result<std::vector<ScannedDevice>> RdmaNetlinkInventory::host_devices()
{
	auto socket = NetlinkSocket::open(timeout_);
	if (!socket)
		return socket.error();
	auto dumped = dump_devices(*socket);
	if (!dumped)
		return dumped.error();

	std::vector<ScannedDevice> devices;
	for (const netlink::DumpedDevice &device : *dumped) {
		ScannedDevice scanned{
			.index = device.index,
			.name = device.name,
			.node_guid = device.node_guid,
		};
		if (auto chardev = query_uverbs_chardev(*socket, device.index)) {
			scanned.driver_id = chardev->driver_id.value_or(RDMA_DRIVER_UNKNOWN);
			scanned.uverbs_name = std::move(chardev->name);
			scanned.uverbs_dev = chardev->dev;
		} else {
			scanned.uverbs_error = chardev.error();
		}
		devices.push_back(std::move(scanned));
	}
	return devices;
}

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/broker_hello.hpp>

#include <hyv/proto/broker_error.hpp>

#include <sys/socket.h>

#include <array>
#include <cstring>
#include <vector>

namespace hyv::broker {
namespace {

using proto::BrokerError;

// Room for more fds than HELLO may carry, so that extra ones are seen (and
// closed) rather than silently dropped by the kernel.
constexpr std::size_t kMaxFds = 4;

void take_fds(msghdr &msg, std::vector<UniqueFd> &fds)
{
	for (cmsghdr *cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		const std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (std::size_t i = 0; i < count; i++) {
			int fd;
			std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(fd));
			fds.emplace_back(fd);
		}
	}
}

// Fills `out` completely, collecting every fd that comes along.
awaitable<std::error_code> receive_exact(asio::local::stream_protocol::socket &socket,
					 std::span<std::byte> out, std::vector<UniqueFd> &fds)
{
	while (!out.empty()) {
		auto [ec] = co_await socket.async_wait(asio::socket_base::wait_read, use_result);
		if (ec)
			co_return to_std(ec);

		iovec iov{.iov_base = out.data(), .iov_len = out.size()};
		alignas(cmsghdr) std::array<char, CMSG_SPACE(kMaxFds * sizeof(int))> control;
		msghdr msg{};
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control.data();
		msg.msg_controllen = control.size();

		const ssize_t n = ::recvmsg(socket.native_handle(), &msg,
					    MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			co_return last_errno();
		take_fds(msg, fds);
		if (msg.msg_flags & MSG_CTRUNC)
			co_return BrokerError::control_data_truncated;
		if (n == 0)
			co_return BrokerError::closed_before_hello;
		out = out.subspan(static_cast<std::size_t>(n));
	}
	co_return std::error_code{};
}

} // namespace

awaitable<Result<ReceivedHello>> receive_hello(asio::local::stream_protocol::socket &socket)
{
	std::vector<UniqueFd> fds;

	std::array<std::byte, proto::kBrokerHeaderSize> header_bytes;
	if (auto ec = co_await receive_exact(socket, header_bytes, fds))
		co_return ec;
	if (auto ec = proto::check_hello_header(proto::decode_broker_header(header_bytes)))
		co_return ec;

	std::array<std::byte, proto::kBrokerHelloSize> payload;
	if (auto ec = co_await receive_exact(socket, payload, fds))
		co_return ec;
	auto hello = proto::decode_broker_hello(payload);
	if (!hello)
		co_return hello.error();

	if (fds.empty())
		co_return make_error_code(BrokerError::no_relay_fd);
	if (fds.size() > 1)
		co_return make_error_code(BrokerError::extra_fds);
	co_return ReceivedHello{.hello = std::move(*hello), .relay_fd = std::move(fds.front())};
}

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
#include <hyv/ctl/control_client.hpp>

#include <hyv/unique_fd.hpp>
#include <hyv/unix_address.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <string>

namespace hyv::ctl {
namespace {

// Replies are small; anything this long is not hyvd.
constexpr std::size_t kMaxReply = 1 << 20;

using Clock = std::chrono::steady_clock;

Result<UniqueFd> connect_unix(const std::filesystem::path &path)
{
	auto addr = unix_address(path);
	if (!addr)
		return addr.error();

	UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	if (!fd)
		return last_errno();
	if (::connect(fd.get(), reinterpret_cast<const sockaddr *>(&*addr), sizeof(*addr)) < 0)
		return last_errno();
	return fd;
}

// Waits for `events` on `fd` until `deadline`.
std::error_code wait_for(int fd, short events, Clock::time_point deadline)
{
	for (;;) {
		const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
			deadline - Clock::now());
		if (left.count() <= 0)
			return std::make_error_code(std::errc::timed_out);
		pollfd pfd{.fd = fd, .events = events, .revents = 0};
		const int n = ::poll(&pfd, 1, static_cast<int>(left.count()));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return last_errno();
		if (n > 0)
			return {};
	}
}

std::error_code send_all(int fd, std::string_view data, Clock::time_point deadline)
{
	while (!data.empty()) {
		if (auto ec = wait_for(fd, POLLOUT, deadline))
			return ec;
		const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return last_errno();
		data.remove_prefix(static_cast<std::size_t>(n));
	}
	return {};
}

Result<std::string> receive_line(int fd, Clock::time_point deadline)
{
	std::string line;
	char chunk[4096];

	for (;;) {
		if (auto ec = wait_for(fd, POLLIN, deadline))
			return ec;
		const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return last_errno();
		if (n == 0)
			return std::make_error_code(std::errc::bad_message);
		line.append(chunk, static_cast<std::size_t>(n));
		if (const auto end = line.find('\n'); end != std::string::npos)
			return line.substr(0, end);
		if (line.size() > kMaxReply)
			return std::make_error_code(std::errc::bad_message);
	}
}

} // namespace

Result<nlohmann::json> control_request(const std::filesystem::path &socket_path,
				       const nlohmann::json &request,
				       std::chrono::milliseconds timeout)
{
	const auto deadline = Clock::now() + timeout;

	auto fd = connect_unix(socket_path);
	if (!fd)
		return fd.error();
	if (auto ec = send_all(fd->get(), request.dump() + '\n', deadline))
		return ec;
	auto line = receive_line(fd->get(), deadline);
	if (!line)
		return line.error();

	auto reply = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
	if (reply.is_discarded() || !reply.is_object())
		return std::make_error_code(std::errc::bad_message);
	return reply;
}

} // namespace hyv::ctl

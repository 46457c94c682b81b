// SPDX-License-Identifier: GPL-2.0
// Helpers shared by the unit tests: request builders, socket pairs, fd
// passing as QEMU does it, and an io_context running on its own thread.
#pragma once

#include <hyv/proto/broker_protocol.hpp>
#include <hyv/proto/byte_order.hpp>
#include <hyv/unique_fd.hpp>

#include <linux/vhost_hyv.h>

#include <hyv/result.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <catch2/catch_tostring.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

// Catch prints a failed REQUIRE(result) through this, not through Boost's
// operator<<, which only compiles for streamable values and errors.
namespace hyv::test {

inline std::string describe(const std::error_code &error)
{
	return error.message();
}

template <typename E>
std::string describe(const E &error)
	requires requires { error.message; }
{
	return error.message;
}

template <typename E>
std::string describe(const E &error)
	requires requires { error.reason; }
{
	return error.reason;
}

} // namespace hyv::test

template <typename T, typename E>
struct Catch::StringMaker<boost::system::result<T, E>> {
	static std::string convert(const boost::system::result<T, E> &result)
	{
		return result ? "value" : "error: " + hyv::test::describe(result.error());
	}
};

namespace hyv::test {

using Bytes = std::vector<std::byte>;

inline Bytes request_header(uint16_t opcode, uint16_t flags = 0, uint32_t reserved = 0)
{
	Bytes out(sizeof(virtio_hyv_req_hdr));
	proto::store_le<uint16_t>(out, 0, opcode);
	proto::store_le<uint16_t>(out, 2, flags);
	proto::store_le<uint32_t>(out, 4, reserved);
	return out;
}

inline Bytes hello_request(uint16_t major = VIRTIO_HYV_VERSION_MAJOR, uint16_t minor = 0,
			   uint32_t reserved = 0)
{
	Bytes out = request_header(VIRTIO_HYV_OP_HELLO);
	out.resize(sizeof(virtio_hyv_hello_req));
	proto::store_le<uint16_t>(out, 8, major);
	proto::store_le<uint16_t>(out, 10, minor);
	proto::store_le<uint32_t>(out, 12, reserved);
	return out;
}

// A port request (QUERY_DEVICE with port 0, QUERY_PORT, ..._TABLE).
inline Bytes port_request(uint16_t opcode, uint32_t dev_id, uint32_t port)
{
	Bytes out = request_header(opcode);
	out.resize(sizeof(virtio_hyv_port_req));
	proto::store_le<uint32_t>(out, 8, dev_id);
	proto::store_le<uint32_t>(out, 12, port);
	return out;
}

// CREATE_CONTEXT; udata_len is the length of `udata` unless given.
inline Bytes create_context_request(uint32_t dev_id, const Bytes &udata, uint32_t resp_udata_max,
				    std::optional<uint32_t> udata_len = std::nullopt,
				    uint32_t reserved = 0)
{
	Bytes out = request_header(VIRTIO_HYV_OP_CREATE_CONTEXT);
	out.resize(sizeof(virtio_hyv_create_context_req));
	proto::store_le<uint32_t>(out, 8, dev_id);
	proto::store_le<uint32_t>(out, 12, udata_len.value_or(static_cast<uint32_t>(udata.size())));
	proto::store_le<uint32_t>(out, 16, resp_udata_max);
	proto::store_le<uint32_t>(out, 20, reserved);
	out.insert(out.end(), udata.begin(), udata.end());
	return out;
}

inline Bytes destroy_context_request(uint32_t ctx_handle, uint32_t reserved = 0)
{
	Bytes out = request_header(VIRTIO_HYV_OP_DESTROY_CONTEXT);
	out.resize(sizeof(virtio_hyv_destroy_context_req));
	proto::store_le<uint32_t>(out, 8, ctx_handle);
	proto::store_le<uint32_t>(out, 12, reserved);
	return out;
}

// A relay read as vhost_hyv produces it: header (host order) + request.
inline Bytes relay_frame(uint64_t id, const Bytes &request, uint32_t resp_max = 4096)
{
	Bytes out(sizeof(vhost_hyv_relay_req));
	proto::store_native<uint64_t>(out, 0, id);
	proto::store_native<uint32_t>(out, 8, static_cast<uint32_t>(request.size()));
	proto::store_native<uint32_t>(out, 12, resp_max);
	out.insert(out.end(), request.begin(), request.end());
	return out;
}

struct SocketPair {
	UniqueFd a, b;
};

inline SocketPair socket_pair(int type)
{
	int fds[2];
	if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) < 0)
		throw std::runtime_error("socketpair failed");
	return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Bounds every blocking call a test makes on `fd`.
inline void set_timeouts(int fd, std::chrono::milliseconds timeout = std::chrono::seconds(5))
{
	const timeval tv{.tv_sec = timeout.count() / 1000,
			 .tv_usec = (timeout.count() % 1000) * 1000};
	::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

// One sendmsg of `data` with `fds` attached, as QEMU sends HELLO.
inline ssize_t send_with_fds(int socket, std::span<const std::byte> data, std::vector<int> fds)
{
	iovec iov{.iov_base = const_cast<std::byte *>(data.data()), .iov_len = data.size()};
	std::vector<char> control(CMSG_SPACE(fds.size() * sizeof(int)));
	msghdr msg{};
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (!fds.empty()) {
		msg.msg_control = control.data();
		msg.msg_controllen = control.size();
		cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(fds.size() * sizeof(int));
		std::memcpy(CMSG_DATA(cmsg), fds.data(), fds.size() * sizeof(int));
	}
	return ::sendmsg(socket, &msg, MSG_NOSIGNAL);
}

inline proto::BrokerHello sample_hello()
{
	proto::BrokerHello hello;
	hello.version = proto::kBrokerProtocolVersion;
	hello.qemu_pid = 4242;
	for (uint8_t i = 0; i < 16; i++)
		hello.uuid[i] = static_cast<uint8_t>(0x10 + i);
	hello.name = "guest1";
	hello.device_id = "hyv0";
	return hello;
}

// HELLO header and payload in one buffer.
inline Bytes broker_hello_message(const proto::BrokerHello &hello,
				  uint32_t type = 1, uint32_t len = proto::kBrokerHelloSize)
{
	const auto header = proto::encode_broker_header({.type = type, .len = len});
	const auto payload = proto::encode_broker_hello(hello);
	Bytes out(header.size() + payload.size());
	std::copy(payload.begin(), payload.end(),
		  std::copy(header.begin(), header.end(), out.begin()));
	return out;
}

// Reads exactly `size` bytes (blocking, bounded by set_timeouts); fewer on
// EOF or timeout.
inline Bytes read_bytes(int fd, std::size_t size)
{
	Bytes out(size);
	std::size_t got = 0;
	while (got < size) {
		const ssize_t n = ::read(fd, out.data() + got, size - got);
		if (n <= 0)
			break;
		got += static_cast<std::size_t>(n);
	}
	out.resize(got);
	return out;
}

inline bool same_file(int a, int b)
{
	struct stat sa, sb;
	return ::fstat(a, &sa) == 0 && ::fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

// An io_context running on a background thread; run_on() executes a
// function on that thread (where hyvd's single-threaded objects live).
class IoThread {
public:
	IoThread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
	~IoThread()
	{
		work_.reset();
		io_.stop();
		thread_.join();
	}

	boost::asio::io_context &io() { return io_; }

	template <typename F>
	auto run_on(F &&fn)
	{
		std::packaged_task<decltype(fn())()> task(std::forward<F>(fn));
		auto result = task.get_future();
		boost::asio::post(io_, [&task] { task(); });
		return result.get();
	}

	// Polls `predicate` on the io thread until it holds or ~5 s pass.
	template <typename F>
	bool eventually(F predicate)
	{
		for (int i = 0; i < 500; i++) {
			if (run_on(predicate))
				return true;
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
		return false;
	}

private:
	boost::asio::io_context io_;
	boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
	std::thread thread_;
};

// A fresh directory under the system temp dir, removed afterwards.
class TempDir {
public:
	TempDir()
	{
		std::string templ = (std::filesystem::temp_directory_path() / "hyv-test-XXXXXX");
		if (!::mkdtemp(templ.data()))
			throw std::runtime_error("mkdtemp failed");
		path_ = templ;
	}
	~TempDir() { std::filesystem::remove_all(path_); }

	const std::filesystem::path &path() const { return path_; }

private:
	std::filesystem::path path_;
};

} // namespace hyv::test

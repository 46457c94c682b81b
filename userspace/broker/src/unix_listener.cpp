// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/unix_listener.hpp>

#include <hyv/unique_fd.hpp>
#include <hyv/unix_address.hpp>

#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstring>

namespace hyv::broker {
namespace {

// Whether some process accepts connections at `path` right now.
bool someone_listens(const sockaddr_un &addr)
{
	UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
	if (!probe)
		return false;
	if (::connect(probe.get(), reinterpret_cast<const sockaddr *>(&addr), sizeof(addr)) == 0)
		return true;
	// A listener with a full backlog still counts.
	return errno == EAGAIN;
}

std::error_code remove_stale_socket(const std::filesystem::path &path, const sockaddr_un &addr)
{
	struct stat st;
	if (::lstat(path.c_str(), &st) < 0)
		return errno == ENOENT ? std::error_code{} : last_errno();
	if (!S_ISSOCK(st.st_mode))
		return std::make_error_code(std::errc::file_exists);
	if (someone_listens(addr))
		return std::make_error_code(std::errc::address_in_use);
	spdlog::debug("removing stale socket {}", path.string());
	if (::unlink(path.c_str()) < 0 && errno != ENOENT)
		return last_errno();
	return {};
}

} // namespace

Result<std::unique_ptr<UnixListener>> UnixListener::open(const asio::any_io_executor &executor,
							 const std::filesystem::path &path,
							 const SocketAccess &access)
{
	auto addr = unix_address(path);
	if (!addr)
		return addr.error();

	std::error_code fs_ec;
	if (path.has_parent_path())
		std::filesystem::create_directories(path.parent_path(), fs_ec);
	if (fs_ec)
		return fs_ec;
	if (auto ec = remove_stale_socket(path, *addr))
		return ec;

	asio::local::stream_protocol::acceptor acceptor(executor);
	boost::system::error_code ec;
	acceptor.open(asio::local::stream_protocol(), ec);
	if (!ec)
		acceptor.bind(asio::local::stream_protocol::endpoint(path.native()), ec);
	if (ec)
		return to_std(ec);
	if (auto access_ec = apply_socket_access(path.c_str(), access)) {
		::unlink(path.c_str());
		return access_ec;
	}
	acceptor.listen(asio::socket_base::max_listen_connections, ec);
	if (ec) {
		::unlink(path.c_str());
		return to_std(ec);
	}

	struct stat st;
	if (::stat(path.c_str(), &st) < 0)
		return last_errno();
	return std::unique_ptr<UnixListener>(
		new UnixListener(std::move(acceptor), path, st.st_dev, st.st_ino));
}

UnixListener::UnixListener(asio::local::stream_protocol::acceptor acceptor,
			   std::filesystem::path path, dev_t dev, ino_t ino)
	: acceptor_(std::move(acceptor)), path_(std::move(path)), dev_(dev), ino_(ino)
{
}

UnixListener::~UnixListener()
{
	struct stat st;
	if (::stat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_)
		::unlink(path_.c_str());
}

} // namespace hyv::broker

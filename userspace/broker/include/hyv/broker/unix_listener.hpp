// SPDX-License-Identifier: GPL-2.0
// A listening unix stream socket at a path that hyvd owns while it runs.
#pragma once

#include <hyv/broker/asio.hpp>
#include <hyv/broker/peer_access.hpp>
#include <hyv/result.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <sys/types.h>

#include <filesystem>
#include <memory>

namespace hyv::broker {

class UnixListener {
public:
	// Creates missing parent directories.  A socket already at `path` is
	// replaced only if nobody accepts connections on it; any other file
	// there is an error (EEXIST), as is a live listener (EADDRINUSE).  The
	// socket file gets the group and mode of `access` before it listens,
	// so nobody connects through the mode the umask gave it.
	static Result<std::unique_ptr<UnixListener>> open(const asio::any_io_executor &executor,
							  const std::filesystem::path &path,
							  const SocketAccess &access);

	UnixListener(const UnixListener &) = delete;
	UnixListener &operator=(const UnixListener &) = delete;
	// Removes the socket file, unless something else has replaced it.
	~UnixListener();

	asio::local::stream_protocol::acceptor &acceptor() { return acceptor_; }
	const std::filesystem::path &path() const { return path_; }

private:
	UnixListener(asio::local::stream_protocol::acceptor acceptor,
		     std::filesystem::path path, dev_t dev, ino_t ino);

	asio::local::stream_protocol::acceptor acceptor_;
	std::filesystem::path path_;
	dev_t dev_;
	ino_t ino_;
};

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
// UniqueFd: sole owner of a file descriptor; closes it exactly once.
#pragma once

#include <unistd.h>

#include <utility>

namespace hyv {

class UniqueFd {
public:
	UniqueFd() = default;
	explicit UniqueFd(int fd) : fd_(fd) {}
	UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
	UniqueFd &operator=(UniqueFd &&other) noexcept
	{
		if (this != &other)
			reset(other.release());
		return *this;
	}
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd() { reset(); }

	int get() const { return fd_; }
	explicit operator bool() const { return fd_ >= 0; }

	// Hands the descriptor to a new owner (e.g. an Asio descriptor object).
	int release() { return std::exchange(fd_, -1); }

	void reset(int fd = -1)
	{
		// close() is not retried on EINTR: on Linux the descriptor is
		// already released and a retry could close a reused number.
		if (fd_ >= 0)
			::close(fd_);
		fd_ = fd;
	}

private:
	int fd_ = -1;
};

} // namespace hyv

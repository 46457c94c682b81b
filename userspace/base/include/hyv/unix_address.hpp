// SPDX-License-Identifier: GPL-2.0
// The sockaddr_un of a filesystem path, refused when the path does not fit.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <filesystem>
#include <system_error>

#include <hyv/result.hpp>

namespace hyv {

inline Result<sockaddr_un> unix_address(const std::filesystem::path &path)
{
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	// sun_path must keep its terminating NUL.
	if (path.native().size() >= sizeof(addr.sun_path))
		return std::make_error_code(std::errc::filename_too_long);
	std::memcpy(addr.sun_path, path.c_str(), path.native().size());
	return addr;
}

} // namespace hyv

// SPDX-License-Identifier: GPL-2.0
// The client side of hyvd's control socket: one request, one reply.
#pragma once

#include <hyv/result.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

namespace hyv::ctl {

// Sends `request` and returns hyvd's reply.  Connection errors come back as
// their errno (ENOENT, ECONNREFUSED: hyvd is not running), a reply that is
// not one JSON object line as bad_message, no reply in time as timed_out.
Result<nlohmann::json> control_request(const std::filesystem::path &socket_path,
				       const nlohmann::json &request,
				       std::chrono::milliseconds timeout);

} // namespace hyv::ctl

// SPDX-License-Identifier: GPL-2.0
// hyvd's control protocol (hyvctl <-> hyvd): one JSON object per line each
// way.  Requests {"cmd":"list"}; answers {"ok":true,...} or
// {"ok":false,"error":"..."}.
#pragma once

#include <hyv/broker/vm_registry.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace hyv::broker {

nlohmann::json vm_list_json(const std::vector<VmInfo> &vms);

// The answer line (without its newline) to one request line.
std::string handle_control_line(std::string_view line, const VmRegistry &registry);

} // namespace hyv::broker

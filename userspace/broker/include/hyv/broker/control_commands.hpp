// SPDX-License-Identifier: GPL-2.0
// hyvd's control protocol (hyvctl <-> hyvd): one JSON object per line each
// way.  Requests {"cmd":"list"}, {"cmd":"devices"},
// {"cmd":"attach","vm":"...","device":"..."} and the same with "detach";
// answers {"ok":true,...} or {"ok":false,"error":"..."}.
// Documentation/broker-protocol.rst describes every field.
#pragma once

#include <hyv/broker/broker.hpp>
#include <hyv/broker/peer_access.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace hyv::broker {

nlohmann::json vm_list_json(const Broker &broker);
nlohmann::json device_list_json(const Broker &broker);

// The answer line (without its newline) to one request line from a client
// of `role`: list and devices for a reader, attach and detach too for an
// administrator, "permission denied" for anything else.
std::string handle_control_line(std::string_view line, Broker &broker, ControlRole role);

} // namespace hyv::broker

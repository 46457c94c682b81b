// SPDX-License-Identifier: GPL-2.0
// `hyvctl list` and `hyvctl devices` as tables.
#pragma once

#include <hyv/result.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace hyv::ctl {

// The VMs of a successful list reply, one row each under a header; fails
// with bad_message when the reply does not have the documented shape.
Result<std::string> format_vm_table(const nlohmann::json &reply);

// The same for a devices reply: the devices hyvd offers, then those it
// refuses ("-" for dev_id, "refused: REASON" for the VMs).
Result<std::string> format_device_table(const nlohmann::json &reply);

} // namespace hyv::ctl

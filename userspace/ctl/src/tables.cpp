// SPDX-License-Identifier: GPL-2.0
#include <hyv/ctl/tables.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <vector>

namespace hyv::ctl {
namespace {

using nlohmann::json;
using Row = std::vector<std::string>;

std::string or_dash(std::string text)
{
	return text.empty() ? "-" : text;
}

std::string joined(std::vector<std::string> items)
{
	return or_dash(fmt::format("{}", fmt::join(items, ",")));
}

Row vm_row(const json &vm)
{
	std::vector<std::string> devices;
	for (const json &device : vm.at("devices"))
		devices.push_back(device.get<std::string>());

	return {
		std::to_string(vm.at("vm_id").get<uint32_t>()),
		or_dash(vm.at("name").get<std::string>()),
		vm.at("uuid").get<std::string>(),
		vm.at("state").get<std::string>(),
		std::to_string(vm.at("pid").get<int64_t>()),
		fmt::format("{}/{}", vm.at("contexts").get<uint64_t>(),
			    vm.at("max_contexts").get<uint64_t>()),
		std::to_string(vm.at("requests").get<uint64_t>()),
		std::to_string(vm.value("pinned_pages", uint64_t{0})),
		joined(std::move(devices)),
	};
}

Row device_row(const json &device)
{
	std::vector<std::string> vms;
	for (const json &vm : device.at("vms")) {
		const auto name = vm.at("name").get<std::string>();
		vms.push_back(name.empty() ? std::to_string(vm.at("vm_id").get<uint32_t>()) : name);
	}

	return {
		std::to_string(device.at("dev_id").get<uint32_t>()),
		device.at("name").get<std::string>(),
		device.at("driver").get<std::string>(),
		device.at("node_guid").get<std::string>(),
		device.at("uverbs").get<std::string>(),
		joined(std::move(vms)),
	};
}

// A device hyvd gives no VM: no dev_id, its reason where the VMs go.
Row refused_row(const json &device)
{
	return {
		"-",
		device.at("name").get<std::string>(),
		device.at("driver").get<std::string>(),
		device.at("node_guid").get<std::string>(),
		or_dash(device.at("uverbs").get<std::string>()),
		"refused: " + device.at("reason").get<std::string>(),
	};
}

// Columns padded to their widest cell, two spaces apart; the last one is
// not padded.
std::string render(const std::vector<Row> &rows)
{
	std::vector<std::size_t> width(rows.front().size());
	for (const Row &row : rows)
		for (std::size_t i = 0; i < row.size(); i++)
			width[i] = std::max(width[i], row[i].size());

	std::string out;
	for (const Row &row : rows) {
		std::string line;
		for (std::size_t i = 0; i < row.size(); i++) {
			const bool last = i + 1 == row.size();
			line += last ? row[i] : fmt::format("{:<{}}  ", row[i], width[i]);
		}
		out += line + '\n';
	}
	return out;
}

// The reply is hyvd's, but hyvctl must not crash on a malformed one: a
// JSON type error becomes bad_message here and nowhere else.
// `extra_key`, when given and present, adds rows by `extra_of`.
template <typename RowOf>
Result<std::string> format_table(const json &reply, const char *key, Row header, RowOf row_of,
				 const char *extra_key = nullptr, RowOf extra_of = nullptr)
{
	std::vector<Row> rows{std::move(header)};
	try {
		for (const json &item : reply.at(key))
			rows.push_back(row_of(item));
		if (extra_key && reply.contains(extra_key))
			for (const json &item : reply.at(extra_key))
				rows.push_back(extra_of(item));
	} catch (const json::exception &) {
		return std::make_error_code(std::errc::bad_message);
	}
	return render(rows);
}

} // namespace

Result<std::string> format_vm_table(const json &reply)
{
	return format_table(reply, "vms",
			    {"VM", "NAME", "UUID", "STATE", "PID", "CONTEXTS", "REQUESTS", "PINNED",
			     "DEVICES"},
			    vm_row);
}

Result<std::string> format_device_table(const json &reply)
{
	return format_table(reply, "devices", {"DEV", "NAME", "DRIVER", "NODE GUID", "UVERBS", "VMS"},
			    device_row, "refused", refused_row);
}

} // namespace hyv::ctl

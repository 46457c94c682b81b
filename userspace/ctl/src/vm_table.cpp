// SPDX-License-Identifier: GPL-2.0
#include <hyv/ctl/vm_table.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <vector>

namespace hyv::ctl {
namespace {

using nlohmann::json;
using Row = std::array<std::string, 6>;

Row header_row()
{
	return {"VM", "NAME", "UUID", "PID", "REQUESTS", "DEVICES"};
}

std::string or_dash(std::string text)
{
	return text.empty() ? "-" : text;
}

Row vm_row(const json &vm)
{
	const auto &devices = vm.at("devices").get_ref<const json::array_t &>();
	std::vector<std::string> names;
	for (const json &device : devices)
		names.push_back(device.get<std::string>());

	return {
		std::to_string(vm.at("vm_id").get<uint32_t>()),
		or_dash(vm.at("name").get<std::string>()),
		vm.at("uuid").get<std::string>(),
		std::to_string(vm.at("pid").get<int64_t>()),
		std::to_string(vm.at("requests").get<uint64_t>()),
		or_dash(fmt::format("{}", fmt::join(names, ","))),
	};
}

std::string render(const std::vector<Row> &rows)
{
	std::array<std::size_t, std::tuple_size_v<Row>> width{};
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

} // namespace

Result<std::string> format_vm_table(const json &reply)
{
	std::vector<Row> rows{header_row()};

	// The reply is hyvd's, but hyvctl must not crash on a malformed one:
	// a JSON type error becomes bad_message here and nowhere else.
	try {
		for (const json &vm : reply.at("vms"))
			rows.push_back(vm_row(vm));
	} catch (const json::exception &) {
		return std::make_error_code(std::errc::bad_message);
	}
	return render(rows);
}

} // namespace hyv::ctl

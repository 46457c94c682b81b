// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/broker/control_commands.hpp>

#include <catch2/catch_test_macros.hpp>

using namespace hyv::broker;
using nlohmann::json;

TEST_CASE("list answers every VM with the documented fields", "[control]")
{
	VmRegistry registry;
	VmInfo info{.pid = 1234, .uid = 0, .name = "guest1", .device_id = "hyv0",
		    .devices = {"rxe0", "siw0"}, .requests = 3};
	info.uuid[15] = 0xab;
	auto registration = registry.add(info);

	const json reply = json::parse(handle_control_line(R"({"cmd":"list"})", registry));
	CHECK(reply["ok"] == true);
	REQUIRE(reply["vms"].size() == 1);
	const json &vm = reply["vms"][0];
	CHECK(vm["vm_id"] == 1);
	CHECK(vm["name"] == "guest1");
	CHECK(vm["uuid"] == "00000000-0000-0000-0000-0000000000ab");
	CHECK(vm["pid"] == 1234);
	CHECK(vm["devices"] == json::array({"rxe0", "siw0"}));
	CHECK(vm["requests"] == 3);
}

TEST_CASE("list with no VMs is an empty array", "[control]")
{
	VmRegistry registry;
	CHECK(handle_control_line(R"({"cmd":"list"})", registry) == R"({"ok":true,"vms":[]})");
}

TEST_CASE("bad control requests get ok:false with a reason", "[control]")
{
	VmRegistry registry;
	auto error_of = [&](std::string_view line) {
		const json reply = json::parse(handle_control_line(line, registry));
		CHECK(reply["ok"] == false);
		return reply["error"].get<std::string>();
	};

	CHECK(error_of("{") == "request is not valid JSON");
	CHECK(error_of("[1]") == "request is not a JSON object");
	CHECK(error_of(R"({"cmd":7})") == R"(request has no "cmd" string)");
	CHECK(error_of(R"({"cmd":"reboot"})") == "unknown command 'reboot'");
}

TEST_CASE("labels that are not UTF-8 do not break the reply", "[control]")
{
	VmRegistry registry;
	auto registration = registry.add({.name = "bad\xff"});
	const json reply = json::parse(handle_control_line(R"({"cmd":"list"})", registry));
	CHECK(reply["vms"][0]["name"] == "bad\xef\xbf\xbd");
}

// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/ctl/vm_table.hpp>

#include <catch2/catch_test_macros.hpp>

using nlohmann::json;

TEST_CASE("the VM table has a header and aligned rows", "[hyvctl]")
{
	const json reply = json::parse(R"({"ok":true,"vms":[
		{"vm_id":1,"name":"guest1","uuid":"00000000-0000-0000-0000-000000000001",
		 "pid":1234,"devices":["rxe0","siw0"],"requests":3},
		{"vm_id":12,"name":"","uuid":"00000000-0000-0000-0000-000000000002",
		 "pid":99,"devices":[],"requests":0}]})");

	auto table = hyv::ctl::format_vm_table(reply);
	REQUIRE(table);
	CHECK(*table ==
	      "VM  NAME    UUID                                  PID   REQUESTS  DEVICES\n"
	      "1   guest1  00000000-0000-0000-0000-000000000001  1234  3         rxe0,siw0\n"
	      "12  -       00000000-0000-0000-0000-000000000002  99    0         -\n");
}

TEST_CASE("a malformed list reply is an error, not a crash", "[hyvctl]")
{
	CHECK(hyv::ctl::format_vm_table(json::parse(R"({"ok":true})")).error() ==
	      std::errc::bad_message);
	CHECK(hyv::ctl::format_vm_table(json::parse(R"({"vms":[{"vm_id":"x"}]})")).error() ==
	      std::errc::bad_message);
}

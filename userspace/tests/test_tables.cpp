// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/ctl/tables.hpp>

#include <catch2/catch_test_macros.hpp>

using nlohmann::json;

TEST_CASE("the VM table has a header and aligned rows", "[hyvctl]")
{
	const json reply = json::parse(R"({"ok":true,"vms":[
		{"vm_id":1,"name":"guest1","uuid":"00000000-0000-0000-0000-000000000001",
		 "state":"ready","pid":1234,"devices":["rxe0","siw0"],"contexts":2,
		 "max_contexts":64,"requests":3,"pinned_pages":256},
		{"vm_id":12,"name":"","uuid":"00000000-0000-0000-0000-000000000002",
		 "state":"connected","pid":99,"devices":[],"contexts":0,"max_contexts":8,
		 "requests":0}]})");

	auto table = hyv::ctl::format_vm_table(reply);
	REQUIRE(table);
	CHECK(*table ==
	      "VM  NAME    UUID                                  STATE      PID   CONTEXTS  "
	      "REQUESTS  PINNED  DEVICES\n"
	      "1   guest1  00000000-0000-0000-0000-000000000001  ready      1234  2/64      "
	      "3         256     rxe0,siw0\n"
	      "12  -       00000000-0000-0000-0000-000000000002  connected  99    0/8       "
	      "0         0       -\n");
}

TEST_CASE("the device table names the VMs using each device", "[hyvctl]")
{
	const json reply = json::parse(R"({"ok":true,"devices":[
		{"dev_id":0,"name":"rxe0","driver":"rxe","driver_id":14,
		 "node_guid":"7cfe:9003:00ae:c4e0","uverbs":"uverbs0","ports":1,
		 "vms":[{"vm_id":1,"name":"guest1"},{"vm_id":2,"name":""}]},
		{"dev_id":1,"name":"siw0","driver":"siw","driver_id":18,
		 "node_guid":"0000:0000:0000:0000","uverbs":"uverbs1","ports":1,"vms":[]}]})");

	auto table = hyv::ctl::format_device_table(reply);
	REQUIRE(table);
	CHECK(*table ==
	      "DEV  NAME  DRIVER  NODE GUID            UVERBS   VMS\n"
	      "0    rxe0  rxe     7cfe:9003:00ae:c4e0  uverbs0  guest1,2\n"
	      "1    siw0  siw     0000:0000:0000:0000  uverbs1  -\n");
}

TEST_CASE("the device table lists refused devices with their reason", "[hyvctl]")
{
	const json reply = json::parse(R"({"ok":true,"devices":[
		{"dev_id":0,"name":"rxe0","driver":"rxe","driver_id":14,
		 "node_guid":"7cfe:9003:00ae:c4e0","uverbs":"uverbs0","ports":1,"vms":[]}],
		"refused":[{"name":"mlx5_0","driver":"mlx5","driver_id":1,
		 "node_guid":"0000:0000:0000:0001","uverbs":"uverbs1",
		 "reason":"no personality for driver mlx5"}]})");

	auto table = hyv::ctl::format_device_table(reply);
	REQUIRE(table);
	CHECK(*table ==
	      "DEV  NAME    DRIVER  NODE GUID            UVERBS   VMS\n"
	      "0    rxe0    rxe     7cfe:9003:00ae:c4e0  uverbs0  -\n"
	      "-    mlx5_0  mlx5    0000:0000:0000:0001  uverbs1  refused: no personality for driver "
	      "mlx5\n");
}

TEST_CASE("a malformed reply is an error, not a crash", "[hyvctl]")
{
	CHECK(hyv::ctl::format_vm_table(json::parse(R"({"ok":true})")).error() ==
	      std::errc::bad_message);
	CHECK(hyv::ctl::format_vm_table(json::parse(R"({"vms":[{"vm_id":"x"}]})")).error() ==
	      std::errc::bad_message);
	CHECK(hyv::ctl::format_device_table(json::parse(R"({"devices":[{"dev_id":0}]})")).error() ==
	      std::errc::bad_message);
}

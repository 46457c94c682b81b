// SPDX-License-Identifier: GPL-2.0
#include "broker_fixture.hpp"
#include "test_support.hpp"

#include <hyv/broker/control_commands.hpp>

#include <catch2/catch_test_macros.hpp>

using namespace hyv::broker;
using namespace hyv::test;
using nlohmann::json;

namespace {

json ask(Broker &broker, const json &request, ControlRole role = ControlRole::admin)
{
	return json::parse(handle_control_line(request.dump(), broker, role));
}

} // namespace

TEST_CASE("list answers every VM with the documented fields", "[control]")
{
	BrokerFixture f;
	std::array<uint8_t, 16> uuid{};
	uuid[15] = 0xab;
	auto registration = f.add_vm("guest1", uuid);
	registration.vm().count_request();

	const json reply = ask(f.broker(), {{"cmd", "list"}});
	CHECK(reply["ok"] == true);
	REQUIRE(reply["vms"].size() == 1);
	const json &vm = reply["vms"][0];
	CHECK(vm["vm_id"] == 1);
	CHECK(vm["name"] == "guest1");
	CHECK(vm["uuid"] == "00000000-0000-0000-0000-0000000000ab");
	CHECK(vm["pid"] == 100);
	CHECK(vm["uid"] == 0);
	CHECK(vm["state"] == "connected");
	CHECK(vm["devices"] == json::array({"rxe0", "siw0"}));
	CHECK(vm["dev_ids"] == json::array({f.dev_id_of("rxe0"), f.dev_id_of("siw0")}));
	CHECK(vm["contexts"] == 0);
	CHECK(vm["max_contexts"] == 64);
	CHECK(vm["requests"] == 1);
	CHECK(vm["resets"] == 0);
	CHECK(vm["pinned_pages"] == 0);
	CHECK(vm["max_pinned_mb"] == 1024);
	for (const char *kind : {"pds", "mrs", "cqs", "qps", "srqs", "ahs"})
		CHECK(vm[kind] == 0);
}

TEST_CASE("list with no VMs is an empty array", "[control]")
{
	BrokerFixture f;
	CHECK(handle_control_line(R"({"cmd":"list"})", f.broker(), ControlRole::admin) == R"({"ok":true,"vms":[]})");
}

TEST_CASE("devices lists host devices and the VMs using them", "[control]")
{
	BrokerFixture f(parse_config("[vm.guest2]\ndevices = [\"siw0\"]\n", "test").value());
	auto g1 = f.add_vm("guest1");
	auto g2 = f.add_vm("guest2");

	const json reply = ask(f.broker(), {{"cmd", "devices"}});
	CHECK(reply["ok"] == true);
	REQUIRE(reply["devices"].size() == 2);
	const json &rxe = reply["devices"][0];
	CHECK(rxe["dev_id"] == f.dev_id_of("rxe0"));
	CHECK(rxe["name"] == "rxe0");
	CHECK(rxe["driver"] == "rxe");
	CHECK(rxe["driver_id"] == 14);
	CHECK(rxe["node_guid"] == "0002:c903:0000:1111");
	CHECK(rxe["uverbs"] == "uverbs1");
	CHECK(rxe["ports"] == 1);
	CHECK(rxe["vms"] == json::parse(R"([{"vm_id":1,"name":"guest1"}])"));
	const json &siw = reply["devices"][1];
	CHECK(siw["driver"] == "siw");
	CHECK(siw["vms"] == json::parse(R"([{"vm_id":1,"name":"guest1"},{"vm_id":2,"name":"guest2"}])"));
}

TEST_CASE("a device without a personality is refused: listed with its reason, never given",
	  "[control]")
{
	auto scan = default_scan();
	scan.push_back(scanned_device(3, "mlx5_0", 0x0002c90300003333, RDMA_DRIVER_MLX5));
	// Even a VM whose configuration names it.
	BrokerFixture f(parse_config("[vm.guest2]\ndevices = [\"mlx5_0\", \"rxe0\"]\n", "test")
				.value(),
			scan);
	auto g1 = f.add_vm("guest1");
	auto g2 = f.add_vm("guest2");
	CHECK(BrokerFixture::names(g1.vm()) == std::vector<std::string>{"rxe0", "siw0"});
	CHECK(BrokerFixture::names(g2.vm()) == std::vector<std::string>{"rxe0"});
	CHECK_THROWS(f.dev_id_of("mlx5_0"));

	const json reply = ask(f.broker(), {{"cmd", "devices"}});
	CHECK(reply["devices"].size() == 2);
	REQUIRE(reply["refused"].size() == 1);
	const json &mlx5 = reply["refused"][0];
	CHECK(mlx5["name"] == "mlx5_0");
	CHECK(mlx5["driver"] == "mlx5");
	CHECK(mlx5["driver_id"] == RDMA_DRIVER_MLX5);
	CHECK(mlx5["node_guid"] == "0002:c903:0000:3333");
	CHECK(mlx5["uverbs"] == "uverbs3");
	CHECK(mlx5["reason"] == "no personality for driver mlx5");

	CHECK(ask(f.broker(), {{"cmd", "attach"}, {"vm", "guest1"}, {"device", "mlx5_0"}}) ==
	      json{{"ok", false},
		   {"error", "mlx5_0 is refused: no personality for driver mlx5"}});
	CHECK(ask(f.broker(), {{"cmd", "attach"}, {"vm", "guest1"}, {"device", "0002:c903:0000:3333"}})
		      ["ok"] == false);
	CHECK(BrokerFixture::names(g1.vm()) == std::vector<std::string>{"rxe0", "siw0"});
}

TEST_CASE("a reader lists, only an administrator attaches and detaches, a stranger nothing",
	  "[control]")
{
	BrokerFixture f;
	auto registration = f.add_vm("guest1");
	const json denied = {{"ok", false},
			     {"error", "permission denied: 'detach' is for the administrators of "
				       "[access]"}};

	CHECK(ask(f.broker(), {{"cmd", "list"}}, ControlRole::reader)["ok"] == true);
	CHECK(ask(f.broker(), {{"cmd", "devices"}}, ControlRole::reader)["ok"] == true);
	CHECK(ask(f.broker(), {{"cmd", "detach"}, {"vm", "guest1"}, {"device", "siw0"}},
		  ControlRole::reader) == denied);
	CHECK(ask(f.broker(), {{"cmd", "attach"}, {"vm", "guest1"}, {"device", "siw0"}},
		  ControlRole::reader)["ok"] == false);
	const json stranger = {{"ok", false},
			       {"error", "permission denied: not a user of hyvd's control socket"}};
	CHECK(ask(f.broker(), {{"cmd", "list"}}, ControlRole::none) == stranger);
	CHECK(ask(f.broker(), {{"cmd", "detach"}, {"vm", "guest1"}, {"device", "siw0"}},
		  ControlRole::none) == stranger);
	CHECK(BrokerFixture::names(registration.vm()) == std::vector<std::string>{"rxe0", "siw0"});
	CHECK(ask(f.broker(), {{"cmd", "detach"}, {"vm", "guest1"}, {"device", "siw0"}},
		  ControlRole::admin) == json{{"ok", true}});
}

TEST_CASE("attach and detach answer ok or hyvd's reason", "[control]")
{
	BrokerFixture f;
	auto registration = f.add_vm("guest1");

	CHECK(ask(f.broker(), {{"cmd", "detach"}, {"vm", "guest1"}, {"device", "siw0"}}) ==
	      json{{"ok", true}});
	CHECK(BrokerFixture::names(registration.vm()) == std::vector<std::string>{"rxe0"});
	CHECK(ask(f.broker(), {{"cmd", "detach"}, {"vm", "guest1"}, {"device", "siw0"}}) ==
	      json{{"ok", false}, {"error", "siw0 is not attached to VM 1"}});
	CHECK(ask(f.broker(), {{"cmd", "attach"}, {"vm", "guest1"}, {"device", "siw0"}}) ==
	      json{{"ok", true}});
	CHECK(ask(f.broker(), {{"cmd", "attach"}, {"vm", "guest1"}}) ==
	      json{{"ok", false}, {"error", R"(request needs "vm" and "device" strings)"}});
	CHECK(ask(f.broker(), {{"cmd", "attach"}, {"vm", 1}, {"device", "rxe0"}})["ok"] == false);
}

TEST_CASE("bad control requests get ok:false with a reason", "[control]")
{
	BrokerFixture f;
	auto error_of = [&](std::string_view line) {
		const json reply = json::parse(handle_control_line(line, f.broker(), ControlRole::admin));
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
	BrokerFixture f;
	auto registration = f.add_vm("bad\xff");
	const json reply = json::parse(handle_control_line(R"({"cmd":"list"})", f.broker(), ControlRole::admin));
	CHECK(reply["vms"][0]["name"] == "bad\xef\xbf\xbd");
}

// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/vm_registry.hpp>

#include <catch2/catch_test_macros.hpp>

#include <optional>

using hyv::broker::VmInfo;
using hyv::broker::VmRegistry;

TEST_CASE("registrations number VMs and leave with their owner", "[registry]")
{
	VmRegistry registry;
	std::optional<VmRegistry::Registration> first(registry.add({.name = "a"}));
	auto second = registry.add({.name = "b"});

	CHECK(first->vm_id() == 1);
	CHECK(second.vm_id() == 2);
	second.info().requests = 5;

	auto vms = registry.list();
	REQUIRE(vms.size() == 2);
	CHECK(vms[0].name == "a");
	CHECK(vms[1].vm_id == 2);
	CHECK(vms[1].requests == 5);

	first.reset();
	vms = registry.list();
	REQUIRE(vms.size() == 1);
	CHECK(vms[0].name == "b");

	// Ids are not reused while the daemon runs.
	CHECK(registry.add({}).vm_id() == 3);
}

TEST_CASE("a moved registration removes its VM once", "[registry]")
{
	VmRegistry registry;
	{
		auto original = registry.add({.name = "a"});
		auto moved = std::move(original);
		CHECK(moved.info().name == "a");
	}
	CHECK(registry.list().empty());
}

// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/vm_registry.hpp>

#include <catch2/catch_test_macros.hpp>

#include <optional>

using namespace hyv::broker;

namespace {

VmRegistry::Registration add(VmRegistry &registry, std::string name)
{
	return registry.add({.name = std::move(name)}, {}, [](const Vm &, const auto &) {});
}

} // namespace

TEST_CASE("registrations number VMs and leave with their owner", "[registry]")
{
	VmRegistry registry;
	std::optional<VmRegistry::Registration> first(add(registry, "a"));
	auto second = add(registry, "b");

	CHECK(first->vm_id() == 1);
	CHECK(second.vm_id() == 2);
	CHECK(second.vm().id() == 2);
	second.vm().count_request();

	auto vms = registry.list();
	REQUIRE(vms.size() == 2);
	CHECK(vms[0]->labels().name == "a");
	CHECK(vms[1]->id() == 2);
	CHECK(vms[1]->requests() == 1);
	CHECK(registry.find(2) == &second.vm());

	first.reset();
	vms = registry.list();
	REQUIRE(vms.size() == 1);
	CHECK(vms[0]->labels().name == "b");
	CHECK(registry.find(1) == nullptr);

	// Ids are not reused while the daemon runs.
	CHECK(add(registry, "c").vm_id() == 3);
}

TEST_CASE("a moved registration removes its VM once", "[registry]")
{
	VmRegistry registry;
	{
		auto original = add(registry, "a");
		auto moved = std::move(original);
		CHECK(moved.vm().labels().name == "a");
	}
	CHECK(registry.list().empty());
}

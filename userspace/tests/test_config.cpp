// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/broker/config.hpp>

#include <catch2/catch_test_macros.hpp>

#include <fstream>

using namespace hyv::broker;
using hyv::test::TempDir;

namespace {

Config parsed(std::string_view text)
{
	auto config = parse_config(text, "hyvd.toml");
	if (!config)
		FAIL(config.error().message);
	return *config;
}

std::string error_of(std::string_view text)
{
	auto config = parse_config(text, "hyvd.toml");
	REQUIRE_FALSE(config);
	return config.error().message;
}

DeviceSelector name(std::string n)
{
	return {.kind = DeviceSelector::Kind::name, .name = std::move(n)};
}

const std::array<uint8_t, 16> kUuid{0x8c, 0x1e, 0x5a, 0x53, 0x2b, 0x1c, 0x4f, 0x8e,
				    0x9a, 0x43, 0x0d, 0x4c, 0x1b, 0x2e, 0x7f, 0x10};

} // namespace

TEST_CASE("without a file every VM gets every device", "[config]")
{
	const Config config;
	const VmPolicy policy = config.policy_for("anything", {});
	CHECK(policy.allows("rxe0", 1));
	CHECK(policy.allows("mlx5_0", 2));
	CHECK(policy.max_contexts == 64);
	CHECK(config.origin.empty());
	// An empty file is the same.
	CHECK(parsed("").policy_for("x", {}) == policy);
}

TEST_CASE("VM sections override the defaults key by key", "[config]")
{
	const Config config = parsed(R"(
# comment
[defaults]
devices = []
max_contexts = 8

[vm.guest1]
devices = ["rxe0", "siw0"]

[vm.guest2]
max_contexts = 0

[vm."8C1E5A53-2b1c-4f8e-9a43-0d4c1b2e7f10"]
devices = ["7cfe:9003:00ae:c4e0"]
)");
	CHECK(config.origin == "hyvd.toml");

	const VmPolicy other = config.policy_for("guest9", {});
	CHECK(other.devices.empty());
	CHECK_FALSE(other.allows("rxe0", 0));
	CHECK(other.max_contexts == 8);

	const VmPolicy guest1 = config.policy_for("guest1", {});
	CHECK(guest1.devices == std::vector{name("rxe0"), name("siw0")});
	CHECK(guest1.allows("siw0", 0));
	CHECK_FALSE(guest1.allows("rxe1", 0));
	CHECK(guest1.max_contexts == 8);

	const VmPolicy guest2 = config.policy_for("guest2", {});
	CHECK(guest2.devices.empty());
	CHECK(guest2.max_contexts == 0);

	// The UUID section wins over the name section.
	const VmPolicy by_uuid = config.policy_for("guest1", kUuid);
	CHECK(by_uuid.allows("whatever", 0x7cfe900300aec4e0));
	CHECK_FALSE(by_uuid.allows("rxe0", 1));
	CHECK(by_uuid.max_contexts == 8);
}

TEST_CASE("object quotas come from the defaults, overridden kind by kind", "[config]")
{
	CHECK(Config{}.policy_for("x", {}).max_objects == kDefaultMaxObjects);
	const Config config = parsed(R"(
[defaults]
max_mrs = 10
max_qps = 0

[vm.guest1]
max_qps = 3
max_ahs = 5
)");
	const VmPolicy other = config.policy_for("guest9", {});
	CHECK(other.max_objects_of(ObjectKind::mr) == 10);
	CHECK(other.max_objects_of(ObjectKind::qp) == 0);
	CHECK(other.max_objects_of(ObjectKind::pd) == kDefaultMaxObjects[0]);
	const VmPolicy guest1 = config.policy_for("guest1", {});
	CHECK(guest1.max_objects_of(ObjectKind::mr) == 10);
	CHECK(guest1.max_objects_of(ObjectKind::qp) == 3);
	CHECK(guest1.max_objects_of(ObjectKind::ah) == 5);
	CHECK(guest1.max_objects_of(ObjectKind::cq) == kDefaultMaxObjects[2]);
}

TEST_CASE("device entries are \"*\", names or GUIDs", "[config]")
{
	CHECK(parse_device_selector("*") == DeviceSelector{});
	CHECK(parse_device_selector("rxe0") == name("rxe0"));
	CHECK(parse_device_selector("7cfe:9003:00AE:c4e0") ==
	      DeviceSelector{.kind = DeviceSelector::Kind::guid, .guid = 0x7cfe900300aec4e0});
	// Not quite a GUID: a name (ib_device names may hold colons).
	CHECK(parse_device_selector("7cfe:9003:00ae") == name("7cfe:9003:00ae"));
	CHECK_FALSE(parse_device_selector(""));
	CHECK_FALSE(parse_device_selector("rxe 0"));
	CHECK_FALSE(parse_device_selector("rxe\n"));
	CHECK_FALSE(parse_device_selector(std::string(64, 'x')));
	CHECK(parse_device_selector(std::string(63, 'x')));
	CHECK(format_guid(0x7cfe900300aec4e0) == "7cfe:9003:00ae:c4e0");
	CHECK(format_guid(1) == "0000:0000:0000:0001");
}

TEST_CASE("UUIDs are canonical, any case", "[config]")
{
	CHECK(parse_uuid("8c1e5a53-2b1c-4f8e-9a43-0d4c1b2e7f10") == kUuid);
	CHECK(parse_uuid("8C1E5A53-2B1C-4F8E-9A43-0D4C1B2E7F10") == kUuid);
	CHECK_FALSE(parse_uuid("8c1e5a532b1c4f8e9a430d4c1b2e7f10"));
	CHECK_FALSE(parse_uuid("8c1e5a53-2b1c-4f8e-9a43-0d4c1b2e7f1g"));
	CHECK_FALSE(parse_uuid("guest1"));
}

TEST_CASE("bad files are refused with the place and the reason", "[config]")
{
	CHECK(error_of("[defaults]\ndevices = [\"rxe0\"\n") ==
	      "hyvd.toml:2:19: Error while parsing array: encountered end-of-file");
	CHECK(error_of("[default]\n") ==
	      "hyvd.toml:1:2: unknown table or key 'default' (expected [defaults], [vm.NAME] or "
	      "[access])");
	CHECK(error_of("devices = [\"*\"]\n").starts_with("hyvd.toml:1:1: unknown table or key"));
	CHECK(error_of("[vm.guest1]\ndevics = [\"rxe0\"]\n") ==
	      "hyvd.toml:2:1: [vm.\"guest1\"]: unknown key 'devics' (expected devices, "
	      "max_contexts, max_pinned_mb or max_pds, max_mrs, max_cqs, max_qps, max_srqs, "
	      "max_ahs)");
	CHECK(error_of("[defaults]\nmax_qp = 1\n").starts_with(
		"hyvd.toml:2:1: [defaults]: unknown key 'max_qp'"));
	CHECK(error_of("[defaults]\nmax_mrs = -1\n") ==
	      "hyvd.toml:2:11: [defaults]: max_mrs must be an integer from 0 to 1048576");
	CHECK(error_of("[vm.a]\nmax_ahs = 1048577\n").ends_with("max_ahs must be an integer from 0 "
								 "to 1048576"));
	CHECK(error_of("[defaults]\nmax_pinned_mb = -1\n") ==
	      "hyvd.toml:2:17: [defaults]: max_pinned_mb must be an integer from 0 to 1048576");
	CHECK(error_of("[defaults]\ndevices = \"rxe0\"\n") ==
	      "hyvd.toml:2:11: [defaults]: devices must be an array of strings");
	CHECK(error_of("[defaults]\ndevices = [1]\n") ==
	      "hyvd.toml:2:12: [defaults]: devices must be an array of strings");
	CHECK(error_of("[defaults]\ndevices = [\"rxe 0\"]\n") ==
	      "hyvd.toml:2:12: [defaults]: 'rxe 0' is not \"*\", a device name or a node GUID "
	      "like 7cfe:9003:00ae:c4e0");
	CHECK(error_of("[defaults]\ndevices = [\"*\", \"rxe0\"]\n") ==
	      "hyvd.toml:2:11: [defaults]: \"*\" must be the only entry of devices");
	CHECK(error_of("[defaults]\nmax_contexts = -1\n") ==
	      "hyvd.toml:2:16: [defaults]: max_contexts must be an integer from 0 to 4096");
	CHECK(error_of("[defaults]\nmax_contexts = 4097\n").ends_with("from 0 to 4096"));
	CHECK(error_of("[defaults]\nmax_contexts = 1.5\n").ends_with("from 0 to 4096"));
	CHECK(error_of("[defaults]\nmax_contexts = \"8\"\n").ends_with("from 0 to 4096"));
	CHECK(error_of("defaults = 3\n") == "hyvd.toml:1:1: [defaults] must be a table");
	CHECK(error_of("vm = 3\n") == "hyvd.toml:1:6: 'vm' must be a table of [vm.NAME] sections");
	CHECK(error_of("[vm]\nguest1 = 3\n") == "hyvd.toml:2:1: [vm.\"guest1\"] must be a table");
	CHECK(error_of("[vm.\"\"]\n") == "hyvd.toml:1:5: a VM name must not be empty");
	// Which of the two is reported depends on TOML's key order.
	CHECK(error_of("[vm.\"8c1e5a53-2b1c-4f8e-9a43-0d4c1b2e7f10\"]\n"
		       "[vm.\"8C1E5A53-2B1C-4F8E-9A43-0D4C1B2E7F10\"]\n")
		      .ends_with("-0d4c1b2e7f10\"]: UUID named twice"));
}

TEST_CASE("a missing file is the default only where none was named", "[config]")
{
	TempDir dir;
	const auto missing = dir.path() / "hyvd.toml";
	auto fallback = load_config(missing, false);
	REQUIRE(fallback);
	CHECK(fallback->origin.empty());
	CHECK(fallback->defaults.allows("rxe0", 0));

	auto named = load_config(missing, true);
	REQUIRE_FALSE(named);
	CHECK(named.error().message == missing.string() + ": cannot read: No such file or directory");

	std::ofstream(missing) << "[defaults]\ndevices = [\"siw0\"]\n";
	auto loaded = load_config(missing, false);
	REQUIRE(loaded);
	CHECK(loaded->origin == missing.string());
	CHECK(loaded->defaults.devices == std::vector{name("siw0")});

	// Unreadable is an error even where a missing file is not.
	auto dir_as_file = load_config(dir.path(), false);
	CHECK_FALSE(dir_as_file);
}

TEST_CASE("the example configuration is valid and means what it says", "[config]")
{
	auto config = load_config(HYV_EXAMPLE_CONFIG, true);
	REQUIRE(config);
	CHECK(config->policy_for("guest9", {}).allows("mlx5_0", 0));
	CHECK(config->policy_for("guest1", {}).devices == std::vector{name("rxe0")});
	const auto guest2 = config->policy_for("guest2", *parse_uuid("68797600-0000-4000-8000-000000000002"));
	CHECK(guest2.devices == std::vector{name("siw0")});
	CHECK(guest2.max_contexts == 16);
	CHECK(guest2.max_objects_of(ObjectKind::mr) == 4096);
	CHECK(guest2.max_objects_of(ObjectKind::qp) == 64);
}

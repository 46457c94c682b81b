// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/broker/config.hpp>
#include <hyv/broker/peer_access.hpp>

#include <catch2/catch_test_macros.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace hyv::broker;

namespace {

constexpr uid_t kHyvd = 990;

PeerIdentity peer(uid_t uid, gid_t gid, std::vector<gid_t> groups = {})
{
	return {.pid = 1234, .uid = uid, .gid = gid, .groups = std::move(groups)};
}

} // namespace

TEST_CASE("a peer is admitted as root, as hyvd's user, or by user or group", "[access]")
{
	const Principals qemu{.users = {64055}, .groups = {108}};

	CHECK(admits(qemu, peer(0, 0), kHyvd));
	CHECK(admits(qemu, peer(kHyvd, 1000), kHyvd));
	CHECK(admits(qemu, peer(64055, 64055), kHyvd));
	CHECK(admits(qemu, peer(1000, 108), kHyvd));		// primary group
	CHECK(admits(qemu, peer(1000, 1000, {24, 108}), kHyvd));	// supplementary
	CHECK_FALSE(admits(qemu, peer(1000, 1000, {24, 27}), kHyvd));
	CHECK_FALSE(admits({}, peer(1000, 1000), kHyvd));
}

TEST_CASE("control roles: administrators, then readers, then nobody", "[access]")
{
	AccessPolicy policy;
	policy.admins.groups = {500};
	policy.readers.users = {1000};

	CHECK(control_role(policy, peer(0, 0), kHyvd) == ControlRole::admin);
	CHECK(control_role(policy, peer(2000, 2000, {500}), kHyvd) == ControlRole::admin);
	CHECK(control_role(policy, peer(1000, 1000), kHyvd) == ControlRole::reader);
	CHECK(control_role(policy, peer(2000, 2000), kHyvd) == ControlRole::none);
	// The QEMU users get no control commands by being QEMU users.
	policy.qemu.users = {2000};
	CHECK(control_role(policy, peer(2000, 2000), kHyvd) == ControlRole::none);
}

TEST_CASE("[access] sets socket modes and groups and resolves names", "[access][config]")
{
	const auto config = parse_config("[access]\n"
					 "broker_socket_mode = 0o660\n"
					 "broker_socket_group = \"root\"\n"
					 "control_socket_group = 4321\n"
					 "qemu_users = [\"root\", 64055]\n"
					 "admin_groups = [\"root\"]\n"
					 "reader_users = [1000]\n",
					 "test");
	REQUIRE(config);
	const AccessPolicy &access = config->access;
	CHECK(access.broker_socket == SocketAccess{.mode = 0660, .group = 0});
	CHECK(access.control_socket == SocketAccess{.mode = 0600, .group = 4321});
	CHECK(access.qemu.users == std::vector<uid_t>{0, 64055});
	CHECK(access.admins.groups == std::vector<gid_t>{0});
	CHECK(access.readers.users == std::vector<uid_t>{1000});
	CHECK(access.readers.groups.empty());

	CHECK(parse_config("", "test")->access == AccessPolicy{});
}

TEST_CASE("[access] refuses unknown keys, users and groups, and odd modes", "[access][config]")
{
	const auto refused = [](const char *text) {
		const auto config = parse_config(text, "t");
		REQUIRE_FALSE(config);
		return config.error().message;
	};
	CHECK(refused("[access]\nbroker_socket_mode = 0o4660\n").starts_with("t:2:"));
	CHECK(refused("[access]\nbroker_socket_mode = 0o060\n").find("owner read") !=
	      std::string::npos);
	CHECK(refused("[access]\ncontrol_socket_mode = 0o770\n").starts_with("t:2:"));
	CHECK(refused("[access]\nqemu_users = [\"no-such-user-hyv\"]\n").find(
		      "'no-such-user-hyv' is not a user") != std::string::npos);
	CHECK(refused("[access]\nadmin_groups = [\"no-such-group-hyv\"]\n").find(
		      "is not a group") != std::string::npos);
	CHECK(refused("[access]\nreader_users = \"root\"\n").find("must be an array") !=
	      std::string::npos);
	CHECK(refused("[access]\nqemu_users = [-1]\n").find("is not a user") != std::string::npos);
	CHECK(refused("[access]\nadmins = []\n").find("unknown key 'admins'") !=
	      std::string::npos);
	CHECK(refused("access = 1\n").find("'access' must be a table") != std::string::npos);
}

TEST_CASE("only a vhost-hyv relay passes the relay check", "[access]")
{
	int fds[2];
	REQUIRE(::pipe(fds) == 0);
	const hyv::UniqueFd read_end(fds[0]), write_end(fds[1]);
	CHECK(check_vhost_hyv_relay(read_end.get()) == std::errc::invalid_argument);

	const hyv::UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
	CHECK(check_vhost_hyv_relay(null.get()) == std::errc::invalid_argument);

	// A file named like the relay's link is a path, not an anonymous inode.
	hyv::test::TempDir dir;
	const auto fake = dir.path() / "anon_inode:[vhost-hyv-relay]";
	const hyv::UniqueFd named(::open(fake.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
	REQUIRE(named);
	CHECK(check_vhost_hyv_relay(named.get()) == std::errc::invalid_argument);

	CHECK(check_vhost_hyv_relay(-1) == std::errc::no_such_file_or_directory);
}

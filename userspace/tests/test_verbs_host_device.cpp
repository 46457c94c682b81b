// SPDX-License-Identifier: GPL-2.0
// The real HostDevice against the host's RDMA devices: needs rxe/siw (or
// hardware) and ib_uverbs, so it is not a ctest; the lab runs it in L1
// (tests/e2e/devices/11-real-host-devices.sh).  Every answer is compared
// with libibverbs' own.
#include "test_support.hpp"

#include <hyv/broker/rdma_netlink_inventory.hpp>
#include <hyv/broker/verbs_host_device.hpp>

#include <catch2/catch_test_macros.hpp>

#include <infiniband/verbs.h>

#include <endian.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

using namespace hyv::broker;

namespace {

std::vector<ScannedDevice> usable_devices()
{
	RdmaNetlinkInventory inventory;
	auto scanned = inventory.host_devices();
	REQUIRE(scanned);
	std::vector<ScannedDevice> usable;
	for (const ScannedDevice &device : *scanned)
		if (!device.uverbs_error)
			usable.push_back(device);
	REQUIRE_FALSE(usable.empty());
	return usable;
}

// libibverbs' own context of the same device, for comparison.
struct Reference {
	explicit Reference(const std::string &name)
	{
		int count = 0;
		ibv_device **list = ibv_get_device_list(&count);
		REQUIRE(list);
		for (int i = 0; i < count; i++)
			if (name == ibv_get_device_name(list[i]))
				context = ibv_open_device(list[i]);
		ibv_free_device_list(list);
		REQUIRE(context);
	}
	~Reference() { ibv_close_device(context); }

	ibv_context *context = nullptr;
};

std::string fd_target(int fd)
{
	return std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd)).string();
}

// The driver answer a provider's GET_CONTEXT expects: siw writes 8 bytes.
uint32_t answer_room(const ScannedDevice &device)
{
	return device.driver_id == RDMA_DRIVER_SIW ? 8 : 0;
}

} // namespace

TEST_CASE("rdma netlink names each device's uverbs chardev", "[rdma]")
{
	for (const ScannedDevice &device : usable_devices()) {
		CAPTURE(device.name);
		struct stat st;
		REQUIRE(::stat(("/dev/infiniband/" + device.uverbs_name).c_str(), &st) == 0);
		CHECK(st.st_rdev == static_cast<dev_t>(device.uverbs_dev));
		CHECK(std::string(driver_name(device.driver_id)) != "unknown");
	}
}

TEST_CASE("device attributes are the uverbs ones libibverbs sees", "[rdma]")
{
	for (const ScannedDevice &scanned : usable_devices()) {
		CAPTURE(scanned.name);
		auto device = open_verbs_device(7, scanned);
		REQUIRE(device);
		Reference ref(scanned.name);

		ibv_device_attr_ex want{};
		REQUIRE(ibv_query_device_ex(ref.context, nullptr, &want) == 0);
		auto got = (*device)->query_device();
		REQUIRE(got);
		CHECK(got->base.node_guid == want.orig_attr.node_guid);
		CHECK(got->base.sys_image_guid == want.orig_attr.sys_image_guid);
		CHECK(got->base.max_mr_size == want.orig_attr.max_mr_size);
		CHECK(got->base.max_qp == static_cast<uint32_t>(want.orig_attr.max_qp));
		CHECK(got->base.max_cqe == static_cast<uint32_t>(want.orig_attr.max_cqe));
		CHECK(got->base.max_sge == static_cast<uint32_t>(want.orig_attr.max_sge));
		CHECK(got->base.vendor_id == want.orig_attr.vendor_id);
		CHECK(got->base.phys_port_cnt == want.orig_attr.phys_port_cnt);
		CHECK(got->device_cap_flags_ex == want.device_cap_flags_ex);
		CHECK(got->response_length >= offsetof(ib_uverbs_ex_query_device_resp, xrc_odp_caps));
		CHECK((*device)->port_count() == want.orig_attr.phys_port_cnt);
		CHECK((*device)->num_comp_vectors() ==
		      static_cast<uint32_t>(ref.context->num_comp_vectors));
		CHECK(be64toh(got->base.node_guid) == scanned.node_guid);
	}
}

TEST_CASE("ports, GIDs and P_Keys are libibverbs' ones", "[rdma]")
{
	for (const ScannedDevice &scanned : usable_devices()) {
		CAPTURE(scanned.name);
		auto device = open_verbs_device(7, scanned);
		REQUIRE(device);
		Reference ref(scanned.name);

		ibv_port_attr want{};
		REQUIRE(ibv_query_port(ref.context, 1, &want) == 0);
		auto port = (*device)->query_port(1);
		REQUIRE(port);
		CHECK(port->legacy_resp.state == want.state);
		CHECK(port->legacy_resp.active_mtu == want.active_mtu);
		CHECK(port->legacy_resp.gid_tbl_len == static_cast<uint32_t>(want.gid_tbl_len));
		CHECK(port->legacy_resp.pkey_tbl_len == want.pkey_tbl_len);
		CHECK(port->legacy_resp.link_layer == want.link_layer);
		CHECK(port->legacy_resp.port_cap_flags == want.port_cap_flags);

		auto gids = (*device)->query_gid_table(1);
		REQUIRE(gids);
		CHECK_FALSE(gids->empty());
		for (const auto &entry : *gids) {
			ibv_gid gid;
			REQUIRE(ibv_query_gid(ref.context, 1, static_cast<int>(entry.index), &gid) == 0);
			CHECK(std::memcmp(gid.raw, entry.gid.data(), 16) == 0);
			CHECK(entry.index < static_cast<uint32_t>(want.gid_tbl_len));
		}

		auto pkeys = (*device)->query_pkey_table(1);
		REQUIRE(pkeys);
		CHECK(pkeys->size() == want.pkey_tbl_len);
		for (std::size_t i = 0; i < pkeys->size(); i++) {
			__be16 pkey;
			REQUIRE(ibv_query_pkey(ref.context, 1, static_cast<int>(i), &pkey) == 0);
			CHECK((*pkeys)[i] == be16toh(pkey));
		}
	}
}

TEST_CASE("host contexts are uverbs files with their async file", "[rdma]")
{
	for (const ScannedDevice &scanned : usable_devices()) {
		CAPTURE(scanned.name);
		auto device = open_verbs_device(7, scanned);
		REQUIRE(device);
		const uint32_t room = answer_room(scanned);

		auto created = (*device)->create_context({}, room + 6);
		REQUIRE(created);
		CHECK(created->udata.size() == room + 4);	// rounded down to words
		CHECK(created->context.num_comp_vectors() >= 1);
		CHECK(created->context.num_comp_vectors() == (*device)->num_comp_vectors());
		CHECK(fd_target(created->context.cmd_fd()) == "/dev/infiniband/" + scanned.uverbs_name);
		CHECK(fd_target(created->context.async_fd()).find("infinibandevent") !=
		      std::string::npos);
		CHECK((::fcntl(created->context.async_fd(), F_GETFD) & FD_CLOEXEC) != 0);
		CHECK((::fcntl(created->context.cmd_fd(), F_GETFD) & FD_CLOEXEC) != 0);

		// One host file per context.
		auto second = (*device)->create_context({}, room);
		REQUIRE(second);
		CHECK(fd_target(second->context.cmd_fd()) == fd_target(created->context.cmd_fd()));
		CHECK(second->context.cmd_fd() != created->context.cmd_fd());

		// The legacy write ABI counts udata in 4-byte words.
		const std::byte odd[3]{};
		CHECK((*device)->create_context(odd, room).error() == std::errc::invalid_argument);
	}
}

TEST_CASE("the host driver's refusal comes back as its errno", "[rdma]")
{
	for (const ScannedDevice &scanned : usable_devices()) {
		if (scanned.driver_id != RDMA_DRIVER_SIW)
			continue;
		auto device = open_verbs_device(7, scanned);
		REQUIRE(device);
		// siw needs room for its 8-byte answer.
		CHECK((*device)->create_context({}, 4).error() == std::errc::invalid_argument);
	}
}

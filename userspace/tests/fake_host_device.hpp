// SPDX-License-Identifier: GPL-2.0
// A HostDevice without RDMA hardware, for unit tests and fuzzers: fixed,
// recognisable attributes, and host contexts that are FakeUverbsFiles each
// holding one end of a socket pair whose far end the fake keeps, so a test
// can count the contexts still open.
#pragma once

#include "fake_uverbs.hpp"

#include <hyv/broker/host_device.hpp>

#include <endian.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <vector>

namespace hyv::test {

inline broker::ScannedDevice scanned_device(uint32_t index, std::string name, uint64_t guid,
					    uint32_t driver_id = 14)
{
	return {.index = index,
		.name = std::move(name),
		.node_guid = guid,
		.driver_id = driver_id,
		.uverbs_name = "uverbs" + std::to_string(index),
		.uverbs_dev = (231ull << 8) + 192 + index};
}

class FakeHostDevice final : public broker::HostDevice {
public:
	FakeHostDevice(uint32_t dev_id, const broker::ScannedDevice &scanned, uint8_t ports = 1)
		: HostDevice(dev_id, scanned), ports_(ports) {}

	// Set to make every later call fail with it.
	std::optional<int> fail_with;
	// What the contexts' files and relays did.
	std::shared_ptr<Journal> journal = std::make_shared<Journal>();
	// The udata the last create_context was given.
	std::vector<std::byte> last_udata;

	uint8_t port_count() const override { return ports_; }

	Result<ib_uverbs_ex_query_device_resp> query_device() override
	{
		if (fail_with)
			return errno_code(*fail_with);
		ib_uverbs_ex_query_device_resp resp{};
		resp.base.fw_ver = 0x0102030405060708;
		resp.base.node_guid = htobe64(scanned().node_guid);
		resp.base.max_qp = 1000 + dev_id();
		resp.base.device_cap_flags = 0xdeadbeef;
		resp.base.max_pkeys = 2;
		resp.base.phys_port_cnt = ports_;
		resp.comp_mask = 7;
		resp.response_length = sizeof(resp);
		resp.device_cap_flags_ex = 0x1122334455667788;
		resp.xrc_odp_caps = 0x99;
		return resp;
	}

	std::string fw_ver() override { return "1.2.3"; }
	uint32_t num_comp_vectors() const override { return 2; }

	Result<proto::PortAttr> query_port(uint8_t port) override
	{
		if (fail_with)
			return errno_code(*fail_with);
		proto::PortAttr resp{};
		resp.legacy_resp.port_cap_flags = 0x04010000u | port;
		resp.legacy_resp.gid_tbl_len = 16;
		resp.legacy_resp.pkey_tbl_len = 2;
		resp.legacy_resp.state = 4;
		resp.legacy_resp.active_mtu = 3;
		resp.legacy_resp.link_layer = 2;
		resp.port_cap_flags2 = 0x10;
		resp.active_speed_ex = 0x80;
		return resp;
	}

	Result<std::vector<proto::GidEntry>> query_gid_table(uint8_t port) override
	{
		if (fail_with)
			return errno_code(*fail_with);
		proto::GidEntry link_local{.index = 0, .type = 2};
		link_local.gid[0] = 0xfe;
		link_local.gid[1] = 0x80;
		link_local.gid[15] = port;
		proto::GidEntry v4{.index = 3, .type = 2};
		v4.gid[10] = 0xff;
		v4.gid[11] = 0xff;
		v4.gid[12] = 10;
		v4.gid[15] = 1;
		if (gid_entries_)
			return many_gids();
		return std::vector<proto::GidEntry>{link_local, v4};
	}

	Result<std::vector<uint16_t>> query_pkey_table(uint8_t) override
	{
		if (fail_with)
			return errno_code(*fail_with);
		return std::vector<uint16_t>{0xffff, 0x8001};
	}

	Result<broker::CreatedContext> create_context(std::span<const std::byte> udata,
						      uint32_t resp_udata_max) override
	{
		if (fail_with)
			return errno_code(*fail_with);
		last_udata.assign(udata.begin(), udata.end());
		int cmd[2];
		if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cmd) < 0)
			return last_errno();
		far_ends_.emplace_back(cmd[1]);
		auto file = std::make_unique<FakeUverbsFile>(journal, UniqueFd(cmd[0]));
		file->rxe = scanned().driver_id == RDMA_DRIVER_RXE;
		file->personality = broker::personality_for(scanned().driver_id);
		// siw's answer: 8 bytes (its dev_id), cut to the room given.
		std::vector<std::byte> answer(std::min<uint32_t>(resp_udata_max, 8), std::byte{0x5a});
		return broker::CreatedContext{
			.context = broker::HostContext(std::move(file), 2),
			.udata = std::move(answer),
		};
	}

	// Host contexts created here and not closed yet.
	std::size_t open_contexts() const
	{
		std::size_t open = 0;
		for (const UniqueFd &end : far_ends_) {
			pollfd pfd{.fd = end.get(), .events = POLLIN, .revents = 0};
			if (::poll(&pfd, 1, 0) == 0)
				open++;
		}
		return open;
	}

	// Makes query_gid_table answer `count` entries (for EMSGSIZE).
	void set_gid_entries(std::size_t count) { gid_entries_ = count; }

private:
	std::vector<proto::GidEntry> many_gids() const
	{
		std::vector<proto::GidEntry> gids(gid_entries_);
		for (std::size_t i = 0; i < gids.size(); i++)
			gids[i] = {.gid = {0xfe, 0x80}, .index = static_cast<uint32_t>(i), .type = 0};
		return gids;
	}

	uint8_t ports_;
	std::size_t gid_entries_ = 0;
	std::vector<UniqueFd> far_ends_;
};

// An opener making FakeHostDevices with `ports` ports; fails with `fail`
// for devices named `failing`.
inline broker::HostDeviceOpener fake_opener(uint8_t ports = 1, std::string failing = {})
{
	return [ports, failing](uint32_t dev_id, const broker::ScannedDevice &scanned)
		       -> Result<std::unique_ptr<broker::HostDevice>> {
		if (scanned.name == failing)
			return errno_code(EACCES);
		return std::unique_ptr<broker::HostDevice>(
			std::make_unique<FakeHostDevice>(dev_id, scanned, ports));
	};
}

inline FakeHostDevice &fake(broker::HostDevice *device)
{
	return dynamic_cast<FakeHostDevice &>(*device);
}

} // namespace hyv::test

// SPDX-License-Identifier: GPL-2.0
// A host uverbs file and relay memory without a kernel, for unit tests and
// fuzzers: the file answers the verb table's commands the way rxe does
// (handles counting up, an mminfo per queue), the relay hands out offsets;
// both log what they did in one shared journal so tests can check order.
#pragma once

#include <hyv/broker/driver_personality.hpp>
#include <hyv/broker/relay_memory.hpp>
#include <hyv/broker/verb_table.hpp>
#include <hyv/broker/vm_context.hpp>

// glibc's <netinet/in.h> before <rdma/rdma_user_rxe.h> (which pulls in
// <linux/in.h>): the kernel header then defers to glibc's definitions.
#include <netinet/in.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/rdma_user_rxe.h>

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hyv::test {

using Journal = std::vector<std::string>;

inline MemoryMapping anonymous_mapping(std::size_t length)
{
	void *addr = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	return addr == MAP_FAILED ? MemoryMapping() : MemoryMapping(addr, length);
}

class FakeUverbsFile final : public broker::UverbsFile {
public:
	// `closing_end` is closed with the file, for tests that watch it.
	explicit FakeUverbsFile(std::shared_ptr<Journal> journal, UniqueFd closing_end = {})
		: journal_(std::move(journal)), closing_end_(std::move(closing_end)) {}
	~FakeUverbsFile() override { journal_->push_back("close"); }

	struct Command {
		uint32_t command = 0;
		uint16_t in_words = 0;
		uint16_t out_words = 0;
		std::vector<std::byte> in;	// after the header
	};
	std::vector<Command> commands;
	std::optional<int> fail_with;
	// Answers MODIFY_SRQ through the udata pointer, as rxe does.
	bool rxe = true;
	uint32_t next_handle = 7;
	uint32_t queue_size = 8192;
	// When set, an oracle: every command written must be one this
	// personality allows, with its exact driver data; else abort()
	// (fuzzers find it so; FakeHostDevice sets it).
	const broker::DriverPersonality *personality = nullptr;

	std::error_code write(std::span<const std::byte> bytes) override
	{
		ib_uverbs_cmd_hdr hdr;
		std::memcpy(&hdr, bytes.data(), sizeof(hdr));
		Command cmd{hdr.command, hdr.in_words, hdr.out_words,
			    {bytes.begin() + sizeof(hdr), bytes.end()}};
		commands.push_back(cmd);
		if (hdr.in_words * 4u != bytes.size())
			return errno_code(EINVAL);
		if (personality && !allowed(hdr, cmd.in))
			std::abort();
		if (fail_with)
			return errno_code(*fail_with);
		answer(hdr, cmd.in);
		return {};
	}

	Result<MemoryMapping> map(uint64_t offset, std::size_t length) override
	{
		journal_->push_back("mmap " + std::to_string(offset));
		auto mapping = anonymous_mapping(length);
		if (!mapping)
			return last_errno();
		return mapping;
	}

	int cmd_fd() const override { return -1; }
	int comp_fd() const override { return 42; }
	int async_fd() const override { return -1; }

private:
	// What hyvd may write for a guest: a command of the personality with
	// its driver data as the personality says, or its own doorbell.
	bool allowed(const ib_uverbs_cmd_hdr &hdr, std::span<const std::byte> in) const
	{
		if (hdr.command == IB_USER_VERBS_CMD_POST_SEND)
			return true;
		const broker::CommandRule *rule = personality->rule(hdr.command);
		if (!rule)
			return false;
		std::size_t core = sizeof(ib_uverbs_reg_mr);
		if (hdr.command != IB_USER_VERBS_CMD_REG_MR) {
			const broker::VerbSpec *spec = broker::find_verb(hdr.command);
			if (!spec)
				return false;
			core = spec->cmd_size;
		}
		const std::size_t resp = resp_size(hdr.command);
		if (in.size() != core + (rule->udata_in + 3u) / 4 * 4 ||
		    (resp && hdr.out_words * 4u != resp + rule->udata_out))
			return false;
		const auto udata = in.subspan(core, rule->udata_in);
		for (const broker::UdataField &field : rule->fields) {
			const auto bytes = udata.subspan(field.offset, field.size);
			if (field.check == broker::UdataCheck::address)
				return false;
			if (field.check == broker::UdataCheck::zero &&
			    std::ranges::any_of(bytes, [](std::byte b) { return b != std::byte{}; }))
				return false;
		}
		if (hdr.command == IB_USER_VERBS_CMD_CREATE_QP &&
		    !personality->allows_qp_type(
			    static_cast<uint8_t>(in[offsetof(ib_uverbs_create_qp, qp_type)])))
			return false;
		return true;
	}

	std::size_t resp_size(uint32_t command) const
	{
		if (command == IB_USER_VERBS_CMD_REG_MR)
			return sizeof(ib_uverbs_reg_mr_resp);
		if (command == IB_USER_VERBS_CMD_POST_SEND)
			return sizeof(ib_uverbs_post_send_resp);
		const broker::VerbSpec *spec = broker::find_verb(command);
		return spec ? spec->resp_size : 0;
	}

	std::byte *response(std::span<const std::byte> in)
	{
		uint64_t pointer;
		std::memcpy(&pointer, in.data(), sizeof(pointer));
		return reinterpret_cast<std::byte *>(static_cast<uintptr_t>(pointer));
	}

	mminfo next_queue()
	{
		next_offset_ += 0x10000;
		return mminfo{.offset = next_offset_, .size = queue_size, .pad = 0};
	}

	void answer(const ib_uverbs_cmd_hdr &hdr, std::span<const std::byte> in)
	{
		const std::size_t size = resp_size(hdr.command);
		if (size == 0 && rxe && hdr.command == IB_USER_VERBS_CMD_MODIFY_SRQ &&
		    in.size() >= sizeof(ib_uverbs_modify_srq) + 8) {
			// rxe: the mminfo goes where the udata pointer says.
			const mminfo mi = next_queue();
			std::memcpy(response(in.subspan(sizeof(ib_uverbs_modify_srq))), &mi, sizeof(mi));
			return;
		}
		if (size == 0)
			return;
		std::byte *out = response(in);
		if (!out)
			return;
		std::memset(out, 0, hdr.out_words * 4u);
		const uint32_t handle = next_handle++;
		std::memcpy(out, &handle, sizeof(handle));
		std::byte *udata = out + size;
		const std::size_t udata_len = hdr.out_words * 4u - size;
		auto put_queue = [&](std::size_t at) {
			if (at + sizeof(mminfo) > udata_len)
				return;
			const mminfo mi = next_queue();
			std::memcpy(udata + at, &mi, sizeof(mi));
		};
		switch (hdr.command) {
		case IB_USER_VERBS_CMD_CREATE_CQ:
		case IB_USER_VERBS_CMD_RESIZE_CQ:
		case IB_USER_VERBS_CMD_CREATE_SRQ:
			put_queue(0);
			break;
		case IB_USER_VERBS_CMD_CREATE_QP:
			put_queue(0);
			put_queue(16);
			break;
		case IB_USER_VERBS_CMD_REG_MR: {
			const uint32_t keys[2] = {0x100 + handle, 0x200 + handle};
			std::memcpy(out + 4, keys, sizeof(keys));
			break;
		}
		default:
			break;
		}
	}

	std::shared_ptr<Journal> journal_;
	UniqueFd closing_end_;
	uint64_t next_offset_ = 0;
};

class FakeRelayMemory final : public broker::RelayMemory {
public:
	explicit FakeRelayMemory(std::shared_ptr<Journal> journal) : journal_(std::move(journal)) {}

	std::set<uint64_t> shm_slots;
	std::set<uint64_t> guest_maps;
	std::vector<broker::PageRun> last_runs;
	bool last_writable = false;
	std::optional<int> fail_with;

	Result<uint64_t> shm_map(const void *, uint64_t length) override
	{
		if (fail_with)
			return errno_code(*fail_with);
		const uint64_t offset = next_shm_;
		next_shm_ += length;
		shm_slots.insert(offset);
		journal_->push_back("shm_map " + std::to_string(offset));
		return offset;
	}

	void shm_unmap(uint64_t shm_offset) override
	{
		shm_slots.erase(shm_offset);
		journal_->push_back("shm_unmap " + std::to_string(shm_offset));
	}

	Result<GuestMap> map_guest(std::span<const broker::PageRun> runs, bool writable) override
	{
		if (fail_with)
			return errno_code(*fail_with);
		last_runs.assign(runs.begin(), runs.end());
		last_writable = writable;
		uint64_t pages = 0;
		for (const auto &run : runs)
			pages += run.num_pages;
		const uint64_t offset = next_window_;
		next_window_ += pages * 4096;
		guest_maps.insert(offset);
		journal_->push_back("map_guest " + std::to_string(offset));
		return GuestMap{.mmap_offset = offset,
				.length = pages * 4096,
				.view = anonymous_mapping(pages * 4096)};
	}

	void unmap_guest(uint64_t mmap_offset) override
	{
		guest_maps.erase(mmap_offset);
		journal_->push_back("unmap_guest " + std::to_string(mmap_offset));
	}

private:
	std::shared_ptr<Journal> journal_;
	uint64_t next_shm_ = 0;
	uint64_t next_window_ = 1ull << 32;
};

} // namespace hyv::test

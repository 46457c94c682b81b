// SPDX-License-Identifier: GPL-2.0
// The 1.2 executor: the verb table, rxe's personality, page-run coverage,
// and VERB / REG_MR / DOORBELL against a fake uverbs file and relay.
#include "fake_host_device.hpp"
#include "fake_uverbs.hpp"

#include <hyv/broker/context_events.hpp>
#include <hyv/broker/driver_personality.hpp>
#include <hyv/broker/verb_executor.hpp>
#include <hyv/broker/verb_table.hpp>
#include <hyv/broker/vm.hpp>
#include <hyv/proto/byte_order.hpp>

#include <infiniband/verbs.h>
#include <linux/vhost_hyv.h>
#include <linux/virtio_hyv.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/siw-abi.h>

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <cstring>
#include <vector>

using namespace hyv;
using broker::ObjectKind;
using broker::PageRun;
using proto::load_le;

namespace {

using Bytes = std::vector<std::byte>;

template <typename T>
std::span<const std::byte> bytes_of(const T &value)
{
	return std::as_bytes(std::span(&value, 1));
}

template <typename T>
T read_at(std::span<const std::byte> in, std::size_t offset)
{
	T value;
	std::memcpy(&value, in.data() + offset, sizeof(T));
	return value;
}

constexpr std::size_t kVerbResp = sizeof(virtio_hyv_verb_resp);

struct Fixture {
	std::shared_ptr<test::Journal> journal = std::make_shared<test::Journal>();
	broker::Vm vm;
	test::FakeUverbsFile *file = nullptr;
	test::FakeRelayMemory *relay = nullptr;
	broker::VmContext *context = nullptr;
	uint32_t ctx_handle = 0;
	Bytes body = Bytes(4096);

	explicit Fixture(uint32_t driver_id = RDMA_DRIVER_RXE,
			 broker::VmPolicy policy = {.max_pinned_mb = 1})
		: vm{1, {.name = "guest"}, std::move(policy),
		     [](const broker::Vm &, const proto::Event &) {}}
	{
		auto device = std::make_shared<test::FakeHostDevice>(
			3, test::scanned_device(1, "rxe0", 1, driver_id));
		vm.set_devices({device}, false);
		auto relay_memory = std::make_unique<test::FakeRelayMemory>(journal);
		relay = relay_memory.get();
		vm.set_relay_memory(std::move(relay_memory));
		auto fake = std::make_unique<test::FakeUverbsFile>(journal);
		file = fake.get();
		ctx_handle = vm.add_context(3, broker::HostContext(std::move(fake), 1)).value();
		context = vm.context(ctx_handle);
	}

	template <typename Cmd>
	Result<std::size_t> verb(uint32_t command, const Cmd &core, uint32_t resp_udata_max = 0,
				 std::span<const std::byte> udata = {})
	{
		const proto::VerbRequest req{.ctx_handle = ctx_handle,
					     .command = command,
					     .resp_udata_max = resp_udata_max,
					     .core = bytes_of(core),
					     .udata = udata};
		return broker::execute_verb(vm, *context, req, body);
	}

	// REG_MR of one guest page at iova 0x1000.
	Result<std::size_t> reg_one_page(uint32_t access_flags = 0)
	{
		static const virtio_hyv_page_run one[1] = {{0x100000, 1}};
		const proto::RegMrRequest req{.ctx_handle = ctx_handle,
					      .iova = 0x1000,
					      .length = 0x1000,
					      .access_flags = access_flags,
					      .num_runs = 1,
					      .runs = std::as_bytes(std::span(one))};
		return broker::execute_reg_mr(vm, *context, req, body);
	}

	// The handle a create answered.
	uint32_t created_handle() const { return read_at<uint32_t>(body, kVerbResp); }
	uint32_t num_maps() const { return load_le<uint32_t>(body, 16); }
	uint64_t map_field(std::size_t map, std::size_t field) const
	{
		return load_le<uint64_t>(body, 24 + map * 24 + field * 8);
	}
};

} // namespace

TEST_CASE("the verb table has the ABI sizes and one destroy per kind", "[verbs]")
{
	CHECK(broker::verb_table().size() == 17);
	const auto *cq = broker::find_verb(IB_USER_VERBS_CMD_CREATE_CQ);
	REQUIRE(cq);
	CHECK(cq->cmd_size == sizeof(ib_uverbs_create_cq));
	CHECK(cq->resp_size == sizeof(ib_uverbs_create_cq_resp));
	CHECK(cq->user_handle_at == offsetof(ib_uverbs_create_cq, user_handle));
	CHECK(cq->comp_channel_at == offsetof(ib_uverbs_create_cq, comp_channel));
	const auto *modify = broker::find_verb(IB_USER_VERBS_CMD_MODIFY_QP);
	REQUIRE(modify);
	CHECK(modify->cmd_size == sizeof(ib_uverbs_modify_qp));
	CHECK(modify->resp_size == 0);
	CHECK(broker::find_verb(IB_USER_VERBS_CMD_CREATE_QP)->cmd_size ==
	      sizeof(ib_uverbs_create_qp));
	CHECK(broker::find_verb(IB_USER_VERBS_CMD_QUERY_QP)->resp_size ==
	      sizeof(ib_uverbs_query_qp_resp));
	CHECK_FALSE(broker::find_verb(IB_USER_VERBS_CMD_REG_MR));
	CHECK_FALSE(broker::find_verb(IB_USER_VERBS_CMD_POST_SEND));
	CHECK_FALSE(broker::find_verb(IB_USER_VERBS_CMD_GET_CONTEXT));
	for (auto kind : {ObjectKind::pd, ObjectKind::mr, ObjectKind::cq, ObjectKind::qp,
			  ObjectKind::srq, ObjectKind::ah}) {
		const auto &spec = broker::destroy_verb(kind);
		CHECK(spec.effect == broker::VerbEffect::destroy);
		CHECK(spec.kind == kind);
	}
}

TEST_CASE("rxe's personality names its mminfo fields and MODIFY_SRQ's pointer", "[verbs]")
{
	const auto *rxe = broker::personality_for(RDMA_DRIVER_RXE);
	REQUIRE(rxe);
	CHECK(broker::well_formed(*rxe));
	const auto *qp_rule = rxe->rule(IB_USER_VERBS_CMD_CREATE_QP);
	REQUIRE(qp_rule);
	const auto qp = qp_rule->queue_infos;
	REQUIRE(qp.size() == 2);
	CHECK(qp[0] == offsetof(rxe_create_qp_resp, rq_mi));
	CHECK(qp[1] == offsetof(rxe_create_qp_resp, sq_mi));
	CHECK(qp_rule->udata_in == 0);
	CHECK(qp_rule->udata_out == sizeof(rxe_create_qp_resp));
	CHECK(rxe->rule(IB_USER_VERBS_CMD_CREATE_CQ)->queue_infos.size() == 1);
	CHECK(rxe->rule(IB_USER_VERBS_CMD_RESIZE_CQ)->queue_infos.size() == 1);
	CHECK(rxe->rule(IB_USER_VERBS_CMD_CREATE_SRQ)->queue_infos.size() == 1);
	CHECK(rxe->rule(IB_USER_VERBS_CMD_ALLOC_PD)->queue_infos.empty());
	CHECK(broker::queue_info_pointer(*rxe->rule(IB_USER_VERBS_CMD_MODIFY_SRQ)) ==
	      offsetof(rxe_modify_srq_cmd, mmap_info_addr));
	CHECK_FALSE(broker::queue_info_pointer(*rxe->rule(IB_USER_VERBS_CMD_MODIFY_QP)));
	CHECK_FALSE(rxe->rule(IB_USER_VERBS_CMD_POST_SEND));
	// Every command a personality runs is one the verb table carries
	// (REG_MR has its own request); only commands with a core response
	// have driver data out.
	for (const auto *personality : {rxe, broker::personality_for(RDMA_DRIVER_SIW)}) {
		REQUIRE(personality);
		for (const auto &rule : personality->commands) {
			if (rule.command == IB_USER_VERBS_CMD_REG_MR)
				continue;
			const auto *spec = broker::find_verb(rule.command);
			REQUIRE(spec);
			CHECK((spec->resp_size != 0 || rule.udata_out == 0));
		}
	}

	Bytes udata(24);
	const mminfo mi{.offset = 0x5000, .size = 8192, .pad = 0};
	std::memcpy(udata.data() + 8, &mi, sizeof(mi));
	const auto info = broker::read_queue_info(udata, 8);
	REQUIRE(info);
	CHECK(info->offset == 0x5000);
	CHECK(info->size == 8192);
	CHECK_FALSE(broker::read_queue_info(udata, 9));
}

TEST_CASE("page runs must cover exactly the registered pages", "[verbs]")
{
	using R = std::vector<PageRun>;
	CHECK(broker::check_page_runs(R{{0x10000, 1}}, 0x7000, 100).value() == 1);
	CHECK(broker::check_page_runs(R{{0x10000, 2}}, 0x7f00, 0x200).value() == 2);
	CHECK(broker::check_page_runs(R{{0x10000, 1}, {0x30000, 2}}, 0x1000, 0x3000).value() == 3);
	// Too few, too many, unaligned, empty runs, no runs, no length.
	CHECK_FALSE(broker::check_page_runs(R{{0x10000, 1}}, 0x7f00, 0x200));
	CHECK_FALSE(broker::check_page_runs(R{{0x10000, 3}}, 0x7f00, 0x200));
	CHECK_FALSE(broker::check_page_runs(R{{0x10010, 1}}, 0x7000, 100));
	CHECK_FALSE(broker::check_page_runs(R{{0x10000, 0}, {0x10000, 1}}, 0x7000, 100));
	CHECK_FALSE(broker::check_page_runs(R{}, 0x7000, 100));
	CHECK_FALSE(broker::check_page_runs(R{{0x10000, 1}}, 0x7000, 0));
	// Wrapping iova or gpa.
	CHECK_FALSE(broker::check_page_runs(R{{0x10000, 1}}, ~0ull - 10, 100));
	CHECK_FALSE(broker::check_page_runs(R{{~0ull & ~4095ull, 2}}, 0, 0x2000));
	CHECK_FALSE(broker::check_page_runs(R(VHOST_HYV_MAX_GUEST_MAP_RUNS + 1, {0, 1}), 0,
					    (VHOST_HYV_MAX_GUEST_MAP_RUNS + 1ull) * 4096));
}

TEST_CASE("CREATE_CQ gets hyvd's response, user_handle and comp channel, and its queue shown",
	  "[verbs]")
{
	Fixture f;
	ib_uverbs_create_cq cmd{};
	cmd.cqe = 16;
	auto used = f.verb(IB_USER_VERBS_CMD_CREATE_CQ, cmd, sizeof(rxe_create_cq_resp));
	REQUIRE(used);
	CHECK(*used == kVerbResp + sizeof(ib_uverbs_create_cq_resp) + sizeof(rxe_create_cq_resp));

	const auto &sent = f.file->commands.back();
	CHECK(sent.command == IB_USER_VERBS_CMD_CREATE_CQ);
	CHECK(sent.in_words * 4u == 8 + sizeof(cmd));
	CHECK(sent.out_words * 4u == sizeof(ib_uverbs_create_cq_resp) + sizeof(rxe_create_cq_resp));
	CHECK(read_at<uint64_t>(sent.in, 0) != 0);	// response
	const auto user_handle = read_at<uint64_t>(sent.in, offsetof(ib_uverbs_create_cq, user_handle));
	CHECK(user_handle != 0);
	CHECK(read_at<int32_t>(sent.in, offsetof(ib_uverbs_create_cq, comp_channel)) == 42);

	CHECK(load_le<uint32_t>(f.body, 8) == sizeof(ib_uverbs_create_cq_resp));
	CHECK(load_le<uint32_t>(f.body, 12) == sizeof(rxe_create_cq_resp));
	REQUIRE(f.num_maps() == 1);
	const uint32_t cq = f.created_handle();
	CHECK(f.map_field(0, 0) == 0x10000);	// the host's mmap offset
	CHECK(f.map_field(0, 2) == 8192);
	// The driver data passes unchanged: the guest's provider mmaps it.
	const auto mi = read_at<mminfo>(f.body, kVerbResp + sizeof(ib_uverbs_create_cq_resp));
	CHECK(mi.offset == 0x10000);
	CHECK(f.relay->shm_slots.size() == 1);
	CHECK(f.vm.object_counts()[static_cast<int>(ObjectKind::cq)] == 1);
	CHECK(f.context->by_user_handle(user_handle) == std::pair{ObjectKind::cq, cq});

	ib_uverbs_destroy_cq destroy{};
	destroy.cq_handle = cq;
	REQUIRE(f.verb(IB_USER_VERBS_CMD_DESTROY_CQ, destroy));
	CHECK(f.relay->shm_slots.empty());
	CHECK(f.vm.object_counts()[static_cast<int>(ObjectKind::cq)] == 0);
	CHECK_FALSE(f.context->by_user_handle(user_handle));
}

TEST_CASE("CREATE_QP shows both rxe queues", "[verbs]")
{
	Fixture f;
	ib_uverbs_create_qp cmd{};
	cmd.qp_type = IB_UVERBS_QPT_RC;
	REQUIRE(f.verb(IB_USER_VERBS_CMD_CREATE_QP, cmd, sizeof(rxe_create_qp_resp)));
	CHECK(f.num_maps() == 2);
	CHECK(f.relay->shm_slots.size() == 2);
	CHECK(f.map_field(0, 1) != f.map_field(1, 1));
}

TEST_CASE("a queue that cannot be shown undoes the create", "[verbs]")
{
	Fixture f;
	f.relay->fail_with = ENOSPC;
	ib_uverbs_create_cq cmd{};
	const auto used = f.verb(IB_USER_VERBS_CMD_CREATE_CQ, cmd, sizeof(rxe_create_cq_resp));
	REQUIRE_FALSE(used);
	CHECK(used.error() == std::errc::no_space_on_device);
	CHECK(f.file->commands.back().command == IB_USER_VERBS_CMD_DESTROY_CQ);
	CHECK(f.vm.object_counts()[static_cast<int>(ObjectKind::cq)] == 0);
}

TEST_CASE("VERB validation: table, cmd_len, response room, host errors", "[verbs]")
{
	Fixture f;
	ib_uverbs_alloc_pd pd{};
	CHECK(f.verb(IB_USER_VERBS_CMD_REG_MR, pd).error() == std::errc::operation_not_supported);
	const uint64_t short_cmd = 0;
	const uint32_t too_short = 0;
	CHECK(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, too_short).error() == std::errc::invalid_argument);
	ib_uverbs_create_cq cq{};
	CHECK(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, cq).error() == std::errc::invalid_argument);
	CHECK(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, short_cmd, 4096).error() ==
	      std::errc::invalid_argument);
	CHECK(f.file->commands.empty());
	f.file->fail_with = EINVAL;
	CHECK(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, short_cmd).error() == std::errc::invalid_argument);
	f.file->fail_with.reset();

	// rxe's ALLOC_PD has no driver data.
	const Bytes udata(6, std::byte{1});
	CHECK(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, short_cmd, 0, udata).error() ==
	      std::errc::invalid_argument);
	CHECK(f.file->commands.size() == 1);	// the failed one only
	REQUIRE(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, short_cmd));
	CHECK(f.file->commands.back().in_words * 4u == 8 + 8);
	CHECK(f.vm.object_counts()[static_cast<int>(ObjectKind::pd)] == 1);
	ib_uverbs_dealloc_pd dealloc{.pd_handle = f.created_handle()};
	REQUIRE(f.verb(IB_USER_VERBS_CMD_DEALLOC_PD, dealloc));
	CHECK(f.file->commands.back().out_words == 0);
	CHECK(f.vm.object_counts()[static_cast<int>(ObjectKind::pd)] == 0);
}

TEST_CASE("rxe MODIFY_SRQ: hyvd's buffer replaces the guest pointer, the new queue replaces the "
	  "old",
	  "[verbs]")
{
	Fixture f;
	ib_uverbs_create_srq create{};
	REQUIRE(f.verb(IB_USER_VERBS_CMD_CREATE_SRQ, create, sizeof(rxe_create_srq_resp)));
	const uint32_t srq = f.created_handle();
	const uint64_t old_slot = f.map_field(0, 1);

	ib_uverbs_modify_srq modify{};
	modify.srq_handle = srq;
	rxe_modify_srq_cmd guest_cmd{.mmap_info_addr = 0xdead0000};
	REQUIRE(f.verb(IB_USER_VERBS_CMD_MODIFY_SRQ, modify, sizeof(mminfo), bytes_of(guest_cmd)));
	const auto &sent = f.file->commands.back();
	CHECK(read_at<uint64_t>(sent.in, sizeof(modify)) != 0xdead0000);
	REQUIRE(f.num_maps() == 1);
	CHECK(load_le<uint32_t>(f.body, 8) == 0);		// no core response
	CHECK(load_le<uint32_t>(f.body, 12) == sizeof(mminfo));
	const auto mi = read_at<mminfo>(f.body, kVerbResp);
	CHECK(mi.offset == f.map_field(0, 0));
	CHECK(mi.size == 8192);
	CHECK_FALSE(f.relay->shm_slots.contains(old_slot));
	CHECK(f.relay->shm_slots.size() == 1);
}

TEST_CASE("REG_MR registers the relay window at the guest iova; DEREG_MR returns it", "[verbs]")
{
	Fixture f;
	const uint64_t iova = 0x7f0000001234;
	const virtio_hyv_page_run runs[2] = {{0x100000, 1}, {0x300000, 1}};
	const proto::RegMrRequest req{.ctx_handle = f.ctx_handle,
				      .pd_handle = 5,
				      .iova = iova,
				      .length = 0x1000,
				      .access_flags = IB_UVERBS_ACCESS_LOCAL_WRITE,
				      .num_runs = 2,
				      .runs = std::as_bytes(std::span(runs))};
	const auto used = broker::execute_reg_mr(f.vm, *f.context, req, f.body);
	REQUIRE(used);
	CHECK(f.relay->last_writable);
	CHECK(f.relay->last_runs.size() == 2);
	CHECK(f.relay->last_runs[1].gpa == 0x300000);
	const auto &sent = f.file->commands.back();
	CHECK(sent.command == IB_USER_VERBS_CMD_REG_MR);
	CHECK(read_at<uint64_t>(sent.in, offsetof(ib_uverbs_reg_mr, start)) % 4096 == 0x234);
	CHECK(read_at<uint64_t>(sent.in, offsetof(ib_uverbs_reg_mr, hca_va)) == iova);
	CHECK(read_at<uint32_t>(sent.in, offsetof(ib_uverbs_reg_mr, pd_handle)) == 5);
	const uint32_t mr = load_le<uint32_t>(f.body, 8);
	CHECK(load_le<uint32_t>(f.body, 12) == 0x100 + mr);
	CHECK(f.vm.pinned_pages() == 2);
	CHECK(f.relay->guest_maps.size() == 1);

	ib_uverbs_dereg_mr dereg{.mr_handle = mr};
	REQUIRE(f.verb(IB_USER_VERBS_CMD_DEREG_MR, dereg));
	CHECK(f.vm.pinned_pages() == 0);
	CHECK(f.relay->guest_maps.empty());
	CHECK(f.journal->back().starts_with("unmap_guest"));
}

TEST_CASE("REG_MR: bad runs are EINVAL, the pinned quota is EDQUOT", "[verbs]")
{
	Fixture f;	// max_pinned_mb 1: 256 pages
	const virtio_hyv_page_run one[1] = {{0x100000, 1}};
	proto::RegMrRequest req{.ctx_handle = f.ctx_handle,
				.iova = 0x1000,
				.length = 0x2000,
				.num_runs = 1,
				.runs = std::as_bytes(std::span(one))};
	CHECK(broker::execute_reg_mr(f.vm, *f.context, req, f.body).error() ==
	      std::errc::invalid_argument);
	const virtio_hyv_page_run big[1] = {{0x100000, 257}};
	req.length = 257 * 4096;
	req.runs = std::as_bytes(std::span(big));
	CHECK(broker::execute_reg_mr(f.vm, *f.context, req, f.body).error() ==
	      errno_code(EDQUOT));
	CHECK(f.relay->guest_maps.empty());
	CHECK(f.file->commands.empty());
}

TEST_CASE("REG_MR: access rights and relaxed ordering pass, other access flags are EOPNOTSUPP",
	  "[verbs]")
{
	Fixture f;
	const uint32_t refused =
		GENERATE(as<uint32_t>{}, IB_UVERBS_ACCESS_ZERO_BASED, IB_UVERBS_ACCESS_ON_DEMAND,
			 IB_UVERBS_ACCESS_HUGETLB, 1U << 8, 1U << 30);
	CAPTURE(refused);
	CHECK(f.reg_one_page(IB_UVERBS_ACCESS_LOCAL_WRITE | refused).error() ==
	      errno_code(EOPNOTSUPP));
	CHECK(f.relay->guest_maps.empty());
	CHECK(f.file->commands.empty());

	const uint32_t allowed = IB_UVERBS_ACCESS_LOCAL_WRITE | IB_UVERBS_ACCESS_REMOTE_WRITE |
				 IB_UVERBS_ACCESS_REMOTE_READ | IB_UVERBS_ACCESS_REMOTE_ATOMIC |
				 IB_UVERBS_ACCESS_MW_BIND | IB_UVERBS_ACCESS_RELAXED_ORDERING;
	REQUIRE(f.reg_one_page(allowed));
	CHECK(read_at<uint32_t>(f.file->commands.back().in,
				offsetof(ib_uverbs_reg_mr, access_flags)) == allowed);
}

TEST_CASE("creates beyond the VM's quota of their kind are EDQUOT, and never reach the host",
	  "[verbs]")
{
	broker::VmPolicy policy{.max_pinned_mb = 1};
	policy.max_objects[static_cast<int>(ObjectKind::pd)] = 2;
	policy.max_objects[static_cast<int>(ObjectKind::mr)] = 1;
	Fixture f(RDMA_DRIVER_RXE, policy);

	ib_uverbs_alloc_pd pd{};
	REQUIRE(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, pd));
	const uint32_t first = f.created_handle();
	REQUIRE(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, pd));
	const std::size_t sent = f.file->commands.size();
	CHECK(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, pd).error() == errno_code(EDQUOT));
	CHECK(f.file->commands.size() == sent);
	// Another kind is not limited by it.
	ib_uverbs_create_cq cq{};
	CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_CQ, cq, sizeof(rxe_create_cq_resp)));
	// A destroyed object makes room.
	ib_uverbs_dealloc_pd dealloc{.pd_handle = first};
	REQUIRE(f.verb(IB_USER_VERBS_CMD_DEALLOC_PD, dealloc));
	CHECK(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, pd));
	CHECK(f.vm.object_counts()[static_cast<int>(ObjectKind::pd)] == 2);

	REQUIRE(f.reg_one_page());
	CHECK(f.reg_one_page().error() == errno_code(EDQUOT));
	CHECK(f.relay->guest_maps.size() == 1);	// nothing pinned for the refused one
}

TEST_CASE("DOORBELL is POST_SEND with no work requests", "[verbs]")
{
	Fixture f;
	REQUIRE_FALSE(broker::ring_doorbell(*f.context, 9));
	const auto &sent = f.file->commands.back();
	CHECK(sent.command == IB_USER_VERBS_CMD_POST_SEND);
	CHECK(sent.in_words * 4u == 8 + sizeof(ib_uverbs_post_send));
	CHECK(sent.out_words * 4u == sizeof(ib_uverbs_post_send_resp));
	CHECK(read_at<uint32_t>(sent.in, offsetof(ib_uverbs_post_send, qp_handle)) == 9);
	CHECK(read_at<uint32_t>(sent.in, offsetof(ib_uverbs_post_send, wr_count)) == 0);
	CHECK(read_at<uint32_t>(sent.in, offsetof(ib_uverbs_post_send, wqe_size)) ==
	      sizeof(ib_uverbs_send_wr));
}

TEST_CASE("closing a context: guest access first, then the host file, then the windows",
	  "[verbs]")
{
	Fixture f;
	ib_uverbs_create_cq cq{};
	REQUIRE(f.verb(IB_USER_VERBS_CMD_CREATE_CQ, cq, sizeof(rxe_create_cq_resp)));
	REQUIRE(f.reg_one_page());
	f.journal->clear();

	REQUIRE_FALSE(f.vm.destroy_context(f.ctx_handle));
	REQUIRE(f.journal->size() == 3);
	CHECK((*f.journal)[0].starts_with("shm_unmap"));
	CHECK((*f.journal)[1] == "close");
	CHECK((*f.journal)[2].starts_with("unmap_guest"));
	CHECK(f.vm.pinned_pages() == 0);
	CHECK(f.relay->shm_slots.empty());
}

TEST_CASE("siw runs commands without queue maps", "[verbs]")
{
	Fixture f(RDMA_DRIVER_SIW);
	ib_uverbs_create_cq cmd{};
	REQUIRE(f.verb(IB_USER_VERBS_CMD_CREATE_CQ, cmd, sizeof(siw_uresp_create_cq)));
	CHECK(f.num_maps() == 0);
	CHECK(f.relay->shm_slots.empty());
}

TEST_CASE("async events name the host handle of their object, or the port", "[verbs]")
{
	Fixture f;
	ib_uverbs_create_qp cmd{};
	cmd.qp_type = IB_UVERBS_QPT_UD;
	REQUIRE(f.verb(IB_USER_VERBS_CMD_CREATE_QP, cmd, sizeof(rxe_create_qp_resp)));
	const uint32_t qp = f.created_handle();
	const auto user_handle = read_at<uint64_t>(f.file->commands.back().in,
						   offsetof(ib_uverbs_create_qp, user_handle));
	CHECK(broker::async_event_handle(*f.context, IBV_EVENT_COMM_EST, user_handle) == qp);
	CHECK_FALSE(broker::async_event_handle(*f.context, IBV_EVENT_CQ_ERR, user_handle));
	CHECK_FALSE(broker::async_event_handle(*f.context, IBV_EVENT_QP_FATAL, 999));
	CHECK(broker::async_event_handle(*f.context, IBV_EVENT_PORT_ACTIVE, 1) == 1u);
}

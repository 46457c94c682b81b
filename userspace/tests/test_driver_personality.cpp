// SPDX-License-Identifier: GPL-2.0
// Driver personalities as an allow-list: a device without one runs nothing,
// and a personality's commands run only with the driver data it describes
// (lengths, reserved fields, user addresses, QP types).  A fake mlx5-like
// personality stands for a hardware driver whose create data carries
// process addresses.
#include "fake_host_device.hpp"
#include "fake_uverbs.hpp"
#include "test_support.hpp"

#include <hyv/broker/driver_personality.hpp>
#include <hyv/broker/request_dispatcher.hpp>
#include <hyv/broker/verb_executor.hpp>
#include <hyv/broker/vm.hpp>
#include <hyv/proto/relay_frame.hpp>

#include <linux/virtio_hyv.h>
#include <rdma/ib_user_ioctl_verbs.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/siw-abi.h>

#include <catch2/catch_test_macros.hpp>

#include <array>
#include <cstring>
#include <initializer_list>

using namespace hyv;
using broker::CommandRule;
using broker::UdataCheck;
using broker::UdataField;
using test::Bytes;

namespace {

// Like mlx5's struct mlx5_ib_create_cq: the CQ buffer and doorbell record
// are process addresses the host driver pins and the device writes.
constexpr std::array kFakeCqFields{
	UdataField{"buf_addr", 0, 8, UdataCheck::address},
	UdataField{"db_addr", 8, 8, UdataCheck::address},
	UdataField{"cqe_size", 16, 4, UdataCheck::value},
	UdataField{"reserved", 20, 4, UdataCheck::zero},
};
constexpr std::array kFakeCommands{
	CommandRule{IB_USER_VERBS_CMD_ALLOC_PD, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_CREATE_CQ, 24, kFakeCqFields, 8, {}},
};
constexpr broker::DriverPersonality kFakeMlx5{
	.name = "fake-mlx5",
	.driver_id = RDMA_DRIVER_MLX5,
	.context = CommandRule{IB_USER_VERBS_CMD_GET_CONTEXT, 0, {}, 0, {}},
	.commands = kFakeCommands,
	.qp_types = 1u << IB_UVERBS_QPT_RC,
};

template <typename T>
std::span<const std::byte> bytes_of(const T &value)
{
	return std::as_bytes(std::span(&value, 1));
}

// A VM with one device of `driver_id` and a context on it run by
// `personality`, outside the VM's own table so that a fake personality
// can run it.
struct ContextFixture {
	std::shared_ptr<test::Journal> journal = std::make_shared<test::Journal>();
	broker::Vm vm{1, {.name = "guest"}, broker::VmPolicy{.max_pinned_mb = 1},
		      [](const broker::Vm &, const proto::Event &) {}};
	test::FakeUverbsFile *file = nullptr;
	std::unique_ptr<broker::VmContext> context;
	Bytes body = Bytes(4096);

	explicit ContextFixture(const broker::DriverPersonality &personality)
	{
		vm.set_relay_memory(std::make_unique<test::FakeRelayMemory>(journal));
		auto fake = std::make_unique<test::FakeUverbsFile>(journal);
		file = fake.get();
		context = std::make_unique<broker::VmContext>(
			3, personality, broker::HostContext(std::move(fake), 1));
	}

	template <typename Cmd>
	Result<std::size_t> verb(uint32_t command, const Cmd &core, uint32_t resp_udata_max = 0,
				 std::span<const std::byte> udata = {})
	{
		const proto::VerbRequest req{.ctx_handle = 1,
					     .command = command,
					     .resp_udata_max = resp_udata_max,
					     .core = bytes_of(core),
					     .udata = udata};
		return broker::execute_verb(vm, *context, req, body);
	}
};

ib_uverbs_create_qp qp_of_type(uint8_t type)
{
	ib_uverbs_create_qp cmd{};
	cmd.qp_type = type;
	return cmd;
}

} // namespace

TEST_CASE("only rxe and siw have personalities, each well formed", "[personality]")
{
	REQUIRE(broker::personality_for(RDMA_DRIVER_RXE));
	REQUIRE(broker::personality_for(RDMA_DRIVER_SIW));
	CHECK(broker::well_formed(*broker::personality_for(RDMA_DRIVER_RXE)));
	CHECK(broker::well_formed(*broker::personality_for(RDMA_DRIVER_SIW)));
	for (uint32_t driver : std::initializer_list<uint32_t>{
		     RDMA_DRIVER_UNKNOWN, RDMA_DRIVER_MLX5, RDMA_DRIVER_MLX4, RDMA_DRIVER_HNS,
		     RDMA_DRIVER_BNXT_RE, RDMA_DRIVER_IRDMA, RDMA_DRIVER_EFA, RDMA_DRIVER_ERDMA,
		     RDMA_DRIVER_ERDMA + 1}) {
		CAPTURE(driver);
		CHECK_FALSE(broker::personality_for(driver));
	}
	CHECK(broker::well_formed(kFakeMlx5));
	// A field table that leaves a byte unchecked is not.
	static constexpr std::array gap{UdataField{"a", 0, 4, UdataCheck::value},
					UdataField{"b", 8, 4, UdataCheck::value}};
	static constexpr std::array bad_rules{CommandRule{IB_USER_VERBS_CMD_CREATE_CQ, 12, gap, 0, {}}};
	broker::DriverPersonality bad = kFakeMlx5;
	bad.commands = bad_rules;
	CHECK_FALSE(broker::well_formed(bad));
}

TEST_CASE("check_udata: exact length in, room for the answer out, zero and address fields",
	  "[personality]")
{
	const CommandRule &cq = *kFakeMlx5.rule(IB_USER_VERBS_CMD_CREATE_CQ);
	Bytes udata(24);
	// Any request carrying the address fields is refused, whatever they hold.
	auto refused = broker::check_udata(cq, udata, 8);
	REQUIRE(refused);
	CHECK(refused->error == std::errc::operation_not_supported);
	CHECK(refused->reason == "field buf_addr is a user address");
	CHECK(broker::check_udata(cq, Bytes(16), 8)->error == std::errc::invalid_argument);
	CHECK(broker::check_udata(cq, Bytes(32), 8)->error == std::errc::invalid_argument);

	const CommandRule &reg_mr = *broker::personality_for(RDMA_DRIVER_SIW)->rule(
		IB_USER_VERBS_CMD_REG_MR);
	siw_ureq_reg_mr ureq{};
	ureq.stag_key = 0xab;
	CHECK_FALSE(broker::check_udata(reg_mr, bytes_of(ureq), sizeof(siw_uresp_reg_mr)));
	CHECK(broker::check_udata(reg_mr, bytes_of(ureq), sizeof(siw_uresp_reg_mr) - 1)->error ==
	      std::errc::invalid_argument);
	ureq.reserved[2] = 1;
	refused = broker::check_udata(reg_mr, bytes_of(ureq), sizeof(siw_uresp_reg_mr));
	REQUIRE(refused);
	CHECK(refused->error == std::errc::invalid_argument);
	CHECK(refused->reason == "reserved field reserved is not zero");
	ureq.reserved[2] = 0;
	ureq.pad = 1;
	CHECK(broker::check_udata(reg_mr, bytes_of(ureq), 8)->reason ==
	      "reserved field pad is not zero");
}

TEST_CASE("a fake mlx5-like driver: address-carrying create data never reaches the host",
	  "[personality]")
{
	ContextFixture f(kFakeMlx5);
	struct {
		uint64_t buf_addr, db_addr;
		uint32_t cqe_size, reserved;
	} create{reinterpret_cast<uintptr_t>(&f), reinterpret_cast<uintptr_t>(&f), 64, 0};
	ib_uverbs_create_cq cq{};
	CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_CQ, cq, 8, bytes_of(create)).error() ==
	      std::errc::operation_not_supported);
	// Not in its table: not run either.
	ib_uverbs_create_srq srq{};
	CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_SRQ, srq, 64).error() ==
	      std::errc::operation_not_supported);
	CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_QP, qp_of_type(IB_UVERBS_QPT_RC), 64).error() ==
	      std::errc::operation_not_supported);
	CHECK(f.file->commands.empty());
	// What it does allow still runs.
	const uint64_t pd = 0;
	CHECK(f.verb(IB_USER_VERBS_CMD_ALLOC_PD, pd));
	CHECK(f.file->commands.size() == 1);
}

TEST_CASE("rxe: CQ, QP and SRQ run with their exact driver data, nothing else does",
	  "[personality]")
{
	ContextFixture f(*broker::personality_for(RDMA_DRIVER_RXE));
	ib_uverbs_create_cq cq{};
	ib_uverbs_create_srq srq{};
	const auto rc = qp_of_type(IB_UVERBS_QPT_RC);

	// Driver data in where rxe has none: refused, whatever its length.
	for (std::size_t len : {4, 8, 16}) {
		CAPTURE(len);
		const Bytes udata(len);
		CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_CQ, cq, 16, udata).error() ==
		      std::errc::invalid_argument);
		CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_QP, rc, 32, udata).error() ==
		      std::errc::invalid_argument);
		CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_SRQ, srq, 24, udata).error() ==
		      std::errc::invalid_argument);
	}
	// Room for less than rxe's answer (its mminfos).
	CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_CQ, cq, 15).error() == std::errc::invalid_argument);
	CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_QP, rc, 16).error() == std::errc::invalid_argument);
	CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_SRQ, srq, 16).error() ==
	      std::errc::invalid_argument);
	// MODIFY_SRQ's driver data is the 8-byte pointer, exactly.
	ib_uverbs_modify_srq modify{};
	CHECK(f.verb(IB_USER_VERBS_CMD_MODIFY_SRQ, modify, 16, Bytes(16)).error() ==
	      std::errc::invalid_argument);
	CHECK(f.verb(IB_USER_VERBS_CMD_MODIFY_SRQ, modify, 16).error() ==
	      std::errc::invalid_argument);
	// QP types rxe has no user QPs of, RAW_PACKET above all.
	for (uint8_t type : std::initializer_list<uint8_t>{
		     0, 1, IB_UVERBS_QPT_RAW_PACKET, IB_UVERBS_QPT_XRC_INI, IB_UVERBS_QPT_XRC_TGT,
		     IB_UVERBS_QPT_DRIVER}) {
		CAPTURE(type);
		CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_QP, qp_of_type(type), 32).error() ==
		      std::errc::operation_not_supported);
	}
	CHECK(f.file->commands.empty());

	// The same requests done right; the host gets room for exactly
	// rxe's answer, however much the guest has.
	REQUIRE(f.verb(IB_USER_VERBS_CMD_CREATE_CQ, cq, 64));
	CHECK(f.file->commands.back().out_words * 4u ==
	      sizeof(ib_uverbs_create_cq_resp) + sizeof(rxe_create_cq_resp));
	for (uint8_t type : std::initializer_list<uint8_t>{IB_UVERBS_QPT_RC, IB_UVERBS_QPT_UC,
							   IB_UVERBS_QPT_UD})
		REQUIRE(f.verb(IB_USER_VERBS_CMD_CREATE_QP, qp_of_type(type), 32));
	REQUIRE(f.verb(IB_USER_VERBS_CMD_CREATE_SRQ, srq, 24));
	CHECK(f.file->commands.size() == 5);
}

TEST_CASE("siw: RC QPs only, no address handles, REG_MR's reserved bytes zero",
	  "[personality]")
{
	ContextFixture f(*broker::personality_for(RDMA_DRIVER_SIW));
	CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_QP, qp_of_type(IB_UVERBS_QPT_UD), 32).error() ==
	      std::errc::operation_not_supported);
	CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_QP, qp_of_type(IB_UVERBS_QPT_RAW_PACKET), 32)
		      .error() == std::errc::operation_not_supported);
	ib_uverbs_create_ah ah{};
	CHECK(f.verb(IB_USER_VERBS_CMD_CREATE_AH, ah, 8).error() ==
	      std::errc::operation_not_supported);
	ib_uverbs_resize_cq resize{};
	CHECK(f.verb(IB_USER_VERBS_CMD_RESIZE_CQ, resize, 16).error() ==
	      std::errc::operation_not_supported);

	const virtio_hyv_page_run one[1] = {{0x100000, 1}};
	siw_ureq_reg_mr ureq{};
	ureq.pad = 7;
	proto::RegMrRequest req{.ctx_handle = 1,
				.iova = 0x1000,
				.length = 0x1000,
				.num_runs = 1,
				.resp_udata_max = sizeof(siw_uresp_reg_mr),
				.runs = std::as_bytes(std::span(one)),
				.udata = bytes_of(ureq)};
	CHECK(broker::execute_reg_mr(f.vm, *f.context, req, f.body).error() ==
	      std::errc::invalid_argument);
	CHECK(f.file->commands.empty());
	ureq.pad = 0;
	ureq.stag_key = 0x42;
	REQUIRE(broker::execute_reg_mr(f.vm, *f.context, req, f.body));
	CHECK(f.file->commands.back().command == IB_USER_VERBS_CMD_REG_MR);
	CHECK(f.file->commands.back().out_words * 4u ==
	      sizeof(ib_uverbs_reg_mr_resp) + sizeof(siw_uresp_reg_mr));

	REQUIRE(f.verb(IB_USER_VERBS_CMD_CREATE_QP, qp_of_type(IB_UVERBS_QPT_RC), 32));
}

TEST_CASE("CREATE_CONTEXT on a device without a personality is refused", "[personality]")
{
	broker::Vm vm{1, {.name = "guest"}, broker::VmPolicy{},
		      [](const broker::Vm &, const proto::Event &) {}};
	auto mlx5 = std::make_shared<test::FakeHostDevice>(
		4, test::scanned_device(1, "mlx5_0", 1, RDMA_DRIVER_MLX5));
	auto siw = std::make_shared<test::FakeHostDevice>(
		5, test::scanned_device(2, "siw0", 2, RDMA_DRIVER_SIW));
	// Even on a VM that was given it (the device table never does).
	vm.set_devices({mlx5, siw}, false);

	const auto status = [&](const Bytes &request) {
		Bytes out(proto::kRelayWriteBufferSize);
		REQUIRE(broker::dispatch_relay_frame(vm, test::relay_frame(1, request), out));
		return proto::load_le<uint32_t>(out, proto::kRelayResponseHeaderSize);
	};
	CHECK(status(test::create_context_request(4, {}, 64)) == EOPNOTSUPP);
	CHECK(mlx5->open_contexts() == 0);
	CHECK(vm.add_context(4, broker::HostContext(std::make_unique<test::FakeUverbsFile>(
						     std::make_shared<test::Journal>()),
					     1))
		      .error() == std::errc::operation_not_supported);
	CHECK(vm.context_count() == 0);

	// siw: its GET_CONTEXT has no driver data in and 8 bytes out.
	CHECK(status(test::create_context_request(5, Bytes(8), 8)) == EINVAL);
	CHECK(status(test::create_context_request(5, {}, 4)) == EINVAL);
	CHECK(siw->open_contexts() == 0);
	CHECK(status(test::create_context_request(5, {}, 64)) == 0);
	CHECK(siw->open_contexts() == 1);
}

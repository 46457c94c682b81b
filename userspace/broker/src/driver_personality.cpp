// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/driver_personality.hpp>

// glibc's <netinet/in.h> before <rdma/rdma_user_rxe.h> (which pulls in
// <linux/in.h>): the kernel header then defers to glibc's definitions.
#include <netinet/in.h>
#include <rdma/ib_user_ioctl_verbs.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/rdma_user_rxe.h>
#include <rdma/siw-abi.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace hyv::broker {
namespace {

static_assert(sizeof(mminfo) == kQueueInfoSize);
static_assert(offsetof(mminfo, offset) == 0 && offsetof(mminfo, size) == 8);

template <typename T>
constexpr uint16_t size_of()
{
	return static_cast<uint16_t>(sizeof(T));
}

constexpr uint32_t qp_type_bit(ib_uverbs_qp_type type)
{
	return uint32_t{1} << type;
}

// rxe (<rdma/rdma_user_rxe.h>).  Its provider sends no request driver
// data but MODIFY_SRQ's pointer; the kernel ignores GET_CONTEXT's and
// REG_MR's and refuses CREATE_QP's.  Answers: the mminfos of the queues,
// srq_num, ah_num.
constexpr std::array<uint16_t, 1> kRxeCq{offsetof(rxe_create_cq_resp, mi)};
constexpr std::array<uint16_t, 1> kRxeResizeCq{offsetof(rxe_resize_cq_resp, mi)};
constexpr std::array<uint16_t, 2> kRxeQp{offsetof(rxe_create_qp_resp, rq_mi),
					 offsetof(rxe_create_qp_resp, sq_mi)};
constexpr std::array<uint16_t, 1> kRxeSrq{offsetof(rxe_create_srq_resp, mi)};

// rxe's MODIFY_SRQ (resizing) copies the new queue's mminfo to
// mmap_info_addr, a pointer of the caller's.
constexpr std::array kRxeModifySrqFields{
	UdataField{"mmap_info_addr", offsetof(rxe_modify_srq_cmd, mmap_info_addr), 8,
		   UdataCheck::own_queue_info},
};
static_assert(sizeof(rxe_modify_srq_cmd) == 8);

// clang-format off
constexpr std::array kRxeCommands{
	CommandRule{IB_USER_VERBS_CMD_ALLOC_PD, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_DEALLOC_PD, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_REG_MR, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_DEREG_MR, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_CREATE_CQ, 0, {}, size_of<rxe_create_cq_resp>(), kRxeCq},
	CommandRule{IB_USER_VERBS_CMD_RESIZE_CQ, 0, {}, size_of<rxe_resize_cq_resp>(), kRxeResizeCq},
	CommandRule{IB_USER_VERBS_CMD_DESTROY_CQ, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_REQ_NOTIFY_CQ, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_CREATE_QP, 0, {}, size_of<rxe_create_qp_resp>(), kRxeQp},
	CommandRule{IB_USER_VERBS_CMD_QUERY_QP, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_MODIFY_QP, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_DESTROY_QP, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_CREATE_SRQ, 0, {}, size_of<rxe_create_srq_resp>(), kRxeSrq},
	CommandRule{IB_USER_VERBS_CMD_MODIFY_SRQ, size_of<rxe_modify_srq_cmd>(), kRxeModifySrqFields,
		    0, {}},
	CommandRule{IB_USER_VERBS_CMD_QUERY_SRQ, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_DESTROY_SRQ, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_CREATE_AH, 0, {}, size_of<rxe_create_ah_resp>(), {}},
	CommandRule{IB_USER_VERBS_CMD_DESTROY_AH, 0, {}, 0, {}},
};
// clang-format on

constexpr DriverPersonality kRxe{
	.name = "rxe",
	.driver_id = RDMA_DRIVER_RXE,
	.context = CommandRule{IB_USER_VERBS_CMD_GET_CONTEXT, 0, {}, 0, {}},
	.commands = kRxeCommands,
	.qp_types = qp_type_bit(IB_UVERBS_QPT_RC) | qp_type_bit(IB_UVERBS_QPT_UC) |
		    qp_type_bit(IB_UVERBS_QPT_UD),
};

// siw (<rdma/siw-abi.h>).  The one request driver data is REG_MR's stag
// key; answers name queues by mmap key (not mapped for guests yet).  No
// RESIZE_CQ, no address handles (iWARP), RC QPs only.
constexpr std::array kSiwRegMrFields{
	UdataField{"stag_key", offsetof(siw_ureq_reg_mr, stag_key), 1, UdataCheck::value},
	UdataField{"reserved", offsetof(siw_ureq_reg_mr, reserved), 3, UdataCheck::zero},
	UdataField{"pad", offsetof(siw_ureq_reg_mr, pad), 4, UdataCheck::zero},
};
static_assert(sizeof(siw_ureq_reg_mr) == 8);

// clang-format off
constexpr std::array kSiwCommands{
	CommandRule{IB_USER_VERBS_CMD_ALLOC_PD, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_DEALLOC_PD, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_REG_MR, size_of<siw_ureq_reg_mr>(), kSiwRegMrFields,
		    size_of<siw_uresp_reg_mr>(), {}},
	CommandRule{IB_USER_VERBS_CMD_DEREG_MR, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_CREATE_CQ, 0, {}, size_of<siw_uresp_create_cq>(), {}},
	CommandRule{IB_USER_VERBS_CMD_DESTROY_CQ, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_REQ_NOTIFY_CQ, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_CREATE_QP, 0, {}, size_of<siw_uresp_create_qp>(), {}},
	CommandRule{IB_USER_VERBS_CMD_QUERY_QP, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_MODIFY_QP, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_DESTROY_QP, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_CREATE_SRQ, 0, {}, size_of<siw_uresp_create_srq>(), {}},
	CommandRule{IB_USER_VERBS_CMD_MODIFY_SRQ, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_QUERY_SRQ, 0, {}, 0, {}},
	CommandRule{IB_USER_VERBS_CMD_DESTROY_SRQ, 0, {}, 0, {}},
};
// clang-format on

constexpr DriverPersonality kSiw{
	.name = "siw",
	.driver_id = RDMA_DRIVER_SIW,
	.context = CommandRule{IB_USER_VERBS_CMD_GET_CONTEXT, 0, {}, size_of<siw_uresp_alloc_ctx>(),
			       {}},
	.commands = kSiwCommands,
	.qp_types = qp_type_bit(IB_UVERBS_QPT_RC),
};

constexpr bool rule_well_formed(const CommandRule &rule)
{
	std::size_t next = 0;
	for (const UdataField &field : rule.fields) {
		if (field.offset != next || field.size == 0 ||
		    (field.check == UdataCheck::own_queue_info && field.size != 8))
			return false;
		next = field.offset + field.size;
	}
	// Legacy writes count the answer in 4-byte words.
	if (next != rule.udata_in || rule.udata_out % 4 != 0)
		return false;
	return std::ranges::all_of(rule.queue_infos, [&](uint16_t at) {
		return at + kQueueInfoSize <= rule.udata_out;
	});
}

constexpr bool personality_well_formed(const DriverPersonality &personality)
{
	if (!rule_well_formed(personality.context))
		return false;
	for (std::size_t i = 0; i < personality.commands.size(); i++) {
		if (!rule_well_formed(personality.commands[i]))
			return false;
		for (std::size_t j = 0; j < i; j++)
			if (personality.commands[j].command == personality.commands[i].command)
				return false;
	}
	return true;
}

static_assert(personality_well_formed(kRxe));
static_assert(personality_well_formed(kSiw));

constexpr std::array kPersonalities{&kRxe, &kSiw};

} // namespace

const CommandRule *DriverPersonality::rule(uint32_t command) const
{
	const auto it = std::ranges::find(commands, command, &CommandRule::command);
	return it == commands.end() ? nullptr : &*it;
}

const DriverPersonality *personality_for(uint32_t driver_id)
{
	for (const DriverPersonality *personality : kPersonalities)
		if (personality->driver_id == driver_id)
			return personality;
	return nullptr;
}

std::optional<UdataRefusal> check_udata(const CommandRule &rule, std::span<const std::byte> udata,
					uint32_t resp_udata_max)
{
	if (udata.size() != rule.udata_in)
		return UdataRefusal{std::make_error_code(std::errc::invalid_argument),
				    fmt::format("driver data in is {} bytes, not {}", udata.size(),
						rule.udata_in)};
	if (resp_udata_max < rule.udata_out)
		return UdataRefusal{std::make_error_code(std::errc::invalid_argument),
				    fmt::format("room for driver data out is {} bytes, less than {}",
						resp_udata_max, rule.udata_out)};
	for (const UdataField &field : rule.fields) {
		const auto bytes = udata.subspan(field.offset, field.size);
		switch (field.check) {
		case UdataCheck::value:
		case UdataCheck::own_queue_info:
			break;
		case UdataCheck::zero:
			if (std::ranges::any_of(bytes, [](std::byte b) { return b != std::byte{}; }))
				return UdataRefusal{
					std::make_error_code(std::errc::invalid_argument),
					fmt::format("reserved field {} is not zero", field.name)};
			break;
		case UdataCheck::address:
			return UdataRefusal{std::make_error_code(std::errc::operation_not_supported),
					    fmt::format("field {} is a user address", field.name)};
		}
	}
	return std::nullopt;
}

std::optional<uint16_t> queue_info_pointer(const CommandRule &rule)
{
	for (const UdataField &field : rule.fields)
		if (field.check == UdataCheck::own_queue_info)
			return field.offset;
	return std::nullopt;
}

bool well_formed(const DriverPersonality &personality)
{
	return personality_well_formed(personality);
}

std::optional<QueueInfo> read_queue_info(std::span<const std::byte> udata, std::size_t offset)
{
	if (offset > udata.size() || udata.size() - offset < kQueueInfoSize)
		return std::nullopt;
	mminfo mi;
	std::memcpy(&mi, udata.data() + offset, sizeof(mi));
	return QueueInfo{.offset = mi.offset, .size = mi.size};
}

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/driver_personality.hpp>

#include <rdma/ib_user_ioctl_verbs.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/rdma_user_rxe.h>

#include <array>
#include <cstring>

namespace hyv::broker {
namespace {

static_assert(sizeof(mminfo) == kQueueInfoSize);
static_assert(offsetof(mminfo, offset) == 0 && offsetof(mminfo, size) == 8);

constexpr std::array<uint16_t, 1> kRxeCq{offsetof(rxe_create_cq_resp, mi)};
constexpr std::array<uint16_t, 1> kRxeResizeCq{offsetof(rxe_resize_cq_resp, mi)};
constexpr std::array<uint16_t, 2> kRxeQp{offsetof(rxe_create_qp_resp, rq_mi),
					 offsetof(rxe_create_qp_resp, sq_mi)};
constexpr std::array<uint16_t, 1> kRxeSrq{offsetof(rxe_create_srq_resp, mi)};

std::span<const uint16_t> rxe_queue_infos(uint32_t command)
{
	switch (command) {
	case IB_USER_VERBS_CMD_CREATE_CQ:
		return kRxeCq;
	case IB_USER_VERBS_CMD_RESIZE_CQ:
		return kRxeResizeCq;
	case IB_USER_VERBS_CMD_CREATE_QP:
		return kRxeQp;
	case IB_USER_VERBS_CMD_CREATE_SRQ:
		return kRxeSrq;
	default:
		return {};
	}
}

// rxe's MODIFY_SRQ (resizing) copies the new queue's mminfo to
// rxe_modify_srq_cmd.mmap_info_addr, a pointer of the caller's.
std::optional<uint16_t> rxe_queue_info_pointer(uint32_t command)
{
	if (command == IB_USER_VERBS_CMD_MODIFY_SRQ)
		return offsetof(rxe_modify_srq_cmd, mmap_info_addr);
	return std::nullopt;
}

constexpr DriverPersonality kRxe{
	.name = "rxe",
	.queue_infos = rxe_queue_infos,
	.queue_info_pointer = rxe_queue_info_pointer,
};

} // namespace

const DriverPersonality *personality_for(uint32_t driver_id)
{
	if (driver_id == RDMA_DRIVER_RXE)
		return &kRxe;
	return nullptr;
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

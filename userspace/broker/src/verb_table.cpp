// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/verb_table.hpp>

#include <rdma/ib_user_verbs.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>

namespace hyv::broker {
namespace {

// The wire is the uverbs layout in little-endian: hyvd copies it verbatim.
static_assert(std::endian::native == std::endian::little);

#define HYV_RESP_FIRST(type, field) static_assert(offsetof(type, field) == 0)
HYV_RESP_FIRST(ib_uverbs_alloc_pd_resp, pd_handle);
HYV_RESP_FIRST(ib_uverbs_create_cq_resp, cq_handle);
HYV_RESP_FIRST(ib_uverbs_create_qp_resp, qp_handle);
HYV_RESP_FIRST(ib_uverbs_create_srq_resp, srq_handle);
HYV_RESP_FIRST(ib_uverbs_create_ah_resp, ah_handle);
#undef HYV_RESP_FIRST

constexpr int16_t kNone = -1;

template <typename Cmd>
constexpr uint16_t size_of()
{
	return static_cast<uint16_t>(sizeof(Cmd));
}

#define HYV_AT(type, field) static_cast<int16_t>(offsetof(type, field))

using E = VerbEffect;
using K = ObjectKind;

// clang-format off
constexpr std::array kTable{
	VerbSpec{IB_USER_VERBS_CMD_ALLOC_PD, "ALLOC_PD", size_of<ib_uverbs_alloc_pd>(),
		 size_of<ib_uverbs_alloc_pd_resp>(), kNone, kNone, E::create, K::pd, kNone},
	VerbSpec{IB_USER_VERBS_CMD_DEALLOC_PD, "DEALLOC_PD", size_of<ib_uverbs_dealloc_pd>(), 0,
		 kNone, kNone, E::destroy, K::pd, HYV_AT(ib_uverbs_dealloc_pd, pd_handle)},
	VerbSpec{IB_USER_VERBS_CMD_DEREG_MR, "DEREG_MR", size_of<ib_uverbs_dereg_mr>(), 0,
		 kNone, kNone, E::destroy, K::mr, HYV_AT(ib_uverbs_dereg_mr, mr_handle)},
	VerbSpec{IB_USER_VERBS_CMD_CREATE_CQ, "CREATE_CQ", size_of<ib_uverbs_create_cq>(),
		 size_of<ib_uverbs_create_cq_resp>(), HYV_AT(ib_uverbs_create_cq, user_handle),
		 HYV_AT(ib_uverbs_create_cq, comp_channel), E::create, K::cq, kNone},
	VerbSpec{IB_USER_VERBS_CMD_RESIZE_CQ, "RESIZE_CQ", size_of<ib_uverbs_resize_cq>(),
		 size_of<ib_uverbs_resize_cq_resp>(), kNone, kNone, E::requeue, K::cq,
		 HYV_AT(ib_uverbs_resize_cq, cq_handle)},
	VerbSpec{IB_USER_VERBS_CMD_DESTROY_CQ, "DESTROY_CQ", size_of<ib_uverbs_destroy_cq>(),
		 size_of<ib_uverbs_destroy_cq_resp>(), kNone, kNone, E::destroy, K::cq,
		 HYV_AT(ib_uverbs_destroy_cq, cq_handle)},
	VerbSpec{IB_USER_VERBS_CMD_REQ_NOTIFY_CQ, "REQ_NOTIFY_CQ",
		 size_of<ib_uverbs_req_notify_cq>(), 0, kNone, kNone, E::none, K::cq,
		 HYV_AT(ib_uverbs_req_notify_cq, cq_handle)},
	VerbSpec{IB_USER_VERBS_CMD_CREATE_QP, "CREATE_QP", size_of<ib_uverbs_create_qp>(),
		 size_of<ib_uverbs_create_qp_resp>(), HYV_AT(ib_uverbs_create_qp, user_handle),
		 kNone, E::create, K::qp, kNone},
	VerbSpec{IB_USER_VERBS_CMD_QUERY_QP, "QUERY_QP", size_of<ib_uverbs_query_qp>(),
		 size_of<ib_uverbs_query_qp_resp>(), kNone, kNone, E::none, K::qp,
		 HYV_AT(ib_uverbs_query_qp, qp_handle)},
	VerbSpec{IB_USER_VERBS_CMD_MODIFY_QP, "MODIFY_QP", size_of<ib_uverbs_modify_qp>(), 0,
		 kNone, kNone, E::none, K::qp, HYV_AT(ib_uverbs_modify_qp, qp_handle)},
	VerbSpec{IB_USER_VERBS_CMD_DESTROY_QP, "DESTROY_QP", size_of<ib_uverbs_destroy_qp>(),
		 size_of<ib_uverbs_destroy_qp_resp>(), kNone, kNone, E::destroy, K::qp,
		 HYV_AT(ib_uverbs_destroy_qp, qp_handle)},
	VerbSpec{IB_USER_VERBS_CMD_CREATE_SRQ, "CREATE_SRQ", size_of<ib_uverbs_create_srq>(),
		 size_of<ib_uverbs_create_srq_resp>(), HYV_AT(ib_uverbs_create_srq, user_handle),
		 kNone, E::create, K::srq, kNone},
	VerbSpec{IB_USER_VERBS_CMD_MODIFY_SRQ, "MODIFY_SRQ", size_of<ib_uverbs_modify_srq>(), 0,
		 kNone, kNone, E::requeue, K::srq, HYV_AT(ib_uverbs_modify_srq, srq_handle)},
	VerbSpec{IB_USER_VERBS_CMD_QUERY_SRQ, "QUERY_SRQ", size_of<ib_uverbs_query_srq>(),
		 size_of<ib_uverbs_query_srq_resp>(), kNone, kNone, E::none, K::srq,
		 HYV_AT(ib_uverbs_query_srq, srq_handle)},
	VerbSpec{IB_USER_VERBS_CMD_DESTROY_SRQ, "DESTROY_SRQ", size_of<ib_uverbs_destroy_srq>(),
		 size_of<ib_uverbs_destroy_srq_resp>(), kNone, kNone, E::destroy, K::srq,
		 HYV_AT(ib_uverbs_destroy_srq, srq_handle)},
	VerbSpec{IB_USER_VERBS_CMD_CREATE_AH, "CREATE_AH", size_of<ib_uverbs_create_ah>(),
		 size_of<ib_uverbs_create_ah_resp>(), HYV_AT(ib_uverbs_create_ah, user_handle),
		 kNone, E::create, K::ah, kNone},
	VerbSpec{IB_USER_VERBS_CMD_DESTROY_AH, "DESTROY_AH", size_of<ib_uverbs_destroy_ah>(), 0,
		 kNone, kNone, E::destroy, K::ah, HYV_AT(ib_uverbs_destroy_ah, ah_handle)},
};
// clang-format on
#undef HYV_AT

// Legacy writes count in 4-byte words; a response pointer is a u64 first.
constexpr bool well_formed(const VerbSpec &spec)
{
	return spec.cmd_size % 4 == 0 && spec.resp_size % 4 == 0 &&
	       (spec.resp_size == 0 || spec.cmd_size >= 8) &&
	       (spec.effect == E::create) == (spec.handle_at == kNone);
}
static_assert(std::ranges::all_of(kTable, well_formed));

} // namespace

const char *object_kind_plural(ObjectKind kind)
{
	switch (kind) {
	case ObjectKind::pd:
		return "pds";
	case ObjectKind::mr:
		return "mrs";
	case ObjectKind::cq:
		return "cqs";
	case ObjectKind::qp:
		return "qps";
	case ObjectKind::srq:
		return "srqs";
	case ObjectKind::ah:
		return "ahs";
	}
	return "unknown";
}

const VerbSpec *find_verb(uint32_t command)
{
	const auto it = std::ranges::find(kTable, command, &VerbSpec::command);
	return it == kTable.end() ? nullptr : &*it;
}

const VerbSpec &destroy_verb(ObjectKind kind)
{
	// Every kind has one: the table is fixed and checked by the tests.
	return *std::ranges::find_if(kTable, [kind](const VerbSpec &spec) {
		return spec.effect == VerbEffect::destroy && spec.kind == kind;
	});
}

std::span<const VerbSpec> verb_table()
{
	return kTable;
}

} // namespace hyv::broker

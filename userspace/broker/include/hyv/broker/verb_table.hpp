// SPDX-License-Identifier: GPL-2.0
// The uverbs commands VIRTIO_HYV_OP_VERB carries (protocol 1.2), each with
// the facts hyvd needs to run it as a legacy write() on the context's host
// uverbs file: the core request and response sizes of <rdma/ib_user_verbs.h>,
// which fields hyvd supplies, and which host object it makes or ends.
// Every core request with a response starts with its `response' pointer,
// every create's response with the new handle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace hyv::broker {

enum class ObjectKind : uint8_t { pd, mr, cq, qp, srq, ah };
inline constexpr std::size_t kObjectKinds = 6;

// "pds", "mrs", ... (the hyvctl field names).
const char *object_kind_plural(ObjectKind kind);

enum class VerbEffect : uint8_t {
	none,
	create,		// a new `kind' object, its handle first in the response
	destroy,	// ends the `kind' object at handle_at
	requeue,	// may replace the queue of the `kind' object at handle_at
};

struct VerbSpec {
	uint32_t command;		// IB_USER_VERBS_CMD_*
	const char *name;
	uint16_t cmd_size;		// sizeof(struct ib_uverbs_<cmd>)
	uint16_t resp_size;		// of the core response; 0: no response pointer
	int16_t user_handle_at;		// where hyvd puts its user_handle, or -1
	int16_t comp_channel_at;	// where hyvd puts its comp channel fd, or -1
	VerbEffect effect;
	ObjectKind kind;
	int16_t handle_at;		// the object's handle in the request, or -1
};

// The command's entry; nullptr for those 1.2 does not carry (EOPNOTSUPP).
const VerbSpec *find_verb(uint32_t command);

// The command that destroys a `kind' object.
const VerbSpec &destroy_verb(ObjectKind kind);

std::span<const VerbSpec> verb_table();

} // namespace hyv::broker

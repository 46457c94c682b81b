// SPDX-License-Identifier: GPL-2.0
// What hyvd must know of a host driver to run its verbs for a guest: which
// uverbs commands it runs at all, and for each the exact layout of the
// driver's private data (udata) in and out: which request fields are
// values the host driver checks itself, which must be zero, which are
// user pointers hyvd replaces with its own memory, where the answer names
// a queue the user mmap()s.  A driver has a personality only when every
// field of every command hyvd runs for it is known; hyvd offers guests
// only such drivers' devices (rxe and siw today).
//
// Nothing a guest sends reaches the host driver as a user address: the
// host kernel would pin or write hyvd's own memory at it.  A field the
// host driver takes as an address is either replaced (own_queue_info) or
// refuses its command (address).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>

namespace hyv::broker {

// A queue as rxe names it (struct mminfo of <rdma/rdma_user_rxe.h>).
struct QueueInfo {
	uint64_t offset = 0;	// mmap offset on the host uverbs file
	uint32_t size = 0;	// bytes; 0: no queue
};

inline constexpr std::size_t kQueueInfoSize = 16;

// How hyvd treats one field of request driver data.
enum class UdataCheck : uint8_t {
	value,		// a number the host driver checks itself, never an address
	zero,		// reserved or padding: must be 0
	own_queue_info,	// a user pointer the host driver writes one QueueInfo to
			// (rxe MODIFY_SRQ): hyvd's buffer replaces the guest's
	address,	// a user address the host driver would pin or write:
			// its command is refused
};

struct UdataField {
	const char *name;
	uint16_t offset;
	uint16_t size;
	UdataCheck check;
};

// One uverbs command a personality runs.
struct CommandRule {
	uint32_t command;		// IB_USER_VERBS_CMD_*
	uint16_t udata_in;		// the request's driver data: exactly this
	std::span<const UdataField> fields;	// covering udata_in in order
	// The host driver's answer: the host gets exactly this room, the
	// guest must offer at least as much.
	uint16_t udata_out;
	std::span<const uint16_t> queue_infos;	// QueueInfos in the answer
};

struct DriverPersonality {
	const char *name;
	uint32_t driver_id;		// enum rdma_driver_id
	CommandRule context;		// GET_CONTEXT (CREATE_CONTEXT of the guest)
	std::span<const CommandRule> commands;
	uint32_t qp_types;		// 1 << enum ib_uverbs_qp_type a QP may have

	// The rule of `command`; nullptr for commands it does not run.
	const CommandRule *rule(uint32_t command) const;
	bool allows_qp_type(uint8_t qp_type) const
	{
		return qp_type < 32 && (qp_types >> qp_type & 1);
	}
};

// The driver's personality; nullptr for drivers hyvd does not offer.
const DriverPersonality *personality_for(uint32_t driver_id);

// Why a request is refused: the errno the guest gets and words for the log.
struct UdataRefusal {
	std::error_code error;
	std::string reason;
};

// Checks a request's driver data and the guest's room for the answer
// against `rule`: lengths (EINVAL), zero fields (EINVAL), address fields
// (EOPNOTSUPP).
std::optional<UdataRefusal> check_udata(const CommandRule &rule, std::span<const std::byte> udata,
					uint32_t resp_udata_max);

// Where `rule`'s request holds an own_queue_info pointer, if it does.
std::optional<uint16_t> queue_info_pointer(const CommandRule &rule);

// Every field of every rule in range, in order, covering its udata_in;
// own_queue_info fields 8 bytes wide.  The built-in personalities are
// checked at compile time, fakes by their tests.
bool well_formed(const DriverPersonality &personality);

// The QueueInfo at `offset` of driver data; nullopt when it does not fit.
std::optional<QueueInfo> read_queue_info(std::span<const std::byte> udata, std::size_t offset);

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
// What hyvd must know of a host driver's private data (udata) to show its
// queues to the guest: where the driver's answer names a queue the user
// mmap()s, and user pointers hidden in its requests.  One table per driver;
// rxe today, siw later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace hyv::broker {

// A queue as rxe names it (struct mminfo of <rdma/rdma_user_rxe.h>).
struct QueueInfo {
	uint64_t offset = 0;	// mmap offset on the host uverbs file
	uint32_t size = 0;	// bytes; 0: no queue
};

inline constexpr std::size_t kQueueInfoSize = 16;

struct DriverPersonality {
	const char *name;
	// Where the response driver data of `command` holds QueueInfos.
	std::span<const uint16_t> (*queue_infos)(uint32_t command);
	// Where the request driver data of `command` holds a user pointer to
	// which the host driver writes one QueueInfo (rxe MODIFY_SRQ), if it
	// does.
	std::optional<uint16_t> (*queue_info_pointer)(uint32_t command);
};

// The driver's personality; nullptr for drivers whose queues hyvd cannot
// map (their commands run, without queue maps).
const DriverPersonality *personality_for(uint32_t driver_id);

// The QueueInfo at `offset` of driver data; nullopt when it does not fit.
std::optional<QueueInfo> read_queue_info(std::span<const std::byte> udata, std::size_t offset);

} // namespace hyv::broker

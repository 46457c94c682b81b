// SPDX-License-Identifier: GPL-2.0
// Requests to and replies from the kernel's rdma netlink "nldev" interface
// (<rdma/rdma_netlink.h>), as bytes: building and parsing only, no sockets.
// Replies come from the kernel but are still parsed defensively: every
// length is checked before it is used.
#pragma once

#include <hyv/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hyv::broker::netlink {

struct DumpedDevice {
	uint32_t index = 0;
	std::string name;
	uint64_t node_guid = 0;
};

// RDMA_NLDEV_CMD_GET as a dump of every device.
std::vector<std::byte> build_device_dump_request(uint32_t seq);

// RDMA_NLDEV_CMD_GET_CHARDEV for the "uverbs" client of one device.
std::vector<std::byte> build_uverbs_chardev_request(uint32_t seq, uint32_t dev_index);

// Adds the devices of one dump datagram to `devices`; true once the dump's
// NLMSG_DONE was seen.  Messages of another sequence number are skipped.
Result<bool> parse_device_dump(std::span<const std::byte> datagram, uint32_t seq,
			       std::vector<DumpedDevice> &devices);

// The answer to build_uverbs_chardev_request.
struct UverbsChardev {
	std::string name;			// "uverbs0"
	uint64_t dev = 0;			// its dev_t
	std::optional<uint32_t> driver_id;	// nullopt: the driver opts out of
						// driver_id binding
};

// Fails with bad_message for a reply without the chardev's name and
// number; a kernel error (e.g. ENOENT without ib_uverbs) comes back as that
// errno, a datagram without the answer as no_message.
Result<UverbsChardev> parse_uverbs_chardev_reply(std::span<const std::byte> datagram,
						 uint32_t seq);

} // namespace hyv::broker::netlink

// SPDX-License-Identifier: GPL-2.0
// Encoding of control responses (the device-writable part of a chain) and of
// events.  Each response encoder writes into `out`, which holds at most the
// bytes the guest made writable, and returns how many bytes it used; one
// that cannot fit its whole answer fails with message_size (EMSGSIZE), the
// guest never gets a silently shortened table.
//
// Host attributes come in as the host's uverbs ABI structures
// (<rdma/ib_user_verbs.h>, host byte order); the wire carries them
// little-endian, field by field.
#pragma once

#include <hyv/proto/device_info.hpp>
#include <hyv/result.hpp>

#include <rdma/ib_user_ioctl_verbs.h>
#include <rdma/ib_user_verbs.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>

namespace hyv::proto {

// One valid entry of a port's GID table.
struct GidEntry {
	std::array<uint8_t, 16> gid{};
	uint32_t index = 0;
	uint32_t type = 0;	// enum ib_uverbs_gid_type

	bool operator==(const GidEntry &) const = default;
};

// A port's attributes: the uverbs QUERY_PORT answer as recent kernels give
// it (struct ib_uverbs_query_port_resp_ex with active_speed_ex).  hyv's own
// because the uapi headers of Debian 12 (Linux 6.1) predate active_speed_ex,
// which the wire carries whatever the build host's headers say.
struct PortAttr {
	ib_uverbs_query_port_resp legacy_resp{};
	uint16_t port_cap_flags2 = 0;
	uint32_t active_speed_ex = 0;
};

// The wire status for an error: its errno value when it is one, else EIO.
uint32_t wire_status(std::error_code error);

// A response that is only a header.  Fails with no_buffer_space when `out`
// cannot hold struct virtio_hyv_resp_hdr.
Result<std::size_t> encode_status_response(std::span<std::byte> out, uint32_t status);

// The successful HELLO answer: our version and `devices`.  Fails with
// invalid_argument for more than VIRTIO_HYV_MAX_DEVICES devices or a name
// that does not fit the wire.
Result<std::size_t> encode_hello_response(std::span<std::byte> out,
					  std::span<const DeviceInfo> devices);

// QUERY_DEVICE: the attributes, the sysfs firmware version (cut to leave
// its terminating NUL) and the completion vectors of a host context.  The
// ABI's 32-bit device_cap_flags, its reserved bytes and comp_mask are not
// forwarded (reserved on the wire).
Result<std::size_t> encode_query_device_response(std::span<std::byte> out,
						 const ib_uverbs_ex_query_device_resp &attr,
						 std::string_view fw_ver,
						 uint32_t num_comp_vectors);

Result<std::size_t> encode_query_port_response(std::span<std::byte> out,
					       const PortAttr &attr);

Result<std::size_t> encode_gid_table_response(std::span<std::byte> out,
					      std::span<const GidEntry> entries);

Result<std::size_t> encode_pkey_table_response(std::span<std::byte> out,
					       std::span<const uint16_t> pkeys);

Result<std::size_t> encode_create_context_response(std::span<std::byte> out,
						   uint32_t ctx_handle,
						   uint32_t num_comp_vectors,
						   std::span<const std::byte> udata);

// The size of CREATE_CONTEXT's answer before its udata.
std::size_t create_context_response_size();

// A host queue placed in shared-memory region 0 (struct
// virtio_hyv_queue_map).
struct QueueMapInfo {
	uint64_t mmap_offset = 0;
	uint64_t shm_offset = 0;
	uint64_t length = 0;
};

// The size of VERB's answer before its payload.
std::size_t verb_response_size();

// VERB: the core response and driver data as the host kernel wrote them
// (the uverbs layout, already little-endian), and at most
// VIRTIO_HYV_MAX_QUEUE_MAPS maps (invalid_argument beyond).
Result<std::size_t> encode_verb_response(std::span<std::byte> out,
					 std::span<const std::byte> core,
					 std::span<const std::byte> udata,
					 std::span<const QueueMapInfo> maps);

std::size_t reg_mr_response_size();

Result<std::size_t> encode_reg_mr_response(std::span<std::byte> out, uint32_t mr_handle,
					   uint32_t lkey, uint32_t rkey,
					   std::span<const std::byte> udata);

// Events for the guest's eventq, VIRTIO_HYV_EVENT_SIZE bytes each.
using Event = std::array<std::byte, 128>;

Event encode_broker_up_event();
Event encode_device_added_event(const DeviceInfo &device);
Event encode_device_removed_event(uint32_t dev_id);
Event encode_completion_event(uint32_t ctx_handle, uint32_t cq_handle);
// `handle`: the host handle of the QP, CQ or SRQ, or the port number.
Event encode_async_event(uint32_t ctx_handle, uint32_t event_type, uint32_t handle);

} // namespace hyv::proto

// SPDX-License-Identifier: GPL-2.0
// Framing of the vhost_hyv relay fd (see <linux/vhost_hyv.h>): one read()
// yields struct vhost_hyv_relay_req plus the guest's request bytes, one
// write() carries struct vhost_hyv_relay_resp plus the response bytes.
// The relay headers are a host kernel ABI, in the host's byte order.
#pragma once

#include <hyv/result.hpp>

#include <linux/vhost_hyv.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace hyv::proto {

inline constexpr std::size_t kRelayRequestHeaderSize = sizeof(vhost_hyv_relay_req);
inline constexpr std::size_t kRelayResponseHeaderSize = sizeof(vhost_hyv_relay_resp);
inline constexpr std::size_t kRelayReadBufferSize = VHOST_HYV_RELAY_BUF_SIZE;
inline constexpr std::size_t kRelayWriteBufferSize =
	kRelayResponseHeaderSize + VIRTIO_HYV_MAX_RESP_SIZE;

struct RelayHeader {
	uint64_t id = 0;
	uint32_t req_len = 0;
	// Device-writable bytes in the guest's chain, capped at
	// VIRTIO_HYV_MAX_RESP_SIZE (vhost_hyv never offers more).
	uint32_t resp_max = 0;
};

struct RelayRequest {
	RelayHeader header;
	std::span<const std::byte> request;	// starts with virtio_hyv_req_hdr
};

// The header of a frame, if the frame is long enough to hold one; enough
// to answer even a frame that decode_relay_request rejects.
std::optional<RelayHeader> decode_relay_header(std::span<const std::byte> frame);

// Fails with bad_message when the frame is shorter than its header, or its
// req_len disagrees with the bytes read or is above VIRTIO_HYV_MAX_REQ_SIZE.
Result<RelayRequest> decode_relay_request(std::span<const std::byte> frame);

// Where a response body goes in a write buffer: after the relay header.
std::span<std::byte> relay_response_body(std::span<std::byte> frame);

// Writes the relay header for a body of `body_len` bytes already placed at
// relay_response_body(frame); returns the size of the whole write.
std::size_t finish_relay_response(std::span<std::byte> frame, uint64_t id,
				  std::size_t body_len);

// One event for the guest's eventq as a whole relay write: a response
// frame with id VHOST_HYV_RELAY_EVENT and the event as its body.
inline constexpr std::size_t kRelayEventFrameSize =
	kRelayResponseHeaderSize + VIRTIO_HYV_EVENT_SIZE;

std::array<std::byte, kRelayEventFrameSize>
encode_relay_event(std::span<const std::byte, VIRTIO_HYV_EVENT_SIZE> event);

} // namespace hyv::proto

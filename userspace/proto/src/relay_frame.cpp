// SPDX-License-Identifier: GPL-2.0
#include <hyv/proto/relay_frame.hpp>

#include <hyv/proto/byte_order.hpp>

#include <algorithm>
#include <cassert>

namespace hyv::proto {

static_assert(kRelayRequestHeaderSize == 16);
static_assert(kRelayResponseHeaderSize == 16);

std::optional<RelayHeader> decode_relay_header(std::span<const std::byte> frame)
{
	using Req = vhost_hyv_relay_req;

	if (frame.size() < kRelayRequestHeaderSize)
		return std::nullopt;
	return RelayHeader{
		.id = load_native<uint64_t>(frame, offsetof(Req, id)),
		.req_len = load_native<uint32_t>(frame, offsetof(Req, req_len)),
		.resp_max = std::min<uint32_t>(load_native<uint32_t>(frame, offsetof(Req, resp_max)),
					       VIRTIO_HYV_MAX_RESP_SIZE),
	};
}

Result<RelayRequest> decode_relay_request(std::span<const std::byte> frame)
{
	const auto header = decode_relay_header(frame);

	if (!header || header->req_len > VIRTIO_HYV_MAX_REQ_SIZE ||
	    header->req_len != frame.size() - kRelayRequestHeaderSize)
		return std::make_error_code(std::errc::bad_message);
	return RelayRequest{.header = *header, .request = frame.subspan(kRelayRequestHeaderSize)};
}

std::span<std::byte> relay_response_body(std::span<std::byte> frame)
{
	return frame.subspan(kRelayResponseHeaderSize);
}

std::size_t finish_relay_response(std::span<std::byte> frame, uint64_t id,
				  std::size_t body_len)
{
	using Resp = vhost_hyv_relay_resp;

	assert(body_len <= frame.size() - kRelayResponseHeaderSize);
	store_native<uint64_t>(frame, offsetof(Resp, id), id);
	store_native<uint32_t>(frame, offsetof(Resp, resp_len), static_cast<uint32_t>(body_len));
	store_native<uint32_t>(frame, offsetof(Resp, reserved), 0);
	return kRelayResponseHeaderSize + body_len;
}

std::array<std::byte, kRelayEventFrameSize>
encode_relay_event(std::span<const std::byte, VIRTIO_HYV_EVENT_SIZE> event)
{
	std::array<std::byte, kRelayEventFrameSize> frame{};

	std::ranges::copy(event, relay_response_body(frame).begin());
	finish_relay_response(frame, VHOST_HYV_RELAY_EVENT, event.size());
	return frame;
}

} // namespace hyv::proto

// SPDX-License-Identifier: GPL-2.0
// Fuzzes what a guest controls: a relay frame (vhost_hyv's header and the
// guest's request bytes) through the dispatcher hyvd runs, and checks the
// answer stays within what the chain offered.
#include <hyv/broker/request_dispatcher.hpp>
#include <hyv/proto/byte_order.hpp>
#include <hyv/proto/relay_frame.hpp>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <vector>

namespace {

const hyv::broker::RequestDispatcher &dispatcher()
{
	static const hyv::broker::RequestDispatcher instance(
		1, {{.dev_id = 0, .host = {.name = "rxe0", .driver_id = 14, .node_guid = 1}},
		    {.dev_id = 1, .host = {.name = "siw0", .driver_id = 18, .node_guid = 2}}});
	return instance;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
	spdlog::set_level(spdlog::level::off);
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	using namespace hyv::proto;

	const auto frame = std::as_bytes(std::span(data, size));
	std::vector<std::byte> out(kRelayWriteBufferSize);

	const auto len = dispatcher().handle(frame, out);
	const auto header = decode_relay_header(frame);
	if (!len) {
		if (header)
			std::abort();	// a frame that names its request is answered
		return 0;
	}
	const uint32_t resp_len = load_native<uint32_t>(out, 8);
	if (*len != kRelayResponseHeaderSize + resp_len || resp_len > header->resp_max ||
	    load_native<uint64_t>(out, 0) != header->id)
		std::abort();
	return 0;
}

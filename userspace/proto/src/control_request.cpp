// SPDX-License-Identifier: GPL-2.0
#include <hyv/proto/control_request.hpp>

#include <hyv/proto/byte_order.hpp>

#include <linux/virtio_hyv.h>

#include <cstddef>

namespace hyv::proto {
namespace {

std::error_code error(std::errc e)
{
	return std::make_error_code(e);
}

// A HELLO of another major version may have another layout, so the version
// is judged before the fields that follow it.
Result<ControlRequest> decode_hello(std::span<const std::byte> request)
{
	using Req = virtio_hyv_hello_req;

	if (request.size() != sizeof(Req))
		return error(std::errc::invalid_argument);

	HelloRequest hello{
		.major = load_le<uint16_t>(request, offsetof(Req, major)),
		.minor = load_le<uint16_t>(request, offsetof(Req, minor)),
	};
	if (hello.major != VIRTIO_HYV_VERSION_MAJOR)
		return error(std::errc::protocol_not_supported);
	if (load_le<uint32_t>(request, offsetof(Req, reserved)) != 0)
		return error(std::errc::invalid_argument);
	return ControlRequest{hello};
}

} // namespace

Result<ControlRequest> decode_control_request(std::span<const std::byte> request)
{
	using Hdr = virtio_hyv_req_hdr;

	if (request.size() < sizeof(Hdr))
		return error(std::errc::invalid_argument);
	if (load_le<uint16_t>(request, offsetof(Hdr, flags)) != 0 ||
	    load_le<uint32_t>(request, offsetof(Hdr, reserved)) != 0)
		return error(std::errc::invalid_argument);

	switch (load_le<uint16_t>(request, offsetof(Hdr, opcode))) {
	case VIRTIO_HYV_OP_HELLO:
		return decode_hello(request);
	default:
		return error(std::errc::operation_not_supported);
	}
}

} // namespace hyv::proto

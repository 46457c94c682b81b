// SPDX-License-Identifier: GPL-2.0
#include <hyv/proto/control_request.hpp>

#include <hyv/proto/byte_order.hpp>

#include <linux/virtio_hyv.h>

#include <cstddef>
#include <type_traits>

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

// The port requests share one layout; QUERY_DEVICE is the one with port 0.
template <typename T>
Result<ControlRequest> decode_port_request(std::span<const std::byte> request)
{
	using Req = virtio_hyv_port_req;

	if (request.size() != sizeof(Req))
		return error(std::errc::invalid_argument);
	const uint32_t dev_id = load_le<uint32_t>(request, offsetof(Req, dev_id));
	const uint32_t port = load_le<uint32_t>(request, offsetof(Req, port));
	if constexpr (std::is_same_v<T, QueryDeviceRequest>) {
		if (port != 0)
			return error(std::errc::invalid_argument);
		return ControlRequest{T{.dev_id = dev_id}};
	} else {
		if (port == 0)
			return error(std::errc::invalid_argument);
		return ControlRequest{T{.dev_id = dev_id, .port = port}};
	}
}

Result<ControlRequest> decode_create_context(std::span<const std::byte> request)
{
	using Req = virtio_hyv_create_context_req;

	if (request.size() < sizeof(Req))
		return error(std::errc::invalid_argument);
	const uint32_t udata_len = load_le<uint32_t>(request, offsetof(Req, udata_len));
	if (udata_len != request.size() - sizeof(Req) ||
	    load_le<uint32_t>(request, offsetof(Req, reserved)) != 0)
		return error(std::errc::invalid_argument);
	return ControlRequest{CreateContextRequest{
		.dev_id = load_le<uint32_t>(request, offsetof(Req, dev_id)),
		.resp_udata_max = load_le<uint32_t>(request, offsetof(Req, resp_udata_max)),
		.udata = request.subspan(sizeof(Req)),
	}};
}

Result<ControlRequest> decode_destroy_context(std::span<const std::byte> request)
{
	using Req = virtio_hyv_destroy_context_req;

	if (request.size() != sizeof(Req) ||
	    load_le<uint32_t>(request, offsetof(Req, reserved)) != 0)
		return error(std::errc::invalid_argument);
	return ControlRequest{DestroyContextRequest{
		.ctx_handle = load_le<uint32_t>(request, offsetof(Req, ctx_handle)),
	}};
}

Result<ControlRequest> decode_verb(std::span<const std::byte> request)
{
	using Req = virtio_hyv_verb_req;

	if (request.size() < sizeof(Req) || load_le<uint32_t>(request, offsetof(Req, reserved)) != 0)
		return error(std::errc::invalid_argument);
	const auto payload = request.subspan(sizeof(Req));
	const uint64_t cmd_len = load_le<uint32_t>(request, offsetof(Req, cmd_len));
	const uint64_t udata_len = load_le<uint32_t>(request, offsetof(Req, udata_len));
	if (cmd_len + udata_len != payload.size())
		return error(std::errc::invalid_argument);
	return ControlRequest{VerbRequest{
		.ctx_handle = load_le<uint32_t>(request, offsetof(Req, ctx_handle)),
		.command = load_le<uint32_t>(request, offsetof(Req, command)),
		.resp_udata_max = load_le<uint32_t>(request, offsetof(Req, resp_udata_max)),
		.core = payload.first(cmd_len),
		.udata = payload.subspan(cmd_len),
	}};
}

Result<ControlRequest> decode_reg_mr(std::span<const std::byte> request)
{
	using Req = virtio_hyv_reg_mr_req;

	if (request.size() < sizeof(Req))
		return error(std::errc::invalid_argument);
	const auto payload = request.subspan(sizeof(Req));
	const uint32_t num_runs = load_le<uint32_t>(request, offsetof(Req, num_runs));
	const uint64_t runs_len = uint64_t{num_runs} * sizeof(virtio_hyv_page_run);
	const uint64_t udata_len = load_le<uint32_t>(request, offsetof(Req, udata_len));
	if (runs_len + udata_len != payload.size())
		return error(std::errc::invalid_argument);
	return ControlRequest{RegMrRequest{
		.ctx_handle = load_le<uint32_t>(request, offsetof(Req, ctx_handle)),
		.pd_handle = load_le<uint32_t>(request, offsetof(Req, pd_handle)),
		.iova = load_le<uint64_t>(request, offsetof(Req, iova)),
		.length = load_le<uint64_t>(request, offsetof(Req, length)),
		.access_flags = load_le<uint32_t>(request, offsetof(Req, access_flags)),
		.num_runs = num_runs,
		.resp_udata_max = load_le<uint32_t>(request, offsetof(Req, resp_udata_max)),
		.runs = payload.first(runs_len),
		.udata = payload.subspan(runs_len),
	}};
}

Result<ControlRequest> decode_doorbell(std::span<const std::byte> request)
{
	using Req = virtio_hyv_doorbell_req;

	if (request.size() != sizeof(Req))
		return error(std::errc::invalid_argument);
	return ControlRequest{DoorbellRequest{
		.ctx_handle = load_le<uint32_t>(request, offsetof(Req, ctx_handle)),
		.qp_handle = load_le<uint32_t>(request, offsetof(Req, qp_handle)),
	}};
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
	case VIRTIO_HYV_OP_QUERY_DEVICE:
		return decode_port_request<QueryDeviceRequest>(request);
	case VIRTIO_HYV_OP_QUERY_PORT:
		return decode_port_request<QueryPortRequest>(request);
	case VIRTIO_HYV_OP_QUERY_GID_TABLE:
		return decode_port_request<QueryGidTableRequest>(request);
	case VIRTIO_HYV_OP_QUERY_PKEY_TABLE:
		return decode_port_request<QueryPkeyTableRequest>(request);
	case VIRTIO_HYV_OP_CREATE_CONTEXT:
		return decode_create_context(request);
	case VIRTIO_HYV_OP_DESTROY_CONTEXT:
		return decode_destroy_context(request);
	case VIRTIO_HYV_OP_VERB:
		return decode_verb(request);
	case VIRTIO_HYV_OP_REG_MR:
		return decode_reg_mr(request);
	case VIRTIO_HYV_OP_DOORBELL:
		return decode_doorbell(request);
	default:
		return error(std::errc::operation_not_supported);
	}
}

const char *opcode_name(uint16_t opcode)
{
	switch (opcode) {
	case VIRTIO_HYV_OP_HELLO:
		return "HELLO";
	case VIRTIO_HYV_OP_QUERY_DEVICE:
		return "QUERY_DEVICE";
	case VIRTIO_HYV_OP_QUERY_PORT:
		return "QUERY_PORT";
	case VIRTIO_HYV_OP_QUERY_GID_TABLE:
		return "QUERY_GID_TABLE";
	case VIRTIO_HYV_OP_QUERY_PKEY_TABLE:
		return "QUERY_PKEY_TABLE";
	case VIRTIO_HYV_OP_CREATE_CONTEXT:
		return "CREATE_CONTEXT";
	case VIRTIO_HYV_OP_DESTROY_CONTEXT:
		return "DESTROY_CONTEXT";
	case VIRTIO_HYV_OP_VERB:
		return "VERB";
	case VIRTIO_HYV_OP_REG_MR:
		return "REG_MR";
	case VIRTIO_HYV_OP_DOORBELL:
		return "DOORBELL";
	default:
		return "unknown";
	}
}

} // namespace hyv::proto

// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/request_dispatcher.hpp>

#include <hyv/proto/control_request.hpp>
#include <hyv/proto/control_response.hpp>
#include <hyv/proto/relay_frame.hpp>

#include <spdlog/spdlog.h>

#include <cassert>
#include <utility>

namespace hyv::broker {
namespace {

// Executes a decoded request; its result is the response body's size.
class Executor {
public:
	Executor(const std::vector<proto::VmDevice> &devices, std::span<std::byte> body)
		: devices_(devices), body_(body) {}

	Result<std::size_t> operator()(const proto::HelloRequest &)
	{
		return proto::encode_hello_response(body_, devices_);
	}

private:
	const std::vector<proto::VmDevice> &devices_;
	std::span<std::byte> body_;
};

} // namespace

RequestDispatcher::RequestDispatcher(uint32_t vm_id, std::vector<proto::VmDevice> devices)
	: vm_id_(vm_id), devices_(std::move(devices))
{
}

std::optional<std::size_t> RequestDispatcher::handle(std::span<const std::byte> frame,
						     std::span<std::byte> out) const
{
	assert(out.size() >= proto::kRelayWriteBufferSize);

	const auto header = proto::decode_relay_header(frame);
	if (!header) {
		spdlog::error("vm {}: relay frame of {} bytes has no complete header; dropped",
			      vm_id_, frame.size());
		return std::nullopt;
	}
	auto body = proto::relay_response_body(out).first(header->resp_max);

	Result<std::size_t> used = std::make_error_code(std::errc::invalid_argument);
	if (auto relayed = proto::decode_relay_request(frame); !relayed) {
		spdlog::error("vm {}: relay frame {} claims {} request bytes, carries {}",
			      vm_id_, header->id, header->req_len,
			      frame.size() - proto::kRelayRequestHeaderSize);
	} else if (auto request = proto::decode_control_request(relayed->request); !request) {
		used = request.error();
	} else {
		used = std::visit(Executor(devices_, body), *request);
	}

	const uint32_t status = proto::wire_status(used ? std::error_code{} : used.error());
	if (!used)
		used = proto::encode_status_response(body, status);
	if (!used) {
		// vhost_hyv completes chains without room for a header itself,
		// so only a broken relay gets here; answer it empty.
		spdlog::error("vm {}: request {} leaves {} response bytes, no room for a status",
			      vm_id_, header->id, header->resp_max);
		used = 0;
	}
	spdlog::debug("vm {}: request {} ({} bytes) -> status {}, {} bytes", vm_id_, header->id,
		      header->req_len, status, *used);
	return proto::finish_relay_response(out, header->id, *used);
}

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/request_dispatcher.hpp>

#include <hyv/broker/driver_personality.hpp>
#include <hyv/broker/verb_executor.hpp>
#include <hyv/proto/byte_order.hpp>
#include <hyv/proto/control_request.hpp>
#include <hyv/proto/control_response.hpp>
#include <hyv/proto/relay_frame.hpp>

#include <linux/virtio_hyv.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cassert>
#include <cerrno>
#include <utility>

namespace hyv::broker {
namespace {

std::error_code error(int value)
{
	return errno_code(value);
}

// Executes a decoded request; its result is the response body's size.
class Executor {
public:
	Executor(Vm &vm, std::span<std::byte> body) : vm_(vm), body_(body) {}

	Result<std::size_t> operator()(const proto::HelloRequest &)
	{
		auto size = proto::encode_hello_response(body_, vm_.device_infos());
		if (size)
			vm_.set_ready();
		return size;
	}

	Result<std::size_t> operator()(const proto::QueryDeviceRequest &req)
	{
		HostDevice *device = vm_.device(req.dev_id);
		if (!device)
			return error(ENODEV);
		auto attr = device->query_device();
		if (!attr)
			return attr.error();
		return proto::encode_query_device_response(body_, *attr, device->fw_ver(),
							   device->num_comp_vectors());
	}

	Result<std::size_t> operator()(const proto::QueryPortRequest &req)
	{
		auto device = port_device(req.dev_id, req.port);
		if (!device)
			return device.error();
		auto attr = (*device)->query_port(static_cast<uint8_t>(req.port));
		if (!attr)
			return attr.error();
		return proto::encode_query_port_response(body_, *attr);
	}

	Result<std::size_t> operator()(const proto::QueryGidTableRequest &req)
	{
		auto device = port_device(req.dev_id, req.port);
		if (!device)
			return device.error();
		auto table = (*device)->query_gid_table(static_cast<uint8_t>(req.port));
		if (!table)
			return table.error();
		return proto::encode_gid_table_response(body_, *table);
	}

	Result<std::size_t> operator()(const proto::QueryPkeyTableRequest &req)
	{
		auto device = port_device(req.dev_id, req.port);
		if (!device)
			return device.error();
		auto pkeys = (*device)->query_pkey_table(static_cast<uint8_t>(req.port));
		if (!pkeys)
			return pkeys.error();
		return proto::encode_pkey_table_response(body_, *pkeys);
	}

	Result<std::size_t> operator()(const proto::CreateContextRequest &req)
	{
		// The guest cannot ask for more udata than its chain has room.
		if (req.resp_udata_max > body_.size() ||
		    proto::create_context_response_size() > body_.size() - req.resp_udata_max)
			return error(EINVAL);
		HostDevice *device = vm_.device(req.dev_id);
		if (!device)
			return error(ENODEV);
		// Only a driver hyvd knows the driver data of runs anything.
		const DriverPersonality *personality =
			personality_for(device->scanned().driver_id);
		if (!personality)
			return refuse(device->name(),
				      {errno_code(EOPNOTSUPP),
				       fmt::format("no personality for driver {}",
						   driver_name(device->scanned().driver_id))});
		if (auto refusal = check_udata(personality->context, req.udata, req.resp_udata_max))
			return refuse(device->name(), std::move(*refusal));
		if (vm_.at_context_quota())
			return error(EDQUOT);

		auto created = device->create_context(req.udata, personality->context.udata_out);
		if (!created)
			return created.error();
		// The guest gets its whole room (in words), zero past the driver's
		// answer; a backend that answers more than asked is cut.
		created->udata.resize(req.resp_udata_max / 4 * 4);
		const uint32_t vectors = created->context.num_comp_vectors();
		auto handle = vm_.add_context(req.dev_id, std::move(created->context));
		if (!handle)
			return handle.error();
		spdlog::debug("context created {} ctx_handle={} device={}", vm_.log_name(), *handle,
			      device->name());
		return proto::encode_create_context_response(body_, *handle, vectors, created->udata);
	}

	Result<std::size_t> operator()(const proto::DestroyContextRequest &req)
	{
		if (auto ec = vm_.destroy_context(req.ctx_handle))
			return ec;
		spdlog::debug("context destroyed {} ctx_handle={}", vm_.log_name(), req.ctx_handle);
		return proto::encode_status_response(body_, VIRTIO_HYV_S_OK);
	}

	Result<std::size_t> operator()(const proto::VerbRequest &req)
	{
		VmContext *context = vm_.context(req.ctx_handle);
		if (!context)
			return error(EINVAL);
		return execute_verb(vm_, *context, req, body_);
	}

	Result<std::size_t> operator()(const proto::RegMrRequest &req)
	{
		VmContext *context = vm_.context(req.ctx_handle);
		if (!context)
			return error(EINVAL);
		return execute_reg_mr(vm_, *context, req, body_);
	}

	Result<std::size_t> operator()(const proto::DoorbellRequest &req)
	{
		VmContext *context = vm_.context(req.ctx_handle);
		if (!context)
			return error(EINVAL);
		if (auto ec = ring_doorbell(*context, req.qp_handle))
			return ec;
		return proto::encode_status_response(body_, VIRTIO_HYV_S_OK);
	}

private:
	std::error_code refuse(const std::string &device, UdataRefusal refusal)
	{
		if (uint64_t suppressed; vm_.may_log(suppressed))
			spdlog::warn("context refused {} device={} reason=\"{}\" suppressed={}",
				     vm_.log_name(), device, refusal.reason, suppressed);
		return refusal.error;
	}

	// The device of a port request, with `port` checked against it.
	Result<HostDevice *> port_device(uint32_t dev_id, uint32_t port)
	{
		HostDevice *device = vm_.device(dev_id);
		if (!device)
			return error(ENODEV);
		if (port > device->port_count())
			return error(EINVAL);
		return device;
	}

	Vm &vm_;
	std::span<std::byte> body_;
};

uint16_t opcode_of(std::span<const std::byte> request)
{
	if (request.size() < sizeof(virtio_hyv_req_hdr))
		return 0;
	return proto::load_le<uint16_t>(request, offsetof(virtio_hyv_req_hdr, opcode));
}

} // namespace

std::optional<std::size_t> dispatch_relay_frame(Vm &vm, std::span<const std::byte> frame,
						std::span<std::byte> out)
{
	assert(out.size() >= proto::kRelayWriteBufferSize);

	const auto header = proto::decode_relay_header(frame);
	if (!header) {
		spdlog::error("relay frame dropped {} bytes={} reason=\"no complete header\"",
			      vm.log_name(), frame.size());
		return std::nullopt;
	}
	if (header->id == VHOST_HYV_RELAY_RESET) {
		vm.reset_device();
		return std::nullopt;
	}
	auto body = proto::relay_response_body(out).first(header->resp_max);

	Result<std::size_t> used = error(EINVAL);
	uint16_t opcode = 0;
	if (auto relayed = proto::decode_relay_request(frame); !relayed) {
		spdlog::error("relay frame malformed {} id={} req_len={} carried={}", vm.log_name(),
			      header->id, header->req_len,
			      frame.size() - proto::kRelayRequestHeaderSize);
	} else if (auto request = proto::decode_control_request(relayed->request); !request) {
		opcode = opcode_of(relayed->request);
		used = request.error();
	} else {
		opcode = opcode_of(relayed->request);
		used = std::visit(Executor(vm, body), *request);
	}

	const uint32_t status = proto::wire_status(used ? std::error_code{} : used.error());
	if (!used)
		used = proto::encode_status_response(body, status);
	if (!used) {
		// vhost_hyv completes chains without room for a header itself,
		// so only a broken relay gets here; answer it empty.
		spdlog::error("relay frame without room for a status {} id={} resp_max={}",
			      vm.log_name(), header->id, header->resp_max);
		used = 0;
	}
	spdlog::debug("request vm={} id={} op={} len={} status={} resp_len={}", vm.id(),
		      header->id, proto::opcode_name(opcode), header->req_len, status, *used);
	return proto::finish_relay_response(out, header->id, *used);
}

} // namespace hyv::broker

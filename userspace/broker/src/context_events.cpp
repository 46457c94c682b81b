// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/context_events.hpp>

#include <hyv/proto/control_response.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <infiniband/verbs.h>
#include <rdma/ib_user_verbs.h>

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <memory>

namespace hyv::broker {
namespace {

using descriptor = asio::posix::stream_descriptor;

// Shared by the readers and the watch: the readers may resume after the
// context is gone (with operation_aborted) and must then touch nothing.
struct ReaderState {
	ReaderState(const asio::any_io_executor &executor) : comp(executor), async(executor) {}

	descriptor comp;
	descriptor async;
	bool stopped = false;
};

class Readers final : public ContextWatch {
public:
	explicit Readers(std::weak_ptr<ReaderState> state) : state_(std::move(state)) {}
	~Readers() override
	{
		if (auto state = state_.lock()) {
			state->stopped = true;
			boost::system::error_code ignored;
			state->comp.cancel(ignored);
			state->async.cancel(ignored);
		}
	}

private:
	std::weak_ptr<ReaderState> state_;
};

// The readers own duplicates, so the context keeps its own descriptors.
bool adopt(descriptor &to, int fd)
{
	if (fd < 0)
		return false;
	const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (copy < 0)
		return false;
	boost::system::error_code ec;
	to.assign(copy, ec);
	if (!ec)
		to.non_blocking(true, ec);
	return !ec;
}

std::optional<ObjectKind> event_object(uint32_t event_type)
{
	switch (event_type) {
	case IBV_EVENT_CQ_ERR:
		return ObjectKind::cq;
	case IBV_EVENT_QP_FATAL:
	case IBV_EVENT_QP_REQ_ERR:
	case IBV_EVENT_QP_ACCESS_ERR:
	case IBV_EVENT_COMM_EST:
	case IBV_EVENT_SQ_DRAINED:
	case IBV_EVENT_PATH_MIG:
	case IBV_EVENT_PATH_MIG_ERR:
	case IBV_EVENT_QP_LAST_WQE_REACHED:
		return ObjectKind::qp;
	case IBV_EVENT_SRQ_ERR:
	case IBV_EVENT_SRQ_LIMIT_REACHED:
		return ObjectKind::srq;
	default:
		return std::nullopt;
	}
}

awaitable<void> read_completions(std::shared_ptr<ReaderState> state, Vm &vm, VmContext &context,
				 uint32_t ctx_handle)
{
	for (;;) {
		ib_uverbs_comp_event_desc desc{};
		auto [ec, n] = co_await state->comp.async_read_some(asio::buffer(&desc, sizeof(desc)),
								    use_result);
		if (state->stopped)
			co_return;
		if (ec || n != sizeof(desc)) {
			spdlog::warn("completion events stop {} ctx_handle={} error=\"{}\"",
				     vm.log_name(), ctx_handle, ec.message());
			co_return;
		}
		const auto cq = context.by_user_handle(desc.cq_handle);
		if (!cq || cq->first != ObjectKind::cq)
			continue;	// a CQ destroyed since
		vm.send_event(proto::encode_completion_event(ctx_handle, cq->second));
	}
}

awaitable<void> read_async_events(std::shared_ptr<ReaderState> state, Vm &vm,
				  VmContext &context, uint32_t ctx_handle)
{
	for (;;) {
		ib_uverbs_async_event_desc desc{};
		auto [ec, n] = co_await state->async.async_read_some(
			asio::buffer(&desc, sizeof(desc)), use_result);
		if (state->stopped)
			co_return;
		if (ec || n != sizeof(desc)) {
			spdlog::warn("async events stop {} ctx_handle={} error=\"{}\"", vm.log_name(),
				     ctx_handle, ec.message());
			co_return;
		}
		const auto handle = async_event_handle(context, desc.event_type, desc.element);
		spdlog::debug("async event {} ctx_handle={} type={} element={} forwarded={}",
			      vm.log_name(), ctx_handle, desc.event_type, desc.element,
			      handle.has_value());
		if (handle)
			vm.send_event(proto::encode_async_event(ctx_handle, desc.event_type, *handle));
	}
}

} // namespace

std::optional<uint32_t> async_event_handle(const VmContext &context, uint32_t event_type,
					   uint64_t element)
{
	if (event_type == IBV_EVENT_WQ_FATAL)
		return std::nullopt;
	const auto kind = event_object(event_type);
	if (!kind)
		return static_cast<uint32_t>(element);	// a port number
	const auto object = context.by_user_handle(element);
	if (!object || object->first != *kind)
		return std::nullopt;
	return object->second;
}

Vm::ContextWatcher event_readers(asio::any_io_executor executor, Vm &vm)
{
	return [executor, &vm](uint32_t ctx_handle,
			       VmContext &context) -> std::unique_ptr<ContextWatch> {
		auto state = std::make_shared<ReaderState>(executor);
		if (adopt(state->comp, context.host().comp_fd()))
			asio::co_spawn(executor, read_completions(state, vm, context, ctx_handle),
				       asio::detached);
		if (adopt(state->async, context.host().async_fd()))
			asio::co_spawn(executor, read_async_events(state, vm, context, ctx_handle),
				       asio::detached);
		return std::make_unique<Readers>(state);
	};
}

} // namespace hyv::broker

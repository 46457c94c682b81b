// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/verb_executor.hpp>

#include <hyv/broker/driver_personality.hpp>
#include <hyv/broker/verb_table.hpp>
#include <hyv/proto/byte_order.hpp>
#include <hyv/proto/control_response.hpp>

#include <linux/virtio_hyv.h>
#include <rdma/ib_user_ioctl_verbs.h>
#include <rdma/ib_user_verbs.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace hyv::broker {
namespace {

using proto::load_le;
using proto::store_native;

constexpr std::size_t kWord = 4;
constexpr uint64_t kPage = VIRTIO_HYV_PAGE_SIZE;

std::size_t round_up_words(std::size_t bytes)
{
	return (bytes + kWord - 1) / kWord * kWord;
}

// One legacy write(): struct ib_uverbs_cmd_hdr, the core request, driver
// data padded to whole words; the response room (core response, then
// driver data out) apart.  Both in uint64_t storage: the kernel's
// structures are 8-byte aligned.
class LegacyCommand {
public:
	LegacyCommand(uint32_t command, std::span<const std::byte> core,
		      std::span<const std::byte> udata, std::size_t resp_size, std::size_t udata_out)
		: core_size_(core.size()), udata_size_(round_up_words(udata.size())),
		  resp_size_(resp_size), udata_out_(udata_out),
		  in_((in_size() + 7) / 8), out_((resp_size + udata_out + 7) / 8)
	{
		const ib_uverbs_cmd_hdr hdr{
			.command = command,
			.in_words = static_cast<uint16_t>(in_size() / kWord),
			.out_words = static_cast<uint16_t>((resp_size + udata_out) / kWord),
		};
		std::memcpy(in_bytes().data(), &hdr, sizeof(hdr));
		std::ranges::copy(core, this->core().begin());
		std::ranges::copy(udata, udata_in().begin());
		if (resp_size_)
			store_native<uint64_t>(this->core(), 0,
					       reinterpret_cast<uintptr_t>(out_.data()));
	}

	std::span<std::byte> core() { return in_bytes().subspan(sizeof(ib_uverbs_cmd_hdr), core_size_); }
	std::span<std::byte> udata_in()
	{
		return in_bytes().subspan(sizeof(ib_uverbs_cmd_hdr) + core_size_, udata_size_);
	}
	std::span<const std::byte> response() const { return out_bytes().first(resp_size_); }
	std::span<const std::byte> udata_out() const
	{
		return out_bytes().subspan(resp_size_, udata_out_);
	}

	std::error_code run(UverbsFile &file) { return file.write(in_bytes()); }

private:
	std::size_t in_size() const { return sizeof(ib_uverbs_cmd_hdr) + core_size_ + udata_size_; }
	std::span<std::byte> in_bytes()
	{
		return std::as_writable_bytes(std::span(in_)).first(in_size());
	}
	std::span<const std::byte> out_bytes() const
	{
		return std::as_bytes(std::span(out_)).first(resp_size_ + udata_out_);
	}

	std::size_t core_size_;
	std::size_t udata_size_;
	std::size_t resp_size_;
	std::size_t udata_out_;
	std::vector<uint64_t> in_;
	std::vector<uint64_t> out_;
};

// Undoes a create whose queues could not be shown to the guest.
void destroy_object(VmContext &context, ObjectKind kind, uint32_t handle)
{
	const VerbSpec &spec = destroy_verb(kind);
	std::array<std::byte, 64> core{};
	proto::store_le<uint32_t>(core, static_cast<std::size_t>(spec.handle_at), handle);
	LegacyCommand cmd(spec.command, std::span(core).first(spec.cmd_size), {}, spec.resp_size,
			  0);
	if (auto ec = cmd.run(context.host().file()))
		spdlog::warn("host object not destroyed kind={} handle={} error=\"{}\"",
			     object_kind_plural(kind), handle, ec.message());
}

// Each queue mmap()ed from the host uverbs file (hyvd is its one mapper)
// and placed in shared-memory region 0.
Result<std::vector<QueueMap>> map_queues(Vm &vm, VmContext &context,
					 std::span<const QueueInfo> infos)
{
	std::vector<QueueMap> queues;
	if (infos.empty())
		return queues;
	RelayMemory *relay = vm.relay_memory();
	if (!relay)
		return errno_code(ENXIO);
	for (const QueueInfo &info : infos) {
		auto view = context.host().file().map(info.offset, info.size);
		if (!view)
			return view.error();
		auto shm_offset = relay->shm_map(view->addr(), info.size);
		if (!shm_offset)
			return shm_offset.error();
		queues.push_back({.mmap_offset = info.offset,
				  .view = std::move(*view),
				  .slot = ShmSlot(*relay, *shm_offset)});
	}
	return queues;
}

std::vector<proto::QueueMapInfo> map_infos(const std::vector<QueueMap> &queues)
{
	std::vector<proto::QueueMapInfo> maps;
	for (const QueueMap &queue : queues)
		maps.push_back({.mmap_offset = queue.mmap_offset,
				.shm_offset = queue.slot.shm_offset(),
				.length = queue.view.length()});
	return maps;
}

// A request the personality does not allow: the guest gets the errno, the
// log a line (rate-limited: a guest can send these at will).
std::error_code refuse(Vm &vm, const DriverPersonality &personality, const char *command,
		       UdataRefusal refusal)
{
	if (uint64_t suppressed; vm.may_log(suppressed))
		spdlog::warn("verb refused {} driver={} command={} reason=\"{}\" suppressed={}",
			     vm.log_name(), personality.name, command, refusal.reason, suppressed);
	return refusal.error;
}

// The MR access flags a guest may ask for: access rights and relaxed
// ordering.  The window hyvd registers is pinned guest memory at hyvd's
// address; a mode that changes how the host pins or addresses it
// (on-demand paging, zero-based, huge pages, flush targets) or a flag
// this hyvd does not know is refused.
constexpr uint32_t kGuestMrAccess =
	IB_UVERBS_ACCESS_LOCAL_WRITE | IB_UVERBS_ACCESS_REMOTE_WRITE | IB_UVERBS_ACCESS_REMOTE_READ |
	IB_UVERBS_ACCESS_REMOTE_ATOMIC | IB_UVERBS_ACCESS_MW_BIND |
	IB_UVERBS_ACCESS_RELAXED_ORDERING;

// A create beyond the VM's quota of its kind: EDQUOT for the guest, and a
// line for the log (rate-limited: a guest can flood creates at will).
std::error_code over_quota(Vm &vm, ObjectKind kind)
{
	if (uint64_t suppressed; vm.may_log(suppressed))
		spdlog::warn("quota reached {} kind={} limit={} suppressed={}", vm.log_name(),
			     object_kind_plural(kind), vm.policy().max_objects_of(kind), suppressed);
	return errno_code(EDQUOT);
}

} // namespace

Result<std::size_t> execute_verb(Vm &vm, VmContext &context, const proto::VerbRequest &req,
				 std::span<std::byte> body)
{
	const VerbSpec *spec = find_verb(req.command);
	if (!spec)
		return errno_code(EOPNOTSUPP);
	const std::size_t fixed = proto::verb_response_size() + spec->resp_size;
	if (req.core.size() != spec->cmd_size || fixed > body.size() ||
	    req.resp_udata_max > body.size() - fixed)
		return errno_code(EINVAL);

	const DriverPersonality &personality = context.personality();
	const CommandRule *rule = personality.rule(req.command);
	if (!rule)
		return refuse(vm, personality, spec->name,
			      {std::make_error_code(std::errc::operation_not_supported),
			       "not a command of the driver"});
	if (auto refusal = check_udata(*rule, req.udata, req.resp_udata_max))
		return refuse(vm, personality, spec->name, std::move(*refusal));
	if (req.command == IB_USER_VERBS_CMD_CREATE_QP) {
		const auto type = load_le<uint8_t>(req.core, offsetof(ib_uverbs_create_qp, qp_type));
		if (!personality.allows_qp_type(type))
			return refuse(vm, personality, spec->name,
				      {std::make_error_code(std::errc::operation_not_supported),
				       fmt::format("QP type {} not allowed", type)});
	}

	if (spec->effect == VerbEffect::create && vm.at_object_quota(spec->kind))
		return over_quota(vm, spec->kind);

	const auto info_at = queue_info_pointer(*rule);
	// Driver data out exists only beside a core response; the host gets
	// room for exactly the driver's answer.
	const std::size_t udata_out = spec->resp_size ? rule->udata_out : 0;

	LegacyCommand cmd(spec->command, req.core, req.udata, spec->resp_size, udata_out);
	uint64_t user_handle = 0;
	if (spec->user_handle_at >= 0) {
		user_handle = context.next_user_handle();
		store_native<uint64_t>(cmd.core(), static_cast<std::size_t>(spec->user_handle_at),
				       user_handle);
	}
	if (spec->comp_channel_at >= 0)
		store_native<int32_t>(cmd.core(), static_cast<std::size_t>(spec->comp_channel_at),
				      context.host().comp_fd());
	// The host driver writes a QueueInfo here instead of the guest's
	// pointer; the guest gets it as driver data out.
	alignas(8) std::array<std::byte, kQueueInfoSize> info_out{};
	if (info_at)
		store_native<uint64_t>(cmd.udata_in(), *info_at,
				       reinterpret_cast<uintptr_t>(info_out.data()));

	if (auto ec = cmd.run(context.host().file()))
		return ec;

	std::vector<QueueInfo> infos;
	for (uint16_t at : rule->queue_infos) {
		const auto info = read_queue_info(cmd.udata_out(), at);
		if (info && info->size)
			infos.push_back(*info);
	}
	// The guest gets its whole room (in words), zero past the driver's
	// answer, as before the host was given exactly that answer's room.
	std::vector<std::byte> padded;
	if (spec->resp_size) {
		padded.assign(req.resp_udata_max / kWord * kWord, std::byte{});
		std::ranges::copy(cmd.udata_out(), padded.begin());
	}
	std::span<const std::byte> udata_answer = padded;
	if (info_at) {
		const auto info = read_queue_info(info_out, 0);
		if (info->size)
			infos.push_back(*info);
		udata_answer = req.resp_udata_max >= info_out.size() ? std::span(info_out)
								      : std::span<std::byte>();
	}

	const uint32_t handle =
		spec->effect == VerbEffect::create
			? proto::load_native<uint32_t>(cmd.response(), 0)
			: load_le<uint32_t>(req.core, static_cast<std::size_t>(std::max<int16_t>(
							      spec->handle_at, 0)));
	auto queues = map_queues(vm, context, infos);
	if (!queues) {
		if (uint64_t suppressed; vm.may_log(suppressed))
			spdlog::warn("queue not shown to the guest {} command={} handle={} "
				     "error=\"{}\" suppressed={}",
				     vm.log_name(), spec->name, handle, queues.error().message(),
				     suppressed);
		if (spec->effect == VerbEffect::create)
			destroy_object(context, spec->kind, handle);
		else if (HostObject *object = context.find(spec->kind, handle))
			object->queues.clear();	// the old queue is gone on the host
		return queues.error();
	}
	const auto maps = map_infos(*queues);

	switch (spec->effect) {
	case VerbEffect::create:
		context.add(spec->kind, handle,
			    HostObject{.user_handle = user_handle, .queues = std::move(*queues)});
		break;
	case VerbEffect::destroy:
		context.erase(spec->kind, handle);
		break;
	case VerbEffect::requeue:
		if (HostObject *object = context.find(spec->kind, handle); object && !maps.empty())
			object->queues = std::move(*queues);
		break;
	case VerbEffect::none:
		break;
	}
	return proto::encode_verb_response(body, cmd.response(), udata_answer, maps);
}

Result<std::size_t> execute_reg_mr(Vm &vm, VmContext &context, const proto::RegMrRequest &req,
				   std::span<std::byte> body)
{
	using Cmd = ib_uverbs_reg_mr;
	using Resp = ib_uverbs_reg_mr_resp;
	constexpr std::size_t kRunSize = sizeof(virtio_hyv_page_run);

	const std::size_t fixed = proto::reg_mr_response_size();
	if (fixed > body.size() || req.resp_udata_max > body.size() - fixed)
		return errno_code(EINVAL);
	const DriverPersonality &personality = context.personality();
	const CommandRule *rule = personality.rule(IB_USER_VERBS_CMD_REG_MR);
	if (!rule)
		return refuse(vm, personality, "REG_MR",
			      {std::make_error_code(std::errc::operation_not_supported),
			       "not a command of the driver"});
	if (auto refusal = check_udata(*rule, req.udata, req.resp_udata_max))
		return refuse(vm, personality, "REG_MR", std::move(*refusal));
	if (const uint32_t unsupported = req.access_flags & ~kGuestMrAccess)
		return refuse(vm, personality, "REG_MR",
			      {errno_code(EOPNOTSUPP),
			       fmt::format("access flags {:#x} not allowed", unsupported)});

	std::vector<PageRun> runs(req.num_runs);
	for (std::size_t i = 0; i < runs.size(); i++)
		runs[i] = {.gpa = load_le<uint64_t>(req.runs, i * kRunSize),
			   .num_pages = load_le<uint64_t>(req.runs, i * kRunSize + 8)};
	const auto pages = check_page_runs(runs, req.iova, req.length);
	if (!pages)
		return pages.error();
	if (vm.at_object_quota(ObjectKind::mr))
		return over_quota(vm, ObjectKind::mr);
	if (*pages > vm.policy().max_pinned_pages() ||
	    vm.pinned_pages() > vm.policy().max_pinned_pages() - *pages)
		return errno_code(EDQUOT);
	RelayMemory *relay = vm.relay_memory();
	if (!relay)
		return errno_code(ENXIO);

	constexpr uint32_t kWriting = IB_UVERBS_ACCESS_LOCAL_WRITE | IB_UVERBS_ACCESS_REMOTE_WRITE |
				      IB_UVERBS_ACCESS_REMOTE_ATOMIC;
	auto map = relay->map_guest(runs, (req.access_flags & kWriting) != 0);
	if (!map)
		return map.error();
	GuestWindow window(*relay, std::move(*map));
	if (window.length() != *pages * kPage)
		return errno_code(EIO);

	// The host maps the window; the device addresses it at the guest's
	// iova, which shares the in-page offset as REG_MR requires.
	Cmd core{};
	core.start = reinterpret_cast<uintptr_t>(window.data()) + req.iova % kPage;
	core.length = req.length;
	core.hca_va = req.iova;
	core.pd_handle = req.pd_handle;
	core.access_flags = req.access_flags;
	LegacyCommand cmd(IB_USER_VERBS_CMD_REG_MR, std::as_bytes(std::span(&core, 1)), req.udata,
			  sizeof(Resp), rule->udata_out);
	if (auto ec = cmd.run(context.host().file()))
		return ec;

	Resp resp;
	std::memcpy(&resp, cmd.response().data(), sizeof(resp));
	HostObject object;
	object.window.emplace(std::move(window));
	context.add(ObjectKind::mr, resp.mr_handle, std::move(object));
	return proto::encode_reg_mr_response(body, resp.mr_handle, resp.lkey, resp.rkey,
					     cmd.udata_out());
}

std::error_code ring_doorbell(VmContext &context, uint32_t qp_handle)
{
	// struct ib_uverbs_post_send ends in a flexible array: built in place.
	constexpr std::size_t kCoreAt = sizeof(ib_uverbs_cmd_hdr);
	alignas(8) std::array<std::byte, kCoreAt + sizeof(ib_uverbs_post_send)> command{};
	static_assert(command.size() % kWord == 0);
	ib_uverbs_post_send_resp resp{};

	const ib_uverbs_cmd_hdr hdr{
		.command = IB_USER_VERBS_CMD_POST_SEND,
		.in_words = command.size() / kWord,
		.out_words = sizeof(resp) / kWord,
	};
	std::memcpy(command.data(), &hdr, sizeof(hdr));
	using Cmd = ib_uverbs_post_send;
	store_native<uint64_t>(command, kCoreAt + offsetof(Cmd, response),
			       reinterpret_cast<uintptr_t>(&resp));
	store_native<uint32_t>(command, kCoreAt + offsetof(Cmd, qp_handle), qp_handle);
	store_native<uint32_t>(command, kCoreAt + offsetof(Cmd, wqe_size),
			       sizeof(ib_uverbs_send_wr));
	return context.host().file().write(command);
}

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/vm.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <numeric>

namespace hyv::broker {

std::string Vm::log_name() const
{
	return fmt::format("vm={} name={:?}", id_, labels_.name);
}

std::optional<bool> Vm::override_for(const std::string &device_name) const
{
	const auto it = overrides_.find(device_name);
	if (it == overrides_.end())
		return std::nullopt;
	return it->second;
}

void Vm::set_override(const std::string &device_name, bool attached)
{
	overrides_[device_name] = attached;
}

HostDevice *Vm::device(uint32_t dev_id) const
{
	const auto it = devices_.find(dev_id);
	return it == devices_.end() ? nullptr : it->second.get();
}

std::vector<proto::DeviceInfo> Vm::device_infos() const
{
	std::vector<proto::DeviceInfo> infos;
	for (const auto &[dev_id, device] : devices_)
		infos.push_back(device->info());
	return infos;
}

void Vm::set_devices(const std::vector<std::shared_ptr<HostDevice>> &wanted, bool announce)
{
	for (auto it = devices_.begin(); it != devices_.end();) {
		const bool keep = std::ranges::any_of(
			wanted, [&](const auto &device) { return device.get() == it->second.get(); });
		if (keep) {
			++it;
			continue;
		}
		const uint32_t dev_id = it->first;
		destroy_contexts_on(dev_id);
		it = devices_.erase(it);
		if (announce)
			send_event(proto::encode_device_removed_event(dev_id));
	}
	for (const auto &device : wanted) {
		if (devices_.contains(device->dev_id()))
			continue;
		devices_.emplace(device->dev_id(), device);
		if (announce)
			send_event(proto::encode_device_added_event(device->info()));
	}
}

void Vm::destroy_contexts_on(uint32_t dev_id)
{
	const auto gone = std::erase_if(contexts_, [&](const auto &entry) {
		return entry.second->dev_id() == dev_id;
	});
	if (gone)
		spdlog::debug("contexts destroyed {} dev_id={} count={}", log_name(), dev_id, gone);
}

void Vm::reset_device()
{
	const ObjectCounts objects = object_counts();
	const std::size_t contexts = contexts_.size();
	const uint64_t pinned = pinned_pages();

	contexts_.clear();
	state_ = State::connected;
	resets_++;
	spdlog::info("vm reset {} contexts={} objects={} pinned_pages={}", log_name(), contexts,
		     std::accumulate(objects.begin(), objects.end(), uint64_t{0}), pinned);
}

Result<uint32_t> Vm::add_context(uint32_t dev_id, HostContext context)
{
	if (at_context_quota())
		return errno_code(EDQUOT);
	// Only a device whose driver hyvd knows runs verbs for a guest.
	HostDevice *host_device = device(dev_id);
	const DriverPersonality *personality =
		host_device ? personality_for(host_device->scanned().driver_id) : nullptr;
	if (!personality)
		return errno_code(EOPNOTSUPP);
	// Handles are not reused soon: a stale handle of the guest must not
	// name a newer context.  0 is never handed out.
	do
		++last_ctx_handle_;
	while (last_ctx_handle_ == 0 || contexts_.contains(last_ctx_handle_));
	auto &added = contexts_[last_ctx_handle_];
	added = std::make_unique<VmContext>(dev_id, *personality, std::move(context));
	if (watcher_)
		added->set_watch(watcher_(last_ctx_handle_, *added));
	return last_ctx_handle_;
}

std::error_code Vm::destroy_context(uint32_t ctx_handle)
{
	if (!contexts_.erase(ctx_handle))
		return errno_code(EINVAL);
	return {};
}

VmContext *Vm::context(uint32_t ctx_handle) const
{
	const auto it = contexts_.find(ctx_handle);
	return it == contexts_.end() ? nullptr : it->second.get();
}

ObjectCounts Vm::object_counts() const
{
	ObjectCounts total{};
	for (const auto &[handle, context] : contexts_) {
		const ObjectCounts counts = context->counts();
		for (std::size_t i = 0; i < total.size(); i++)
			total[i] += counts[i];
	}
	return total;
}

uint64_t Vm::pinned_pages() const
{
	uint64_t pages = 0;
	for (const auto &[handle, context] : contexts_)
		pages += context->pinned_pages();
	return pages;
}

} // namespace hyv::broker

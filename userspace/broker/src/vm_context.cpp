// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/vm_context.hpp>

namespace hyv::broker {

VmContext::~VmContext()
{
	watch_.reset();
	for (auto &[key, object] : objects_)
		for (QueueMap &queue : object.queues)
			queue.slot.reset();
	host_.close();
	// objects_ goes now: queue views, then MR windows.
}

HostObject &VmContext::add(ObjectKind kind, uint32_t handle, HostObject object)
{
	const Key key{kind, handle};
	// The host gave the handle, so no object of ours holds it any more.
	erase(kind, handle);
	if (object.user_handle)
		by_user_handle_[object.user_handle] = key;
	counts_[static_cast<std::size_t>(kind)]++;
	return objects_.emplace(key, std::move(object)).first->second;
}

HostObject *VmContext::find(ObjectKind kind, uint32_t handle)
{
	const auto it = objects_.find({kind, handle});
	return it == objects_.end() ? nullptr : &it->second;
}

void VmContext::erase(ObjectKind kind, uint32_t handle)
{
	const auto it = objects_.find({kind, handle});
	if (it == objects_.end())
		return;
	by_user_handle_.erase(it->second.user_handle);
	objects_.erase(it);
	counts_[static_cast<std::size_t>(kind)]--;
}

std::optional<std::pair<ObjectKind, uint32_t>> VmContext::by_user_handle(uint64_t user_handle) const
{
	const auto it = by_user_handle_.find(user_handle);
	if (it == by_user_handle_.end())
		return std::nullopt;
	return it->second;
}

uint64_t VmContext::pinned_pages() const
{
	uint64_t pages = 0;
	for (const auto &[key, object] : objects_)
		if (object.window)
			pages += object.window->pages();
	return pages;
}

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/vm_registry.hpp>

#include <utility>

namespace hyv::broker {

VmRegistry::Registration::Registration(Registration &&other) noexcept
	: registry_(std::exchange(other.registry_, nullptr)), vm_id_(other.vm_id_)
{
}

VmRegistry::Registration::~Registration()
{
	if (registry_)
		registry_->vms_.erase(vm_id_);
}

VmInfo &VmRegistry::Registration::info()
{
	return registry_->vms_.at(vm_id_);
}

VmRegistry::Registration VmRegistry::add(VmInfo info)
{
	// vm_id 0 is never handed out; after a wrap ids still in use are skipped.
	do
		++last_vm_id_;
	while (last_vm_id_ == 0 || vms_.contains(last_vm_id_));

	info.vm_id = last_vm_id_;
	vms_.emplace(last_vm_id_, std::move(info));
	return Registration(*this, last_vm_id_);
}

std::vector<VmInfo> VmRegistry::list() const
{
	std::vector<VmInfo> out;

	out.reserve(vms_.size());
	for (const auto &[vm_id, info] : vms_)
		out.push_back(info);
	return out;
}

} // namespace hyv::broker

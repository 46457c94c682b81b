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

Vm &VmRegistry::Registration::vm() const
{
	return *registry_->vms_.at(vm_id_);
}

VmRegistry::Registration VmRegistry::add(VmLabels labels, VmPolicy policy, Vm::EventSink sink)
{
	// vm_id 0 is never handed out; after a wrap ids still in use are skipped.
	do
		++last_vm_id_;
	while (last_vm_id_ == 0 || vms_.contains(last_vm_id_));

	vms_.emplace(last_vm_id_, std::make_unique<Vm>(last_vm_id_, std::move(labels),
						       std::move(policy), std::move(sink)));
	return Registration(*this, last_vm_id_);
}

Vm *VmRegistry::find(uint32_t vm_id) const
{
	const auto it = vms_.find(vm_id);
	return it == vms_.end() ? nullptr : it->second.get();
}

std::vector<Vm *> VmRegistry::list() const
{
	std::vector<Vm *> out;

	out.reserve(vms_.size());
	for (const auto &[vm_id, vm] : vms_)
		out.push_back(vm.get());
	return out;
}

} // namespace hyv::broker

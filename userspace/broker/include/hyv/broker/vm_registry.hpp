// SPDX-License-Identifier: GPL-2.0
// The VMs hyvd currently serves.
//
// Locking: none.  hyvd runs one io_context on one thread; the registry and
// every Registration are used only from it.
#pragma once

#include <hyv/broker/vm.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

namespace hyv::broker {

class VmRegistry {
public:
	// A VM's entry for as long as the Registration lives; the VM, with
	// every host context it holds, goes with it.
	class Registration {
	public:
		Registration(Registration &&other) noexcept;
		Registration &operator=(Registration &&) = delete;
		Registration(const Registration &) = delete;
		Registration &operator=(const Registration &) = delete;
		~Registration();

		Vm &vm() const;
		uint32_t vm_id() const { return vm_id_; }

	private:
		friend class VmRegistry;
		Registration(VmRegistry &registry, uint32_t vm_id)
			: registry_(&registry), vm_id_(vm_id) {}

		VmRegistry *registry_;
		uint32_t vm_id_;
	};

	// Enters a VM under a new vm_id, never one in use.
	Registration add(VmLabels labels, VmPolicy policy, Vm::EventSink sink);

	Vm *find(uint32_t vm_id) const;

	// Every VM, by vm_id.
	std::vector<Vm *> list() const;

private:
	std::map<uint32_t, std::unique_ptr<Vm>> vms_;
	uint32_t last_vm_id_ = 0;
};

} // namespace hyv::broker

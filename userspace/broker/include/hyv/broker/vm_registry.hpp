// SPDX-License-Identifier: GPL-2.0
// The VMs hyvd currently serves, as hyvctl lists them.
//
// Locking: none.  hyvd runs one io_context on one thread; the registry and
// every Registration are used only from it.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hyv::broker {

struct VmInfo {
	uint32_t vm_id = 0;		// assigned by the registry
	pid_t pid = 0;			// from SO_PEERCRED
	uid_t uid = 0;			// from SO_PEERCRED
	std::string name;		// QEMU -name (label)
	std::array<uint8_t, 16> uuid{};	// QEMU -uuid (label)
	std::string device_id;		// qdev id (label)
	std::vector<std::string> devices;
	uint64_t requests = 0;		// relay requests received
};

class VmRegistry {
public:
	// A VM's entry for as long as the Registration lives.
	class Registration {
	public:
		Registration(Registration &&other) noexcept;
		Registration &operator=(Registration &&) = delete;
		Registration(const Registration &) = delete;
		Registration &operator=(const Registration &) = delete;
		~Registration();

		VmInfo &info();
		uint32_t vm_id() const { return vm_id_; }

	private:
		friend class VmRegistry;
		Registration(VmRegistry &registry, uint32_t vm_id)
			: registry_(&registry), vm_id_(vm_id) {}

		VmRegistry *registry_;
		uint32_t vm_id_;
	};

	// Enters `info` under a new vm_id, never one in use.
	Registration add(VmInfo info);

	// Every VM, by vm_id.
	std::vector<VmInfo> list() const;

private:
	std::map<uint32_t, VmInfo> vms_;
	uint32_t last_vm_id_ = 0;
};

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
// One VM hyvd serves: who it is, which host devices it has, the host user
// contexts it holds, and the way to its guest's event queue.
//
// Locking: none (one io_context, one thread).
#pragma once

#include <hyv/broker/config.hpp>
#include <hyv/broker/host_device.hpp>
#include <hyv/broker/relay_memory.hpp>
#include <hyv/broker/vm_context.hpp>
#include <hyv/log_rate_limit.hpp>
#include <hyv/proto/control_response.hpp>
#include <hyv/result.hpp>

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hyv::broker {

// What QEMU's HELLO and the broker socket say about a VM.
struct VmLabels {
	pid_t pid = 0;			// from SO_PEERCRED
	uid_t uid = 0;			// from SO_PEERCRED
	std::string name;		// QEMU -name
	std::array<uint8_t, 16> uuid{};	// QEMU -uuid
	std::string device_id;		// qdev id of the virtio-hyv-pci device
};

class Vm {
public:
	// Delivers one event to the VM's guest (a relay write); failures are
	// the sink's to log, the VM's state does not depend on delivery.
	using EventSink = std::function<void(const Vm &, const proto::Event &)>;

	enum class State {
		connected,	// QEMU connected; no HELLO from the guest driver yet
		ready,		// the guest driver completed HELLO
	};

	Vm(uint32_t vm_id, VmLabels labels, VmPolicy policy, EventSink sink)
		: id_(vm_id), labels_(std::move(labels)), policy_(std::move(policy)),
		  sink_(std::move(sink)) {}
	Vm(const Vm &) = delete;
	Vm &operator=(const Vm &) = delete;

	uint32_t id() const { return id_; }
	const VmLabels &labels() const { return labels_; }
	const VmPolicy &policy() const { return policy_; }
	// "vm=3 name=\"guest1\"" for log lines.
	std::string log_name() const;
	// Whether a log line the guest can cause at will may go out now (10
	// in 5 s per VM); if so, `suppressed` counts those left out before.
	bool may_log(uint64_t &suppressed) const
	{
		return guest_log_limit_.allow(LogRateLimit::Clock::now(), suppressed);
	}

	State state() const { return state_; }
	void set_ready() { state_ = State::ready; }
	uint64_t requests() const { return requests_; }
	void count_request() { requests_++; }

	// The guest reset its device (a driver's reset, a reboot, a function
	// reset; vhost_hyv's reset notice): every context goes, with all it
	// holds on the host, and the guest's next driver starts with HELLO.
	void reset_device();
	uint64_t resets() const { return resets_; }

	// hyvctl attach (true) and detach (false), by device name, for as
	// long as the VM is connected; nullopt where the configuration decides.
	std::optional<bool> override_for(const std::string &device_name) const;
	void set_override(const std::string &device_name, bool attached);

	// The VM's devices, by dev_id.
	const std::map<uint32_t, std::shared_ptr<HostDevice>> &devices() const { return devices_; }
	HostDevice *device(uint32_t dev_id) const;
	std::vector<proto::DeviceInfo> device_infos() const;

	// Makes `wanted` the VM's devices.  A device taken away loses the
	// VM's contexts on it before the guest is told DEVICE_REMOVED; a new
	// one is announced with DEVICE_ADDED.  `announce` false sets the
	// initial devices, which the guest learns from HELLO.
	void set_devices(const std::vector<std::shared_ptr<HostDevice>> &wanted,
			 bool announce = true);

	// The VM's host user contexts.  add_context fails with EDQUOT at the
	// policy's max_contexts (check at_context_quota() before creating one
	// on the host) and with EOPNOTSUPP for a device the VM does not have
	// or whose driver has no personality; destroy_context with EINVAL for
	// a handle the VM does not hold.
	bool at_context_quota() const { return contexts_.size() >= policy_.max_contexts; }
	Result<uint32_t> add_context(uint32_t dev_id, HostContext context);
	std::error_code destroy_context(uint32_t ctx_handle);
	std::size_t context_count() const { return contexts_.size(); }
	VmContext *context(uint32_t ctx_handle) const;

	// Host objects and pinned guest pages over all contexts.
	ObjectCounts object_counts() const;
	// Whether the VM holds as many `kind` objects as its policy allows
	// (check before creating one on the host: EDQUOT).
	bool at_object_quota(ObjectKind kind) const
	{
		return object_counts()[static_cast<std::size_t>(kind)] >=
		       policy_.max_objects_of(kind);
	}
	uint64_t pinned_pages() const;

	// The relay fd's memory ioctls; nullptr until the session sets them
	// (queue maps and REG_MR fail with ENXIO without).  They outlive
	// every context.
	RelayMemory *relay_memory() const { return relay_.get(); }
	void set_relay_memory(std::unique_ptr<RelayMemory> relay) { relay_ = std::move(relay); }

	// Called for each new context; what it returns lives as long as the
	// context (hyvd's event readers).
	using ContextWatcher =
		std::function<std::unique_ptr<ContextWatch>(uint32_t ctx_handle, VmContext &)>;
	void set_context_watcher(ContextWatcher watcher) { watcher_ = std::move(watcher); }

	void send_event(const proto::Event &event) const { sink_(*this, event); }

private:
	void destroy_contexts_on(uint32_t dev_id);

	uint32_t id_;
	VmLabels labels_;
	VmPolicy policy_;
	EventSink sink_;
	State state_ = State::connected;
	uint64_t requests_ = 0;
	uint64_t resets_ = 0;
	mutable LogRateLimit guest_log_limit_;
	std::map<std::string, bool> overrides_;
	std::map<uint32_t, std::shared_ptr<HostDevice>> devices_;
	// Declared before the contexts: destroyed after them.
	std::unique_ptr<RelayMemory> relay_;
	ContextWatcher watcher_;
	std::map<uint32_t, std::unique_ptr<VmContext>> contexts_;
	uint32_t last_ctx_handle_ = 0;
};

} // namespace hyv::broker

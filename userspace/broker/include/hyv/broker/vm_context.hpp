// SPDX-License-Identifier: GPL-2.0
// One host user context of a VM and what hyvd holds for the objects in it:
// the queue maps it showed the guest, the guest memory windows behind its
// MRs, and the user_handle it gave each CQ, QP and SRQ (which events name).
//
// Teardown order (the destructor): stop reading events; take every queue
// out of the guest's view (SHM_UNMAP); close the host uverbs file, which
// destroys every host object; then unmap hyvd's queue views and the MR
// windows, whose guest pages vhost_hyv unpins (UNMAP_GUEST).
//
// Locking: none (one io_context, one thread).
#pragma once

#include <hyv/broker/driver_personality.hpp>
#include <hyv/broker/host_device.hpp>
#include <hyv/broker/relay_memory.hpp>
#include <hyv/broker/verb_table.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace hyv::broker {

struct HostObject {
	uint64_t user_handle = 0;		// CQ, QP, SRQ: hyvd's, for events
	std::vector<QueueMap> queues;		// shown to the guest
	std::optional<GuestWindow> window;	// MR: the guest pages
};

using ObjectCounts = std::array<std::size_t, kObjectKinds>;

// Something that watches a context (its event reader) until destroyed.
class ContextWatch {
public:
	virtual ~ContextWatch() = default;
};

class VmContext {
public:
	// `personality`: the device driver's, which says what runs here.
	VmContext(uint32_t dev_id, const DriverPersonality &personality, HostContext host)
		: dev_id_(dev_id), personality_(personality), host_(std::move(host)) {}
	VmContext(const VmContext &) = delete;
	VmContext &operator=(const VmContext &) = delete;
	~VmContext();

	uint32_t dev_id() const { return dev_id_; }
	const DriverPersonality &personality() const { return personality_; }
	HostContext &host() { return host_; }
	void set_watch(std::unique_ptr<ContextWatch> watch) { watch_ = std::move(watch); }

	// A user_handle for the next CQ, QP or SRQ; never 0, never reused.
	uint64_t next_user_handle() { return ++last_user_handle_; }

	HostObject &add(ObjectKind kind, uint32_t handle, HostObject object);
	HostObject *find(ObjectKind kind, uint32_t handle);
	void erase(ObjectKind kind, uint32_t handle);
	// The object a host event's user_handle names.
	std::optional<std::pair<ObjectKind, uint32_t>> by_user_handle(uint64_t user_handle) const;

	ObjectCounts counts() const { return counts_; }
	uint64_t pinned_pages() const;

private:
	using Key = std::pair<ObjectKind, uint32_t>;

	uint32_t dev_id_;
	const DriverPersonality &personality_;
	HostContext host_;
	std::map<Key, HostObject> objects_;
	std::map<uint64_t, Key> by_user_handle_;
	ObjectCounts counts_{};		// objects_ by kind
	uint64_t last_user_handle_ = 0;
	std::unique_ptr<ContextWatch> watch_;
};

} // namespace hyv::broker

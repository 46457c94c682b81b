// SPDX-License-Identifier: GPL-2.0
// Forwards a host context's events to its guest: completion events of the
// context's one completion channel as VIRTIO_HYV_EVT_COMPLETION, async
// events as VIRTIO_HYV_EVT_ASYNC, each naming the host handle of the CQ,
// QP or SRQ (found by the user_handle hyvd gave it) or the port.
//
// Locking: none (one io_context, one thread).
#pragma once

#include <hyv/broker/asio.hpp>
#include <hyv/broker/vm.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <optional>

namespace hyv::broker {

// The watcher a session installs with Vm::set_context_watcher: two reader
// coroutines per context, on `executor`, stopped when the context goes.
Vm::ContextWatcher event_readers(asio::any_io_executor executor, Vm &vm);

// What an async event is about: its handle on the wire, nullopt to drop it
// (an object hyvd does not know, or a kind 1.2 does not carry).
std::optional<uint32_t> async_event_handle(const VmContext &context, uint32_t event_type,
					   uint64_t element);

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
// Turns one relay frame read from vhost_hyv into the frame to write back:
// validates the request, executes it for one VM, encodes the response.
// No I/O of its own (host devices do theirs), so the fuzzers drive exactly
// what the daemon runs, with fake devices.
//
// Validation order: the relay frame; the request header and the opcode's
// layout (proto::decode_control_request); CREATE_CONTEXT's resp_udata_max
// against the chain's room (EINVAL); dev_id (ENODEV) or ctx_handle
// (EINVAL); the port against the device's port count (EINVAL); the
// context quota (EDQUOT); then the host's own answer.
#pragma once

#include <hyv/broker/vm.hpp>

#include <cstddef>
#include <optional>
#include <span>

namespace hyv::broker {

// Writes the answer to `frame` into `out`, which must hold
// proto::kRelayWriteBufferSize bytes, and returns its size; nullopt for a
// frame too short to name the request it belongs to.
std::optional<std::size_t> dispatch_relay_frame(Vm &vm, std::span<const std::byte> frame,
						std::span<std::byte> out);

} // namespace hyv::broker

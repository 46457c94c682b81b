// SPDX-License-Identifier: GPL-2.0
// Turns one relay frame read from vhost_hyv into the frame to write back:
// validates the request, executes it for one VM, encodes the response.
// No I/O, so the fuzzers drive exactly what the daemon runs.
#pragma once

#include <hyv/proto/host_device.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace hyv::broker {

class RequestDispatcher {
public:
	RequestDispatcher(uint32_t vm_id, std::vector<proto::VmDevice> devices);

	// Writes the answer to `frame` into `out`, which must hold
	// proto::kRelayWriteBufferSize bytes, and returns its size; nullopt
	// for a frame too short to name the request it belongs to.
	std::optional<std::size_t> handle(std::span<const std::byte> frame,
					  std::span<std::byte> out) const;

	const std::vector<proto::VmDevice> &devices() const { return devices_; }

private:
	uint32_t vm_id_;
	std::vector<proto::VmDevice> devices_;
};

} // namespace hyv::broker

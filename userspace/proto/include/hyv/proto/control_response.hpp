// SPDX-License-Identifier: GPL-2.0
// Encoding of control responses (the device-writable part of a chain).
// Each encoder writes into `out`, which holds at most the bytes the guest
// made writable, and returns how many bytes it used.
#pragma once

#include <hyv/proto/host_device.hpp>
#include <hyv/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

namespace hyv::proto {

// The wire status for an error: its errno value when it is one, else EIO.
uint32_t wire_status(std::error_code error);

// A response that is only a header.  Fails with no_buffer_space when `out`
// cannot hold struct virtio_hyv_resp_hdr.
Result<std::size_t> encode_status_response(std::span<std::byte> out, uint32_t status);

// The successful HELLO answer: our version and `devices`.  Fails with
// message_size when `out` is too small for all of them (the guest gets no
// silently shortened list), with invalid_argument for more than
// VIRTIO_HYV_MAX_DEVICES devices or a name that does not fit the wire.
Result<std::size_t> encode_hello_response(std::span<std::byte> out,
					  std::span<const VmDevice> devices);

} // namespace hyv::proto

// SPDX-License-Identifier: GPL-2.0
// Decoding of guest control requests (the driver-readable part of a
// virtio-hyv descriptor chain, see <linux/virtio_hyv.h>).
//
// Every request is validated completely before anything acts on it.  Errors
// are in the generic category and are the status the guest receives:
//   EINVAL           short request, non-zero flags or reserved fields,
//                    trailing bytes after a fixed-size request;
//   EOPNOTSUPP       unknown opcode;
//   EPROTONOSUPPORT  HELLO with a major version other than ours.
#pragma once

#include <hyv/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

namespace hyv::proto {

struct HelloRequest {
	uint16_t major = 0;
	uint16_t minor = 0;
};

using ControlRequest = std::variant<HelloRequest>;

Result<ControlRequest> decode_control_request(std::span<const std::byte> request);

} // namespace hyv::proto

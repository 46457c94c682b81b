// SPDX-License-Identifier: GPL-2.0
// Decoding of guest control requests (the driver-readable part of a
// virtio-hyv descriptor chain, see <linux/virtio_hyv.h>).
//
// Every request is validated as far as its bytes alone allow before
// anything acts on it.  Errors are in the generic category and are the
// status the guest receives:
//   EINVAL           short request, non-zero flags or reserved fields,
//                    trailing bytes after a fixed-size request, port 0 in a
//                    port request or another port in QUERY_DEVICE,
//                    udata_len disagreeing with the bytes that follow
//                    (VERB: cmd_len + udata_len, REG_MR: the runs and
//                    udata_len);
//   EOPNOTSUPP       unknown opcode;
//   EPROTONOSUPPORT  HELLO with a major version other than ours.
// What needs the VM's state (dev_id, ctx_handle, port count, quota) is
// judged when the request is executed.
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

struct QueryDeviceRequest {
	uint32_t dev_id = 0;
};

// QUERY_PORT, QUERY_GID_TABLE and QUERY_PKEY_TABLE; port >= 1.
struct QueryPortRequest {
	uint32_t dev_id = 0;
	uint32_t port = 0;
};

struct QueryGidTableRequest {
	uint32_t dev_id = 0;
	uint32_t port = 0;
};

struct QueryPkeyTableRequest {
	uint32_t dev_id = 0;
	uint32_t port = 0;
};

struct CreateContextRequest {
	uint32_t dev_id = 0;
	uint32_t resp_udata_max = 0;
	std::span<const std::byte> udata;	// views the request buffer
};

struct DestroyContextRequest {
	uint32_t ctx_handle = 0;
};

// VERB: one uverbs command; core and udata view the request buffer.
// cmd_len is checked against the command's ABI size at execution.
struct VerbRequest {
	uint32_t ctx_handle = 0;
	uint32_t command = 0;
	uint32_t resp_udata_max = 0;
	std::span<const std::byte> core;
	std::span<const std::byte> udata;
};

// REG_MR: runs are struct virtio_hyv_page_run[], little-endian, viewed
// in the request buffer (unaligned); their layout is judged at execution.
struct RegMrRequest {
	uint32_t ctx_handle = 0;
	uint32_t pd_handle = 0;
	uint64_t iova = 0;
	uint64_t length = 0;
	uint32_t access_flags = 0;
	uint32_t num_runs = 0;
	uint32_t resp_udata_max = 0;
	std::span<const std::byte> runs;
	std::span<const std::byte> udata;
};

struct DoorbellRequest {
	uint32_t ctx_handle = 0;
	uint32_t qp_handle = 0;
};

using ControlRequest =
	std::variant<HelloRequest, QueryDeviceRequest, QueryPortRequest, QueryGidTableRequest,
		     QueryPkeyTableRequest, CreateContextRequest, DestroyContextRequest,
		     VerbRequest, RegMrRequest, DoorbellRequest>;

Result<ControlRequest> decode_control_request(std::span<const std::byte> request);

// The opcode's name for logs ("QUERY_PORT"), "unknown" for others.
const char *opcode_name(uint16_t opcode);

} // namespace hyv::proto

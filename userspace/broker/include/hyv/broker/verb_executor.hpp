// SPDX-License-Identifier: GPL-2.0
// Runs the 1.2 requests of one context on its host uverbs file:
// VIRTIO_HYV_OP_VERB (a uverbs command from the verb table), REG_MR (guest
// pages seen through a relay window, registered at the guest's iova) and
// DOORBELL (POST_SEND without work requests).  Each answer is written to
// `body` (the chain's device-writable room); the result is its size.
//
// Validation, in order: the command is in the table (EOPNOTSUPP); cmd_len
// is its ABI size, resp_udata_max fits the chain with the core response
// (EINVAL); the context's driver personality runs the command
// (EOPNOTSUPP), its driver data has the personality's length and fields
// (check_udata: EINVAL, EOPNOTSUPP for an address), CREATE_QP's type is
// one the personality allows (EOPNOTSUPP); REG_MR: the runs cover exactly
// the registered pages (EINVAL), the VM's pinned-page quota (EDQUOT).
// Then the host kernel's errno.  Refusals by the personality are logged,
// rate-limited per VM.
#pragma once

#include <hyv/broker/vm.hpp>
#include <hyv/proto/control_request.hpp>

#include <cstddef>
#include <span>

namespace hyv::broker {

Result<std::size_t> execute_verb(Vm &vm, VmContext &context, const proto::VerbRequest &req,
				 std::span<std::byte> body);

Result<std::size_t> execute_reg_mr(Vm &vm, VmContext &context, const proto::RegMrRequest &req,
				   std::span<std::byte> body);

// Allocation-free: it runs for every doorbell the guest rings.
std::error_code ring_doorbell(VmContext &context, uint32_t qp_handle);

} // namespace hyv::broker

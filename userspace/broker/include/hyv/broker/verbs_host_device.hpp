// SPDX-License-Identifier: GPL-2.0
// The real HostDevice: the device opened with libibverbs for queries, and
// user contexts created on its uverbs chardev with raw uverbs commands
// (GET_CONTEXT must carry the guest provider's udata, which libibverbs'
// public API cannot send).  Library hyv_verbs, the only one that links
// libibverbs.
#pragma once

#include <hyv/broker/host_device.hpp>

namespace hyv::broker {

// Opens `scanned` (found by name among libibverbs' devices, its node GUID
// checked) with ibv_open_device; the context is closed with the object.
Result<std::unique_ptr<HostDevice>> open_verbs_device(uint32_t dev_id,
						      const ScannedDevice &scanned);

} // namespace hyv::broker

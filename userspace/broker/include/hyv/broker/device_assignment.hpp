// SPDX-License-Identifier: GPL-2.0
// Which host devices a VM gets, and the dev_id handles it knows them by.
// In this version every VM may use every host device.
#pragma once

#include <hyv/proto/host_device.hpp>

#include <vector>

namespace hyv::broker {

// The first VIRTIO_HYV_MAX_DEVICES of `host`, numbered from 0 in order.
std::vector<proto::VmDevice> assign_devices(const std::vector<proto::HostDevice> &host);

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
// A host RDMA device as hyvd uses it for VMs, and the host user contexts it
// creates for them.
//
// HostDevice is an interface: VerbsHostDevice (verbs_host_device.hpp) is
// the real one, unit tests and fuzzers drive the broker through fakes.
#pragma once

#include <hyv/proto/control_response.hpp>
#include <hyv/proto/device_info.hpp>
#include <hyv/memory_mapping.hpp>
#include <hyv/result.hpp>
#include <hyv/unique_fd.hpp>

#include <rdma/ib_user_ioctl_verbs.h>
#include <rdma/ib_user_verbs.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace hyv::broker {

// One host RDMA device as rdma netlink reports it.
struct ScannedDevice {
	uint32_t index = 0;		// kernel device index, never reused while it runs
	std::string name;		// "rxe0"
	uint64_t node_guid = 0;
	uint32_t driver_id = 0;		// enum rdma_driver_id
	std::string uverbs_name;	// "uverbs0", the node in /dev/infiniband
	uint64_t uverbs_dev = 0;	// that node's dev_t
	// Why the device has no usable uverbs chardev (ib_uverbs not loaded,
	// or the device is still being registered); such devices are not
	// given to VMs.
	std::error_code uverbs_error;

	bool operator==(const ScannedDevice &) const = default;
};

// "rxe", "siw", "mlx5", ... for an enum rdma_driver_id; "unknown" else.
const char *driver_name(uint32_t driver_id);

// The host uverbs file of one user context, as the verbs executor uses it.
// An interface so that unit tests answer commands without a kernel.
class UverbsFile {
public:
	virtual ~UverbsFile() = default;

	// One legacy write() command: header, core request (whose `response'
	// points into hyvd's memory), driver data.
	virtual std::error_code write(std::span<const std::byte> command) = 0;
	// mmap(MAP_SHARED, read-write) of a queue at the driver's offset.
	virtual Result<MemoryMapping> map(uint64_t offset, std::size_t length) = 0;
	// The uverbs file itself (for logs and tests), -1 for fakes.
	virtual int cmd_fd() const = 0;
	// The completion channel every CQ of the context reports to, and the
	// async event file; -1 where there is none.
	virtual int comp_fd() const = 0;
	virtual int async_fd() const = 0;
};

// The real one: the uverbs file, its async event file and a completion
// channel, all closed with the object.
std::unique_ptr<UverbsFile> uverbs_file(UniqueFd cmd, UniqueFd async, UniqueFd comp);

// A host user context: one open file of the device's uverbs chardev on
// which GET_CONTEXT was done.  Closing it (close() or the destructor)
// makes the host kernel release every object created in the context.
class HostContext {
public:
	HostContext(std::unique_ptr<UverbsFile> file, uint32_t num_comp_vectors)
		: file_(std::move(file)), num_comp_vectors_(num_comp_vectors) {}
	HostContext(UniqueFd cmd, UniqueFd async, uint32_t num_comp_vectors)
		: HostContext(uverbs_file(std::move(cmd), std::move(async), UniqueFd()),
			      num_comp_vectors) {}

	UverbsFile &file() const { return *file_; }
	int cmd_fd() const { return file_->cmd_fd(); }
	int async_fd() const { return file_->async_fd(); }
	int comp_fd() const { return file_->comp_fd(); }
	uint32_t num_comp_vectors() const { return num_comp_vectors_; }
	void close() { file_.reset(); }

private:
	std::unique_ptr<UverbsFile> file_;
	uint32_t num_comp_vectors_;
};

struct CreatedContext {
	HostContext context;
	std::vector<std::byte> udata;	// the host driver's answer
};

class HostDevice {
public:
	HostDevice(uint32_t dev_id, ScannedDevice scanned)
		: dev_id_(dev_id), scanned_(std::move(scanned)) {}
	virtual ~HostDevice() = default;
	HostDevice(const HostDevice &) = delete;
	HostDevice &operator=(const HostDevice &) = delete;

	// hyvd's handle for the device, the same for every VM and for as
	// long as the device exists.
	uint32_t dev_id() const { return dev_id_; }
	const ScannedDevice &scanned() const { return scanned_; }
	const std::string &name() const { return scanned_.name; }
	proto::DeviceInfo info() const
	{
		return {.dev_id = dev_id_,
			.name = scanned_.name,
			.driver_id = scanned_.driver_id,
			.node_guid = scanned_.node_guid};
	}

	// Ports a VM may name: 1..port_count(), at most VIRTIO_HYV_MAX_PORTS.
	virtual uint8_t port_count() const = 0;

	// The uverbs EX_QUERY_DEVICE answer, phys_port_cnt cut to
	// port_count().
	virtual Result<ib_uverbs_ex_query_device_resp> query_device() = 0;
	// The firmware version from sysfs; empty when the device has none.
	virtual std::string fw_ver() = 0;
	// The completion vectors a user context on the device has.
	virtual uint32_t num_comp_vectors() const = 0;
	virtual Result<proto::PortAttr> query_port(uint8_t port) = 0;
	// The port's valid GID entries by ascending index.
	virtual Result<std::vector<proto::GidEntry>> query_gid_table(uint8_t port) = 0;
	// P_Key i at position i, pkey_tbl_len of them.
	virtual Result<std::vector<uint16_t>> query_pkey_table(uint8_t port) = 0;

	// A new host user context; `udata` goes to the host driver's
	// GET_CONTEXT unchanged and its answer comes back, at most
	// `resp_udata_max` bytes.
	virtual Result<CreatedContext> create_context(std::span<const std::byte> udata,
						      uint32_t resp_udata_max) = 0;

private:
	uint32_t dev_id_;
	ScannedDevice scanned_;
};

// Opens a device that appeared; a failure is retried at the next scan.
using HostDeviceOpener =
	std::function<Result<std::unique_ptr<HostDevice>>(uint32_t dev_id, const ScannedDevice &)>;

} // namespace hyv::broker

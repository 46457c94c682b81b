// SPDX-License-Identifier: GPL-2.0
#include <hyv/proto/control_response.hpp>

#include <hyv/proto/byte_order.hpp>

#include <linux/virtio_hyv.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>

namespace hyv::proto {
namespace {

constexpr std::size_t kHelloRespSize = sizeof(virtio_hyv_hello_resp);
constexpr std::size_t kDevInfoSize = sizeof(virtio_hyv_dev_info);

static_assert(sizeof(virtio_hyv_resp_hdr) == 8);
static_assert(kHelloRespSize == 16);
static_assert(kDevInfoSize == 80);

void encode_dev_info(std::span<std::byte> out, const VmDevice &device)
{
	using Info = virtio_hyv_dev_info;

	store_le<uint32_t>(out, offsetof(Info, dev_id), device.dev_id);
	store_le<uint32_t>(out, offsetof(Info, driver_id), device.host.driver_id);
	store_be<uint64_t>(out, offsetof(Info, node_guid), device.host.node_guid);
	auto name = out.subspan(offsetof(Info, name), VIRTIO_HYV_DEV_NAME_LEN);
	std::ranges::fill(name, std::byte{0});
	std::ranges::transform(device.host.name, name.begin(),
			       [](char c) { return static_cast<std::byte>(c); });
}

} // namespace

uint32_t wire_status(std::error_code error)
{
	if (!error)
		return VIRTIO_HYV_S_OK;
	if (error.category() == std::generic_category() && error.value() > 0)
		return static_cast<uint32_t>(error.value());
	return EIO;
}

Result<std::size_t> encode_status_response(std::span<std::byte> out, uint32_t status)
{
	using Hdr = virtio_hyv_resp_hdr;

	if (out.size() < sizeof(Hdr))
		return std::make_error_code(std::errc::no_buffer_space);
	store_le<uint32_t>(out, offsetof(Hdr, status), status);
	store_le<uint32_t>(out, offsetof(Hdr, reserved), 0);
	return sizeof(Hdr);
}

Result<std::size_t> encode_hello_response(std::span<std::byte> out,
					  std::span<const VmDevice> devices)
{
	using Resp = virtio_hyv_hello_resp;

	if (devices.size() > VIRTIO_HYV_MAX_DEVICES)
		return std::make_error_code(std::errc::invalid_argument);
	for (const VmDevice &device : devices) {
		// One byte stays for the terminating NUL.
		if (device.host.name.size() >= VIRTIO_HYV_DEV_NAME_LEN ||
		    device.host.name.find('\0') != std::string::npos)
			return std::make_error_code(std::errc::invalid_argument);
	}
	const std::size_t size = kHelloRespSize + devices.size() * kDevInfoSize;
	if (out.size() < size)
		return std::make_error_code(std::errc::message_size);

	if (auto header = encode_status_response(out, VIRTIO_HYV_S_OK); !header)
		return header.error();
	store_le<uint16_t>(out, offsetof(Resp, major), VIRTIO_HYV_VERSION_MAJOR);
	store_le<uint16_t>(out, offsetof(Resp, minor), VIRTIO_HYV_VERSION_MINOR);
	store_le<uint32_t>(out, offsetof(Resp, num_devices),
			   static_cast<uint32_t>(devices.size()));
	for (std::size_t i = 0; i < devices.size(); i++)
		encode_dev_info(out.subspan(kHelloRespSize + i * kDevInfoSize, kDevInfoSize),
				devices[i]);
	return size;
}

} // namespace hyv::proto

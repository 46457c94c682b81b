// SPDX-License-Identifier: GPL-2.0
// Loads and stores of integers on byte buffers.  Wire structures are never
// read by casting a buffer to a struct: the buffer may be unaligned, and the
// virtio and broker wire formats are little-endian whatever the host is.
// Host-local kernel ABIs (the relay fd, netlink) use the native order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace hyv::proto {

template <typename T>
T load_le(std::span<const std::byte> in, std::size_t offset)
{
	T value = 0;
	for (std::size_t i = 0; i < sizeof(T); i++)
		value |= static_cast<T>(std::to_integer<T>(in[offset + i]) << (8 * i));
	return value;
}

template <typename T>
void store_le(std::span<std::byte> out, std::size_t offset, T value)
{
	for (std::size_t i = 0; i < sizeof(T); i++)
		out[offset + i] = static_cast<std::byte>(value >> (8 * i));
}

template <typename T>
void store_be(std::span<std::byte> out, std::size_t offset, T value)
{
	for (std::size_t i = 0; i < sizeof(T); i++)
		out[offset + sizeof(T) - 1 - i] = static_cast<std::byte>(value >> (8 * i));
}

template <typename T>
T load_native(std::span<const std::byte> in, std::size_t offset)
{
	T value;
	std::memcpy(&value, in.subspan(offset, sizeof(T)).data(), sizeof(T));
	return value;
}

template <typename T>
void store_native(std::span<std::byte> out, std::size_t offset, T value)
{
	std::memcpy(out.subspan(offset, sizeof(T)).data(), &value, sizeof(T));
}

} // namespace hyv::proto

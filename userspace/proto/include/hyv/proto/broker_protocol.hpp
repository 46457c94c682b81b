// SPDX-License-Identifier: GPL-2.0
// The broker socket protocol between QEMU's virtio-hyv-pci and hyvd
// (version 1): each message is a little-endian {u32 type; u32 len} header and
// len payload bytes.  QEMU sends HELLO, with the relay fd as SCM_RIGHTS, each
// time it connects; hyvd answers WELCOME.  Nothing else is defined.
#pragma once

#include <hyv/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace hyv::proto {

inline constexpr uint32_t kBrokerProtocolVersion = 1;

enum class BrokerMessageType : uint32_t {
	hello = 1,
	welcome = 2,
};

inline constexpr std::size_t kBrokerHeaderSize = 8;
inline constexpr std::size_t kBrokerHelloSize = 152;
inline constexpr std::size_t kBrokerWelcomeSize = 8;
inline constexpr std::size_t kBrokerLabelSize = 64;

struct BrokerHeader {
	uint32_t type = 0;
	uint32_t len = 0;
};

// HELLO's fields are labels for logs and hyvctl; hyvd identifies the peer
// by SO_PEERCRED, never by them.
struct BrokerHello {
	uint32_t version = 0;
	uint32_t qemu_pid = 0;
	std::array<uint8_t, 16> uuid{};
	std::string name;
	std::string device_id;
};

BrokerHeader decode_broker_header(std::span<const std::byte, kBrokerHeaderSize> in);
std::array<std::byte, kBrokerHeaderSize> encode_broker_header(BrokerHeader header);

// The header that may open a connection: HELLO of exactly kBrokerHelloSize.
std::error_code check_hello_header(BrokerHeader header);

// Fails with unsupported_version before looking at fields a later version
// may lay out differently, with label_* for a label that is not a
// NUL-terminated string free of control characters.
Result<BrokerHello> decode_broker_hello(std::span<const std::byte> payload);

// HELLO's payload as QEMU lays it out (for tests and fuzzing seeds); labels
// longer than a field are cut to leave its terminating NUL.
std::array<std::byte, kBrokerHelloSize> encode_broker_hello(const BrokerHello &hello);

// A whole WELCOME message, header included.  status is 0 or -errno.
std::array<std::byte, kBrokerHeaderSize + kBrokerWelcomeSize>
encode_welcome(int32_t status, uint32_t vm_id);

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower case.
std::string format_uuid(const std::array<uint8_t, 16> &uuid);

} // namespace hyv::proto

// SPDX-License-Identifier: GPL-2.0
// hyvd's configuration file (TOML, default /etc/hyvd/hyvd.toml): which host
// RDMA devices each VM may use and how many user contexts it may hold.
//
//   [defaults]                    # every VM not named below
//   devices = ["*"]               # "*", device names, node GUIDs
//                                 # ("*": every device hyvd offers)
//   max_contexts = 64
//   max_pinned_mb = 1024          # guest memory registered (REG_MR)
//   max_mrs = 4096                # host objects by kind: max_pds,
//                                 # max_mrs, max_cqs, max_qps, max_srqs,
//                                 # max_ahs (kDefaultMaxObjects)
//
//   [vm.guest1]                   # by QEMU -name
//   devices = ["rxe0"]
//   [vm."8c1e5a53-2b1c-4f8e-9a43-0d4c1b2e7f10"]   # by QEMU -uuid
//   devices = ["7cfe:9003:00ae:c4e0"]
//
//   [access]                      # who may use hyvd's sockets
//   broker_socket_group = "kvm"   # owner: hyvd's user; group: hyvd's
//   broker_socket_mode = 0o660    # group unless set; mode 0o600 unless set
//   qemu_users = ["libvirt-qemu"] # may connect to broker.sock
//   admin_groups = ["hyvadm"]     # every control command (also
//                                 # admin_users); readers (reader_users,
//                                 # reader_groups) only list and devices
//
// A [vm.*] section overrides the keys it sets, the others come from
// [defaults].  A VM matching a UUID section and a name section gets the
// UUID section.  Whatever a list names, a VM gets only devices hyvd
// offers: those whose driver has a personality (device_table.hpp); a
// device without one is refused, shown by `hyvctl devices`.
// Documentation/admin-guide.rst is the reference.
#pragma once

#include <hyv/broker/peer_access.hpp>
#include <hyv/broker/verb_table.hpp>

#include <boost/system/result.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hyv::broker {

inline constexpr const char *kDefaultConfigPath = "/etc/hyvd/hyvd.toml";
inline constexpr uint32_t kDefaultMaxContexts = 64;
// Each context holds two host file descriptors.
inline constexpr uint32_t kMaxMaxContexts = 4096;
// Guest memory a VM may have pinned by its registrations, in MiB.
inline constexpr uint32_t kDefaultMaxPinnedMb = 1024;
inline constexpr uint32_t kMaxMaxPinnedMb = 1u << 20;

// Host objects of each kind (in ObjectKind order: PDs, MRs, CQs, QPs, SRQs,
// AHs) a VM may hold at once.  hyvd maps each MR's guest window and each
// queue into its own address space, so these also bound its mappings:
// about 7,400 per VM with the defaults (4096 MRs, 1024 CQs, 1024 QPs of two
// queues, 256 SRQs), while vm.max_map_count (65530 by default) is for all
// VMs together.
using ObjectLimits = std::array<uint32_t, kObjectKinds>;
inline constexpr ObjectLimits kDefaultMaxObjects = {256, 4096, 1024, 1024, 256, 1024};
inline constexpr uint32_t kMaxMaxObjects = 1u << 20;

// One entry of a `devices` list.
struct DeviceSelector {
	enum class Kind { any, name, guid };

	Kind kind = Kind::any;
	std::string name;	// Kind::name
	uint64_t guid = 0;	// Kind::guid, numeric

	bool matches(std::string_view device_name, uint64_t node_guid) const;
	bool operator==(const DeviceSelector &) const = default;
};

// "*", a node GUID as ibv_devinfo prints it ("7cfe:9003:00ae:c4e0"), or a
// device name; nullopt for text that is none of them (empty, too long for
// an ib_device name, whitespace or control characters).
std::optional<DeviceSelector> parse_device_selector(std::string_view text);

// "7cfe:9003:00ae:c4e0" for 0x7cfe900300aec4e0.
std::string format_guid(uint64_t guid);

// A canonical UUID ("8c1e5a53-2b1c-4f8e-9a43-0d4c1b2e7f10", any case).
std::optional<std::array<uint8_t, 16>> parse_uuid(std::string_view text);

// What one VM is allowed.
struct VmPolicy {
	std::vector<DeviceSelector> devices;	// empty: no device
	uint32_t max_contexts = kDefaultMaxContexts;
	uint32_t max_pinned_mb = kDefaultMaxPinnedMb;
	ObjectLimits max_objects = kDefaultMaxObjects;

	uint32_t max_objects_of(ObjectKind kind) const
	{
		return max_objects[static_cast<std::size_t>(kind)];
	}
	// max_pinned_mb in 4096-byte pages.
	uint64_t max_pinned_pages() const { return uint64_t{max_pinned_mb} << 8; }
	bool allows(std::string_view device_name, uint64_t node_guid) const;
	bool operator==(const VmPolicy &) const = default;
};

struct Config {
	// The keys one [vm.*] section sets.
	struct VmSection {
		std::optional<std::vector<DeviceSelector>> devices;
		std::optional<uint32_t> max_contexts;
		std::optional<uint32_t> max_pinned_mb;
		std::array<std::optional<uint32_t>, kObjectKinds> max_objects;

		// Sets in `policy` what this section sets.
		void apply_to(VmPolicy &policy) const;
	};

	// The file it was read from; empty for the built-in configuration.
	std::string origin;
	// Without a configuration file: every VM gets every device hyvd
	// offers (every device with a personality).
	VmPolicy defaults{.devices = {DeviceSelector{}}};
	std::map<std::string, VmSection> by_name;
	std::map<std::array<uint8_t, 16>, VmSection> by_uuid;
	// Without an [access] table: both sockets 0600, hyvd's user and root
	// only.
	AccessPolicy access;

	VmPolicy policy_for(std::string_view vm_name, const std::array<uint8_t, 16> &uuid) const;
};

// Why a configuration was refused, ready for the operator:
// "FILE:LINE:COLUMN: what is wrong".
struct ConfigError {
	std::string message;
};

// boost::system::result's value() throws through this for a ConfigError.
[[noreturn]] void throw_exception_from_error(const ConfigError &error,
					     const boost::source_location &location);

using ConfigResult = boost::system::result<Config, ConfigError>;

// `origin` names the text in error messages.  Unknown tables and keys,
// values of the wrong type or out of range, malformed device entries and
// users or groups the system does not know are errors: a typo must not
// silently give a VM every device, or a stranger a socket.
ConfigResult parse_config(std::string_view text, std::string_view origin);

// Reads and parses `path`.  A file that does not exist is the built-in
// configuration unless `required` (the operator named it).
ConfigResult load_config(const std::filesystem::path &path, bool required);

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/config.hpp>

#include <hyv/unique_fd.hpp>

#include <boost/throw_exception.hpp>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace hyv::broker {
namespace {

// IB_DEVICE_NAME_MAX: names are shorter than 64 bytes.
constexpr std::size_t kMaxDeviceName = 63;
// The most a passwd or group entry may take (a group's member list grows).
constexpr std::size_t kMaxEntryBuffer = 1u << 20;

bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

uint8_t hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return static_cast<uint8_t>(c - '0');
	if (c >= 'a' && c <= 'f')
		return static_cast<uint8_t>(c - 'a' + 10);
	return static_cast<uint8_t>(c - 'A' + 10);
}

// Hex digits where `pattern` has 'x', the same character elsewhere.
bool matches_pattern(std::string_view text, std::string_view pattern)
{
	if (text.size() != pattern.size())
		return false;
	for (std::size_t i = 0; i < text.size(); i++) {
		if (pattern[i] == 'x' ? !is_hex(text[i]) : text[i] != pattern[i])
			return false;
	}
	return true;
}

uint64_t parse_hex_digits(std::string_view text)
{
	uint64_t value = 0;
	for (char c : text)
		if (c != ':')
			value = (value << 4) | hex_value(c);
	return value;
}

// "FILE:LINE:COLUMN: message" at `where`.
ConfigError error_at(std::string_view origin, const toml::source_region &where,
		     std::string_view message)
{
	return {fmt::format("{}:{}:{}: {}", origin, where.begin.line, where.begin.column, message)};
}

// The ObjectKind index a "max_<kinds>" key limits ("max_mrs": MRs).
std::optional<std::size_t> object_limit_key(std::string_view key)
{
	if (!key.starts_with("max_"))
		return std::nullopt;
	for (std::size_t kind = 0; kind < kObjectKinds; kind++)
		if (key.substr(4) == object_kind_plural(static_cast<ObjectKind>(kind)))
			return kind;
	return std::nullopt;
}

class Parser {
public:
	explicit Parser(std::string_view origin) : origin_(origin) {}

	ConfigResult parse(const toml::table &root)
	{
		Config config;
		config.origin = origin_;

		for (auto &&[key, node] : root) {
			if (key.str() == "defaults") {
				auto section = vm_section(key, node, "[defaults]");
				if (!section)
					return section.error();
				section->apply_to(config.defaults);
			} else if (key.str() == "vm") {
				if (auto error = vm_sections(node, config))
					return *error;
			} else if (key.str() == "access") {
				if (auto error = access_table(node, config.access))
					return *error;
			} else {
				return error_at(origin_, key.source(),
						fmt::format("unknown table or key '{}' (expected "
							    "[defaults], [vm.NAME] or [access])",
							    key.str()));
			}
		}
		return config;
	}

private:
	std::optional<ConfigError> access_table(const toml::node &node, AccessPolicy &access)
	{
		const toml::table *table = node.as_table();
		if (!table)
			return error_at(origin_, node.source(), "'access' must be a table");
		for (auto &&[key, value] : *table) {
			const std::string_view field = key.str();
			const std::string what = fmt::format("[access] {}", field);
			std::optional<ConfigError> error;
			if (field == "broker_socket_mode")
				error = socket_mode(value, what, access.broker_socket.mode);
			else if (field == "control_socket_mode")
				error = socket_mode(value, what, access.control_socket.mode);
			else if (field == "broker_socket_group")
				error = group_id(value, what, access.broker_socket.group.emplace());
			else if (field == "control_socket_group")
				error = group_id(value, what, access.control_socket.group.emplace());
			else if (field == "qemu_users")
				error = id_list(value, what, access.qemu.users, &Parser::user_id);
			else if (field == "qemu_groups")
				error = id_list(value, what, access.qemu.groups, &Parser::group_id);
			else if (field == "admin_users")
				error = id_list(value, what, access.admins.users, &Parser::user_id);
			else if (field == "admin_groups")
				error = id_list(value, what, access.admins.groups, &Parser::group_id);
			else if (field == "reader_users")
				error = id_list(value, what, access.readers.users, &Parser::user_id);
			else if (field == "reader_groups")
				error = id_list(value, what, access.readers.groups, &Parser::group_id);
			else
				error = error_at(origin_, key.source(),
						 fmt::format("[access]: unknown key '{}' (expected "
							     "{{broker,control}}_socket_{{mode,group}} "
							     "or {{qemu,admin,reader}}_{{users,groups}})",
							     field));
			if (error)
				return error;
		}
		return std::nullopt;
	}

	// Read and write for the owner, at most read and write for the group
	// and others: a socket needs no more, and setuid or sticky bits on it
	// would be a typo.
	std::optional<ConfigError> socket_mode(const toml::node &value, const std::string &what,
					       mode_t &mode)
	{
		const auto number = value.value_exact<int64_t>();
		if (!number || (*number & ~int64_t{0666}) || (*number & 0600) != 0600)
			return error_at(origin_, value.source(),
					fmt::format("{}: must be a mode like 0o660 (owner read "
						    "and write, nothing but read and write for "
						    "group and others)",
						    what));
		mode = static_cast<mode_t>(*number);
		return std::nullopt;
	}

	// A user or a group by number, or by name through `lookup` (getpwnam_r
	// or getgrnam_r), whose entries hold the id in `id_of`.
	template <typename Entry, typename Id>
	static std::optional<Id> lookup_id(const toml::node &value,
					   int (*lookup)(const char *, Entry *, char *, std::size_t,
							 Entry **),
					   Id Entry::*id_of)
	{
		if (const auto number = value.value_exact<int64_t>())
			return *number >= 0 && *number < UINT32_MAX ? std::optional<Id>(*number)
								     : std::nullopt;
		const auto name = value.value_exact<std::string>();
		if (!name)
			return std::nullopt;
		// A group with many members needs a larger buffer: ERANGE asks
		// for one.
		std::vector<char> buffer(4096);
		for (;;) {
			Entry entry{};
			Entry *found = nullptr;
			const int err = lookup(name->c_str(), &entry, buffer.data(), buffer.size(),
					       &found);
			if (err == ERANGE && buffer.size() < kMaxEntryBuffer) {
				buffer.resize(buffer.size() * 2);
				continue;
			}
			if (err != 0 || !found)
				return std::nullopt;
			return found->*id_of;
		}
	}

	// Sets `id` from `found`, or says that `value` is no `kind` ("user",
	// "group") of this system.
	template <typename Id>
	std::optional<ConfigError> resolved(const toml::node &value, const std::string &what,
					    const char *kind, std::optional<Id> found, Id &id)
	{
		if (!found)
			return error_at(origin_, value.source(),
					fmt::format("{}: {} is not a {} of this system", what,
						    describe(value), kind));
		id = *found;
		return std::nullopt;
	}

	std::optional<ConfigError> user_id(const toml::node &value, const std::string &what,
					   uid_t &uid)
	{
		return resolved(value, what, "user", lookup_id(value, ::getpwnam_r, &passwd::pw_uid),
				uid);
	}

	std::optional<ConfigError> group_id(const toml::node &value, const std::string &what,
					    gid_t &gid)
	{
		return resolved(value, what, "group", lookup_id(value, ::getgrnam_r, &group::gr_gid),
				gid);
	}

	template <typename Id, typename Lookup>
	std::optional<ConfigError> id_list(const toml::node &node, const std::string &what,
					   std::vector<Id> &ids, Lookup lookup)
	{
		const toml::array *array = node.as_array();
		if (!array)
			return error_at(origin_, node.source(),
					fmt::format("{}: must be an array of names or numbers",
						    what));
		ids.clear();
		for (const toml::node &entry : *array) {
			Id id{};
			if (auto error = (this->*lookup)(entry, what, id))
				return error;
			ids.push_back(id);
		}
		return std::nullopt;
	}

	static std::string describe(const toml::node &value)
	{
		if (const auto name = value.value_exact<std::string>())
			return fmt::format("'{}'", *name);
		if (const auto number = value.value_exact<int64_t>())
			return std::to_string(*number);
		return "this value";
	}

	std::optional<ConfigError> vm_sections(const toml::node &node, Config &config)
	{
		const toml::table *vms = node.as_table();
		if (!vms)
			return error_at(origin_, node.source(),
					"'vm' must be a table of [vm.NAME] sections");
		for (auto &&[key, vm_node] : *vms) {
			const std::string name(key.str());
			const std::string what = fmt::format("[vm.\"{}\"]", name);
			if (name.empty())
				return error_at(origin_, key.source(), "a VM name must not be empty");
			auto section = vm_section(key, vm_node, what);
			if (!section)
				return section.error();
			if (auto uuid = parse_uuid(name)) {
				if (!config.by_uuid.emplace(*uuid, std::move(*section)).second)
					return error_at(origin_, key.source(),
							fmt::format("{}: UUID named twice", what));
			} else {
				config.by_name.emplace(name, std::move(*section));
			}
		}
		return std::nullopt;
	}

	boost::system::result<Config::VmSection, ConfigError>
	vm_section(const toml::key &key, const toml::node &node, const std::string &what)
	{
		const toml::table *table = node.as_table();
		if (!table)
			return error_at(origin_, key.source(), fmt::format("{} must be a table", what));

		Config::VmSection section;
		for (auto &&[field, value] : *table) {
			if (field.str() == "devices") {
				auto devices = device_list(value, what);
				if (!devices)
					return devices.error();
				section.devices = std::move(*devices);
			} else if (field.str() == "max_contexts") {
				const auto number = value.value_exact<int64_t>();
				if (!number || *number < 0 || *number > kMaxMaxContexts)
					return error_at(origin_, value.source(),
							fmt::format("{}: max_contexts must be an integer "
								    "from 0 to {}",
								    what, kMaxMaxContexts));
				section.max_contexts = static_cast<uint32_t>(*number);
			} else if (field.str() == "max_pinned_mb") {
				const auto number = value.value_exact<int64_t>();
				if (!number || *number < 0 || *number > kMaxMaxPinnedMb)
					return error_at(origin_, value.source(),
							fmt::format("{}: max_pinned_mb must be an integer "
								    "from 0 to {}",
								    what, kMaxMaxPinnedMb));
				section.max_pinned_mb = static_cast<uint32_t>(*number);
			} else if (const auto kind = object_limit_key(field.str())) {
				const auto number = value.value_exact<int64_t>();
				if (!number || *number < 0 || *number > kMaxMaxObjects)
					return error_at(origin_, value.source(),
							fmt::format("{}: {} must be an integer from 0 "
								    "to {}",
								    what, field.str(), kMaxMaxObjects));
				section.max_objects[*kind] = static_cast<uint32_t>(*number);
			} else {
				return error_at(origin_, field.source(),
						fmt::format("{}: unknown key '{}' (expected devices, "
							    "max_contexts, max_pinned_mb or max_pds, "
							    "max_mrs, max_cqs, max_qps, max_srqs, "
							    "max_ahs)",
							    what, field.str()));
			}
		}
		return section;
	}

	boost::system::result<std::vector<DeviceSelector>, ConfigError>
	device_list(const toml::node &node, const std::string &what)
	{
		const toml::array *array = node.as_array();
		if (!array)
			return error_at(origin_, node.source(),
					fmt::format("{}: devices must be an array of strings", what));

		std::vector<DeviceSelector> devices;
		for (const toml::node &entry : *array) {
			const auto text = entry.value_exact<std::string>();
			if (!text)
				return error_at(origin_, entry.source(),
						fmt::format("{}: devices must be an array of strings",
							    what));
			const auto selector = parse_device_selector(*text);
			if (!selector)
				return error_at(origin_, entry.source(),
						fmt::format("{}: '{}' is not \"*\", a device name or "
							    "a node GUID like 7cfe:9003:00ae:c4e0",
							    what, *text));
			devices.push_back(*selector);
		}
		const bool any = std::ranges::any_of(devices, [](const DeviceSelector &d) {
			return d.kind == DeviceSelector::Kind::any;
		});
		if (any && devices.size() > 1)
			return error_at(origin_, node.source(),
					fmt::format("{}: \"*\" must be the only entry of devices",
						    what));
		return devices;
	}

	std::string origin_;
};

} // namespace

bool DeviceSelector::matches(std::string_view device_name, uint64_t node_guid) const
{
	switch (kind) {
	case Kind::any:
		return true;
	case Kind::name:
		return device_name == name;
	case Kind::guid:
		return node_guid == guid;
	}
	return false;
}

std::optional<DeviceSelector> parse_device_selector(std::string_view text)
{
	if (text == "*")
		return DeviceSelector{};
	if (matches_pattern(text, "xxxx:xxxx:xxxx:xxxx"))
		return DeviceSelector{.kind = DeviceSelector::Kind::guid,
				      .guid = parse_hex_digits(text)};
	if (text.empty() || text.size() > kMaxDeviceName)
		return std::nullopt;
	if (std::ranges::any_of(text, [](char c) {
		    const auto byte = static_cast<unsigned char>(c);
		    return byte <= 0x20 || byte == 0x7f;
	    }))
		return std::nullopt;
	return DeviceSelector{.kind = DeviceSelector::Kind::name, .name = std::string(text)};
}

std::string format_guid(uint64_t guid)
{
	return fmt::format("{:04x}:{:04x}:{:04x}:{:04x}", (guid >> 48) & 0xffff,
			   (guid >> 32) & 0xffff, (guid >> 16) & 0xffff, guid & 0xffff);
}

std::optional<std::array<uint8_t, 16>> parse_uuid(std::string_view text)
{
	if (!matches_pattern(text, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"))
		return std::nullopt;

	std::array<uint8_t, 16> uuid{};
	std::size_t nibble = 0;
	for (char c : text) {
		if (c == '-')
			continue;
		uuid[nibble / 2] = static_cast<uint8_t>(uuid[nibble / 2] << 4 | hex_value(c));
		nibble++;
	}
	return uuid;
}

bool VmPolicy::allows(std::string_view device_name, uint64_t node_guid) const
{
	return std::ranges::any_of(devices, [&](const DeviceSelector &selector) {
		return selector.matches(device_name, node_guid);
	});
}

VmPolicy Config::policy_for(std::string_view vm_name, const std::array<uint8_t, 16> &uuid) const
{
	VmPolicy policy = defaults;
	const VmSection *section = nullptr;

	if (auto it = by_uuid.find(uuid); it != by_uuid.end())
		section = &it->second;
	else if (auto named = by_name.find(std::string(vm_name)); named != by_name.end())
		section = &named->second;
	if (section)
		section->apply_to(policy);
	return policy;
}

void Config::VmSection::apply_to(VmPolicy &policy) const
{
	if (devices)
		policy.devices = *devices;
	if (max_contexts)
		policy.max_contexts = *max_contexts;
	if (max_pinned_mb)
		policy.max_pinned_mb = *max_pinned_mb;
	for (std::size_t kind = 0; kind < kObjectKinds; kind++)
		if (max_objects[kind])
			policy.max_objects[kind] = *max_objects[kind];
}

void throw_exception_from_error(const ConfigError &error, const boost::source_location &location)
{
	boost::throw_exception(std::runtime_error(error.message), location);
}

ConfigResult parse_config(std::string_view text, std::string_view origin)
{
	toml::table root;
	try {
		root = toml::parse(text, origin);
	} catch (const toml::parse_error &e) {
		return error_at(origin, e.source(), e.description());
	}
	return Parser(origin).parse(root);
}

ConfigResult load_config(const std::filesystem::path &path, bool required)
{
	const auto cannot_read = [&](int err) {
		return ConfigError{fmt::format("{}: cannot read: {}", path.string(),
					       std::generic_category().message(err))};
	};

	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd) {
		if (errno == ENOENT && !required)
			return Config{};
		return cannot_read(errno);
	}
	std::string text;
	char chunk[4096];
	for (;;) {
		const ssize_t n = ::read(fd.get(), chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cannot_read(errno);
		if (n == 0)
			break;
		text.append(chunk, static_cast<std::size_t>(n));
	}
	return parse_config(text, path.string());
}

} // namespace hyv::broker

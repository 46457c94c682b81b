// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/peer_access.hpp>

#include <fmt/format.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <climits>
#include <string_view>

namespace hyv::broker {
namespace {

// What readlink() of /proc/self/fd/N gives for a relay: anonymous inodes
// show as "anon_inode:NAME"; a file of any name shows as its path, which
// starts with '/'.
constexpr std::string_view kRelayLink = "anon_inode:[vhost-hyv-relay]";

template <typename T>
bool contains(const std::vector<T> &list, T value)
{
	return std::ranges::find(list, value) != list.end();
}

} // namespace

Result<PeerIdentity> peer_identity(int socket_fd)
{
	ucred cred{};
	socklen_t len = sizeof(cred);
	if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return last_errno();

	PeerIdentity peer{.pid = cred.pid, .uid = cred.uid, .gid = cred.gid};
	// SO_PEERGROUPS answers ERANGE with the size it needs.
	std::vector<gid_t> groups(16);
	for (;;) {
		len = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
		if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &len) == 0)
			break;
		if (errno != ERANGE || len <= groups.size() * sizeof(gid_t))
			return last_errno();
		groups.resize(len / sizeof(gid_t));
	}
	groups.resize(len / sizeof(gid_t));
	peer.groups = std::move(groups);
	return peer;
}

bool admits(const Principals &principals, const PeerIdentity &peer, uid_t self)
{
	if (peer.uid == 0 || peer.uid == self || contains(principals.users, peer.uid))
		return true;
	if (contains(principals.groups, peer.gid))
		return true;
	return std::ranges::any_of(peer.groups,
				   [&](gid_t gid) { return contains(principals.groups, gid); });
}

ControlRole control_role(const AccessPolicy &policy, const PeerIdentity &peer, uid_t self)
{
	if (admits(policy.admins, peer, self))
		return ControlRole::admin;
	if (admits(policy.readers, peer, self))
		return ControlRole::reader;
	return ControlRole::none;
}

std::error_code apply_socket_access(const char *path, const SocketAccess &access)
{
	if (access.group && ::chown(path, static_cast<uid_t>(-1), *access.group) < 0)
		return last_errno();
	if (::chmod(path, access.mode) < 0)
		return last_errno();
	return {};
}

std::error_code check_vhost_hyv_relay(int fd)
{
	std::array<char, PATH_MAX> link{};
	const std::string proc = fmt::format("/proc/self/fd/{}", fd);
	const ssize_t n = ::readlink(proc.c_str(), link.data(), link.size());
	if (n < 0)
		return last_errno();
	if (std::string_view(link.data(), static_cast<std::size_t>(n)) != kRelayLink)
		return errno_code(EINVAL);
	return {};
}

} // namespace hyv::broker

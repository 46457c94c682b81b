// SPDX-License-Identifier: GPL-2.0
// Who may use hyvd's sockets.  The file system answers first: each socket
// file gets the owner, group and mode the configuration sets.  The peer's
// credentials (SO_PEERCRED, SO_PEERGROUPS) answer again when it connects,
// so a socket left too open by mistake still serves no stranger:
// broker.sock serves the QEMU users; control.sock runs every command for
// the administrators and the read-only ones for the readers.  root and
// hyvd's own user are all three.
#pragma once

#include <hyv/result.hpp>

#include <sys/types.h>

#include <optional>
#include <system_error>
#include <vector>

namespace hyv::broker {

// Users and groups, by number (the configuration resolves names).
struct Principals {
	std::vector<uid_t> users;
	std::vector<gid_t> groups;

	bool operator==(const Principals &) const = default;
};

// The file of one listening socket.  The owner is hyvd's user.
struct SocketAccess {
	mode_t mode = 0600;
	std::optional<gid_t> group;	// nullopt: hyvd's group

	bool operator==(const SocketAccess &) const = default;
};

struct AccessPolicy {
	SocketAccess broker_socket;
	SocketAccess control_socket;
	Principals qemu;	// may connect to broker.sock
	Principals admins;	// may run every control command
	Principals readers;	// may run the read-only control commands

	bool operator==(const AccessPolicy &) const = default;
};

// A connected peer as the kernel saw it when it connected.
struct PeerIdentity {
	pid_t pid = 0;
	uid_t uid = 0;
	gid_t gid = 0;
	std::vector<gid_t> groups;	// supplementary
};

Result<PeerIdentity> peer_identity(int socket_fd);

// Whether `peer` is root, hyvd's own user `self`, or one of `principals`
// (by user, primary group or supplementary group).
bool admits(const Principals &principals, const PeerIdentity &peer, uid_t self);

enum class ControlRole { none, reader, admin };

ControlRole control_role(const AccessPolicy &policy, const PeerIdentity &peer, uid_t self);

// Gives `path` (a socket hyvd just bound) the mode and group of `access`.
std::error_code apply_socket_access(const char *path, const SocketAccess &access);

// Whether `fd` is a vhost-hyv relay file, as VHOST_HYV_GET_RELAY makes
// them (an anonymous inode named "[vhost-hyv-relay]"); EINVAL if not.
std::error_code check_vhost_hyv_relay(int fd);

} // namespace hyv::broker

// SPDX-License-Identifier: GPL-2.0
/*
 * hyv-relay-stats PID: vhost_hyv's own count of what each relay fd of
 * process PID (hyvd) holds, one line per relay fd:
 *
 *   relay fd=N guest_pages_pinned=N guest_maps=N shm_pages_mapped=N shm_maps=N
 *
 * The relay fd is hyvd's alone; as root we take a copy of it with
 * pidfd_getfd() and ask VHOST_HYV_RELAY_GET_STATS
 * (Documentation/vhost-hyv.rst), so that tests see the kernel's pins, not
 * hyvd's bookkeeping.  Exit 1 if a relay cannot be asked.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/types.h>

/* The ABI of kernel/include/uapi/linux/vhost_hyv.h (not installed here). */
struct vhost_hyv_relay_stats {
	__u64 guest_pages_pinned;
	__u64 shm_pages_mapped;
	__u32 guest_maps;
	__u32 shm_maps;
};

#define VHOST_VIRTIO			0xAF
#define VHOST_HYV_RELAY_GET_STATS	_IOR(VHOST_VIRTIO, 0xB4, struct vhost_hyv_relay_stats)
#define RELAY_LINK			"anon_inode:[vhost-hyv-relay]"

int main(int argc, char **argv)
{
	char dir[64], path[PATH_MAX], link[PATH_MAX];
	struct vhost_hyv_relay_stats st;
	struct dirent *de;
	int pidfd, fd, status = 0;
	ssize_t len;
	DIR *d;

	if (argc != 2) {
		fprintf(stderr, "usage: hyv-relay-stats PID\n");
		return 2;
	}
	pidfd = syscall(SYS_pidfd_open, atoi(argv[1]), 0);
	if (pidfd < 0) {
		perror("hyv-relay-stats: pidfd_open");
		return 1;
	}
	snprintf(dir, sizeof(dir), "/proc/%s/fd", argv[1]);
	d = opendir(dir);
	if (!d) {
		perror("hyv-relay-stats: opendir");
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;	/* closed since readdir */
		link[len] = '\0';
		if (strcmp(link, RELAY_LINK))
			continue;
		fd = syscall(SYS_pidfd_getfd, pidfd, atoi(de->d_name), 0);
		if (fd < 0) {
			if (errno == EBADF)
				continue;	/* closed since readlink */
			fprintf(stderr, "hyv-relay-stats: pidfd_getfd %s: %s\n",
				de->d_name, strerror(errno));
			status = 1;
			continue;
		}
		if (ioctl(fd, VHOST_HYV_RELAY_GET_STATS, &st)) {
			fprintf(stderr, "hyv-relay-stats: GET_STATS on fd %s: %s\n",
				de->d_name, strerror(errno));
			status = 1;
		} else {
			printf("relay fd=%s guest_pages_pinned=%llu guest_maps=%u shm_pages_mapped=%llu shm_maps=%u\n",
			       de->d_name,
			       (unsigned long long)st.guest_pages_pinned,
			       st.guest_maps,
			       (unsigned long long)st.shm_pages_mapped,
			       st.shm_maps);
		}
		close(fd);
	}
	closedir(d);
	return status;
}

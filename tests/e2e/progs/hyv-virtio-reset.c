// SPDX-License-Identifier: GPL-2.0
/*
 * hyv-virtio-reset VIRTIO_DEV: reset a virtio PCI device behind its
 * driver's back, as a hostile or buggy guest process with root can: write
 * 0 to device_status in the device's common configuration (found through
 * its vendor capability in PCI config space), mapped from the BAR's sysfs
 * resource file, then wait until the device reads back 0, as the virtio
 * spec asks of a driver that resets a device.
 *
 * VIRTIO_DEV is the device's directory on the virtio bus, e.g.
 * /sys/bus/virtio/devices/virtio3 (its parent is the PCI function).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/virtio_pci.h>

static void die(const char *what)
{
	fprintf(stderr, "hyv-virtio-reset: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void die_msg(const char *msg)
{
	fprintf(stderr, "hyv-virtio-reset: %s\n", msg);
	exit(1);
}

/* The common configuration's capability, from the function's config space. */
static struct virtio_pci_cap find_common_cfg(const char *pci_dir)
{
	struct virtio_pci_cap cap;
	uint8_t cfg[256];
	char path[PATH_MAX];
	unsigned int hops;
	ssize_t n;
	uint8_t pos;
	int fd;

	if (snprintf(path, sizeof(path), "%s/config", pci_dir) >= (int)sizeof(path))
		die_msg("path too long");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	n = pread(fd, cfg, sizeof(cfg), 0);
	if (n != (ssize_t)sizeof(cfg))
		die_msg("cannot read 256 bytes of PCI config space (not root?)");
	close(fd);

	if (!(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		die_msg("the function has no capability list");
	pos = cfg[PCI_CAPABILITY_LIST];
	for (hops = 0; pos && hops < 48; hops++, pos = cfg[pos + 1]) {
		if (pos > sizeof(cfg) - sizeof(cap))
			break;
		memcpy(&cap, cfg + pos, sizeof(cap));
		if (cap.cap_vndr == PCI_CAP_ID_VNDR &&
		    cap.cfg_type == VIRTIO_PCI_CAP_COMMON_CFG)
			return cap;
	}
	die_msg("no virtio common configuration capability");
	return cap;
}

int main(int argc, char **argv)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	char pci_dir[PATH_MAX], link[PATH_MAX], path[PATH_MAX];
	volatile uint8_t *status;
	struct virtio_pci_cap cap;
	long page = sysconf(_SC_PAGESIZE);
	uint32_t offset, base;
	unsigned int waited;
	uint8_t *map;
	size_t len;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: hyv-virtio-reset /sys/bus/virtio/devices/virtioN\n");
		return 2;
	}
	if (snprintf(link, sizeof(link), "%s/..", argv[1]) >= (int)sizeof(link))
		die_msg("path too long");
	if (!realpath(link, pci_dir))
		die(link);

	cap = find_common_cfg(pci_dir);
	offset = cap.offset;	/* little-endian, as is this program's host */
	base = offset & ~(uint32_t)(page - 1);
	len = offset - base + sizeof(struct virtio_pci_common_cfg);

	if (snprintf(path, sizeof(path), "%s/resource%u", pci_dir, cap.bar) >=
	    (int)sizeof(path))
		die_msg("path too long");
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		die(path);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, base);
	if (map == MAP_FAILED)
		die("mmap of the BAR");
	status = map + (offset - base) +
		 offsetof(struct virtio_pci_common_cfg, device_status);

	printf("device_status %#x -> 0 (BAR %u, offset %#x)\n", *status,
	       cap.bar, offset);
	*status = 0;
	for (waited = 0; *status; waited++) {
		if (waited == 500)
			die_msg("the device did not reset within 5 s");
		nanosleep(&tick, NULL);
	}
	printf("device_status reads 0: the device is reset\n");
	munmap(map, len);
	close(fd);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * hyv-virtio-reset VIRTIO_DEV: reset a virtio PCI device behind its
 * driver's back, as a hostile or buggy guest process with root can: write
 * 0 to device_status in the device's common configuration through the
 * virtio PCI configuration access capability (VIRTIO_PCI_CAP_PCI_CFG, a
 * window into the BARs in PCI config space, written through sysfs), then
 * wait until the status reads back 0, as the virtio spec asks of a driver
 * that resets a device.  (Mapping the BAR itself is refused while a driver
 * holds it: CONFIG_IO_STRICT_DEVMEM.)
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

/* The position of the virtio capability of @cfg_type in @cfg, or 0. */
static uint8_t find_cap(const uint8_t *cfg, uint8_t cfg_type)
{
	struct virtio_pci_cap cap;
	unsigned int hops;
	uint8_t pos;

	if (!(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	pos = cfg[PCI_CAPABILITY_LIST];
	for (hops = 0; pos && hops < 48; hops++, pos = cfg[pos + 1]) {
		if (pos > 256 - sizeof(struct virtio_pci_cfg_cap))
			break;
		memcpy(&cap, cfg + pos, sizeof(cap));
		if (cap.cap_vndr == PCI_CAP_ID_VNDR && cap.cfg_type == cfg_type)
			return pos;
	}
	return 0;
}

static void config_write(int fd, const void *buf, size_t len, off_t where)
{
	if (pwrite(fd, buf, len, where) != (ssize_t)len)
		die("write to PCI config space");
}

/*
 * One byte of the device's BAR @bar at @offset through the access window
 * at @window: written with @value unless @value is negative; returns what
 * it reads.
 */
static uint8_t window_access(int fd, uint8_t window, uint8_t bar,
			     uint32_t offset, int value)
{
	const uint32_t one = 1;	/* little-endian, as is this program's host */
	uint8_t byte;

	config_write(fd, &bar, 1, window + offsetof(struct virtio_pci_cap, bar));
	config_write(fd, &offset, 4,
		     window + offsetof(struct virtio_pci_cap, offset));
	config_write(fd, &one, 4, window + offsetof(struct virtio_pci_cap, length));
	if (value >= 0) {
		byte = value;
		config_write(fd, &byte, 1,
			     window + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data));
		return byte;
	}
	if (pread(fd, &byte, 1,
		  window + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data)) != 1)
		die("read from PCI config space");
	return byte;
}

int main(int argc, char **argv)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	char pci_dir[PATH_MAX], link[PATH_MAX], path[PATH_MAX];
	struct virtio_pci_cap common;
	uint8_t cfg[256], window, pos;
	unsigned int waited;
	uint32_t status_at;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: hyv-virtio-reset /sys/bus/virtio/devices/virtioN\n");
		return 2;
	}
	if (snprintf(link, sizeof(link), "%s/..", argv[1]) >= (int)sizeof(link))
		die_msg("path too long");
	if (!realpath(link, pci_dir))
		die(link);
	if (snprintf(path, sizeof(path), "%s/config", pci_dir) >= (int)sizeof(path))
		die_msg("path too long");
	fd = open(path, O_RDWR);
	if (fd < 0)
		die(path);
	if (pread(fd, cfg, sizeof(cfg), 0) != (ssize_t)sizeof(cfg))
		die_msg("cannot read 256 bytes of PCI config space (not root?)");

	pos = find_cap(cfg, VIRTIO_PCI_CAP_COMMON_CFG);
	window = find_cap(cfg, VIRTIO_PCI_CAP_PCI_CFG);
	if (!pos || !window)
		die_msg("no virtio common configuration or access capability");
	memcpy(&common, cfg + pos, sizeof(common));
	status_at = common.offset +
		    offsetof(struct virtio_pci_common_cfg, device_status);

	printf("device_status %#x -> 0 (BAR %u, offset %#x)\n",
	       window_access(fd, window, common.bar, status_at, -1), common.bar,
	       status_at);
	window_access(fd, window, common.bar, status_at, 0);
	for (waited = 0; window_access(fd, window, common.bar, status_at, -1);
	     waited++) {
		if (waited == 500)
			die_msg("the device did not reset within 5 s");
		nanosleep(&tick, NULL);
	}
	printf("device_status reads 0: the device is reset\n");
	close(fd);
	return 0;
}

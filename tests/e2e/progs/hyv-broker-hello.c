// SPDX-License-Identifier: GPL-2.0
/*
 * hyv-broker-hello SOCKET FILE: says HELLO to hyvd on SOCKET as QEMU does
 * (Documentation/broker-protocol.rst), with FILE as the relay fd ("pipe":
 * the read end of a new pipe), and prints hyvd's answer:
 *
 *   welcome status=N vm_id=N     hyvd answered (status 0 or -errno)
 *   closed                       hyvd closed the connection without one
 *   connect: ERROR               the socket refused the connection
 *
 * Exit 0 when a line above was printed, 1 on any other error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define HELLO_TYPE	1
#define WELCOME_TYPE	2
#define HELLO_LEN	152

struct hello_message {
	uint32_t type;
	uint32_t len;
	uint32_t version;
	uint32_t qemu_pid;
	uint8_t uuid[16];
	char name[64];
	char device_id[64];
} __attribute__((packed));

struct welcome_message {
	uint32_t type;
	uint32_t len;
	int32_t status;
	uint32_t vm_id;
} __attribute__((packed));

static int open_relay(const char *file)
{
	int fds[2];

	if (strcmp(file, "pipe"))
		return open(file, O_RDWR | O_CLOEXEC);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	return fds[0];
}

static int send_hello(int sock, int relay)
{
	struct hello_message hello = {
		.type = HELLO_TYPE,	/* little-endian host: x86 */
		.len = HELLO_LEN,
		.version = 1,
		.qemu_pid = (uint32_t)getpid(),
	};
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &hello, .iov_len = sizeof(hello) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	snprintf(hello.name, sizeof(hello.name), "hostile-%d", (int)getpid());
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &relay, sizeof(int));
	return sendmsg(sock, &msg, 0) == (ssize_t)sizeof(hello) ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct welcome_message welcome;
	size_t got = 0;
	int sock, relay;

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: hyv-broker-hello SOCKET FILE|pipe\n");
		return 1;
	}
	strcpy(addr.sun_path, argv[1]);
	relay = open_relay(argv[2]);
	if (relay < 0) {
		perror(argv[2]);
		return 1;
	}
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		perror("socket");
		return 1;
	}
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		printf("connect: %s\n", strerror(errno));
		return 0;
	}
	if (send_hello(sock, relay) < 0) {
		perror("sendmsg");
		return 1;
	}
	while (got < sizeof(welcome)) {
		ssize_t n = read(sock, (char *)&welcome + got, sizeof(welcome) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("read");
			return 1;
		}
		if (n == 0) {
			printf("closed\n");
			return 0;
		}
		got += (size_t)n;
	}
	if (welcome.type != WELCOME_TYPE || welcome.len != 8) {
		fprintf(stderr, "not a WELCOME: type %u len %u\n", welcome.type,
			welcome.len);
		return 1;
	}
	printf("welcome status=%d vm_id=%u\n", welcome.status, welcome.vm_id);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * hyv-async-watch DEVICE: open the verbs device DEVICE, say so on stdout,
 * then print every asynchronous event it reports until the device is lost
 * (IBV_EVENT_DEVICE_FATAL: exit 0) or the event channel fails (exit 1).
 *
 * End-to-end tests use it as "an application holding the device" to check
 * what a guest user sees when the device goes away under it.
 */
#include <stdio.h>
#include <infiniband/verbs.h>

#include "../../include/open_device.h"

int main(int argc, char **argv)
{
	struct ibv_async_event event;
	struct ibv_context *ctx;

	if (argc != 2) {
		fprintf(stderr, "usage: hyv-async-watch DEVICE\n");
		return 2;
	}
	ctx = open_device(argv[1]);
	if (!ctx) {
		fprintf(stderr, "hyv-async-watch: cannot open %s\n", argv[1]);
		return 1;
	}
	printf("opened %s\n", argv[1]);
	fflush(stdout);
	while (ibv_get_async_event(ctx, &event) == 0) {
		enum ibv_event_type type = event.event_type;

		printf("event %s\n", ibv_event_type_str(type));
		fflush(stdout);
		ibv_ack_async_event(&event);
		if (type == IBV_EVENT_DEVICE_FATAL) {
			ibv_close_device(ctx);
			return 0;
		}
	}
	perror("hyv-async-watch: ibv_get_async_event");
	return 1;
}

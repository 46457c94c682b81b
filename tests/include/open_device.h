/* SPDX-License-Identifier: GPL-2.0 */
/*
 * open_device(NAME): how the test and benchmark programs open a verbs
 * device by name; NULL if no device has that name or it cannot be opened.
 */
#ifndef HYV_TESTS_OPEN_DEVICE_H
#define HYV_TESTS_OPEN_DEVICE_H

#include <string.h>

#include <infiniband/verbs.h>

static inline struct ibv_context *open_device(const char *name)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct ibv_context *ctx = NULL;

	for (int i = 0; list && list[i]; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			ctx = ibv_open_device(list[i]);
	if (list)
		ibv_free_device_list(list);
	return ctx;
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Print one RTM_NEWLINK message read from a file through ip's own
 * print_linkinfo(), as "ip -d link show" would, so that test-print can
 * check the macvx print code without a kernel module.
 *
 * Usage: print-harness FILE [json]
 * test-print links it with the objects of build/iproute2/ip, with ip.o's
 * main() renamed out of the way.
 */
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>

#include "utils.h"
#include "json_print.h"
#include "ip_common.h"

int main(int argc, char **argv)
{
	static char buf[16384];
	struct nlmsghdr *n = (struct nlmsghdr *)buf;
	size_t len;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: print-harness FILE [json]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (len < sizeof(*n) || n->nlmsg_len > len) {
		fprintf(stderr, "%s: truncated netlink message\n", argv[1]);
		return 2;
	}

	json = argc > 2 && strcmp(argv[2], "json") == 0;
	show_details = 1;
	new_json_obj(json);
	open_json_object(NULL);
	print_linkinfo(n, stdout);
	close_json_object();
	delete_json_obj();
	return 0;
}

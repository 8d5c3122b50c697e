// SPDX-License-Identifier: GPL-2.0
/*
 * Small traffic tools for the macvx benchmark.
 *
 *   rr server PORT
 *	Accept TCP connections on PORT (IPv4 and IPv6) and echo every
 *	request byte back, one connection at a time.
 *   rr client ADDRESS PORT SECONDS
 *	Connect, send one byte and wait for its echo, as often as possible
 *	for SECONDS; print the completed transactions per second.
 *   rr sink PORT
 *	Wait for a first UDP datagram on PORT, then receive until none
 *	arrived for 1 s; print the count and the datagrams per second between
 *	the first and the last.
 *   rr send ADDRESS PORT SIZE COUNT
 *	Send COUNT UDP datagrams of SIZE payload bytes; print the count sent.
 *   rr flood ADDRESS PORT SIZE SECONDS
 *	Send UDP datagrams of SIZE payload bytes as fast as the socket takes
 *	them for SECONDS; print the count sent.
 *
 * Times come from CLOCK_MONOTONIC, which in a guest under QEMU's -icount
 * advances with the instructions executed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static long parse_num(const char *s, const char *name)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0) {
		fprintf(stderr, "rr: invalid %s '%s' (expected a positive integer)\n",
			name, s);
		exit(2);
	}
	return v;
}

/* Bind a dual-stack socket of @type to @port on all addresses. */
static int bind_any(int type, int port)
{
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(port),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	int one = 1, zero = 0;
	int fd;

	fd = socket(AF_INET6, type, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind");
	return fd;
}

/* Connect a socket of @type to @host port @port (numeric addresses). */
static int connect_to(int type, const char *host, const char *port)
{
	struct addrinfo hints = {
		.ai_socktype = type,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	};
	struct addrinfo *ai;
	int fd, err;

	err = getaddrinfo(host, port, &hints, &ai);
	if (err) {
		fprintf(stderr, "rr: invalid address %s port %s: %s\n", host,
			port, gai_strerror(err));
		exit(2);
	}
	fd = socket(ai->ai_family, type, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		die("connect");
	freeaddrinfo(ai);
	return fd;
}

static void __attribute__((noreturn)) rr_server(int port)
{
	int lfd = bind_any(SOCK_STREAM, port);
	int one = 1;
	char c;

	if (listen(lfd, 4) < 0)
		die("listen");
	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			die("accept");
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (read(fd, &c, 1) == 1)
			if (write(fd, &c, 1) != 1)
				break;
		close(fd);
	}
}

static int rr_client(const char *host, const char *port, long seconds)
{
	int fd = connect_to(SOCK_STREAM, host, port);
	double start, end, t;
	long count = 0;
	int one = 1;
	char c = 'x';

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	start = now();
	end = start + seconds;
	do {
		if (write(fd, &c, 1) != 1)
			die("write");
		if (read(fd, &c, 1) != 1)
			die("read");
		count++;
		/* The clock is read every 16 transactions, to keep its
		 * cost out of the measured rate.
		 */
		t = (count & 15) ? 0 : now();
	} while (!t || t < end);
	printf("%.1f\n", count / (t - start));
	close(fd);
	return 0;
}

static int udp_sink(int port)
{
	int fd = bind_any(SOCK_DGRAM, port);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	double first = 0, last = 0;
	long count = 0;
	char buf[65536];

	for (;;) {
		/* No timeout before the first datagram. Under QEMU's
		 * -icount sleep=off the guest clock jumps to the next timer
		 * whenever the guest waits for I/O, so a timeout could fire
		 * before the sender has even started.
		 */
		if (poll(&pfd, 1, count ? 1000 : -1) <= 0)
			break;
		if (recv(fd, buf, sizeof(buf), 0) < 0)
			die("recv");
		last = now();
		if (!count++)
			first = last;
	}
	printf("%ld %.0f\n", count,
	       count > 1 ? (count - 1) / (last - first) : 0.0);
	return 0;
}

static int udp_send(const char *host, const char *port, long size, long total)
{
	int fd = connect_to(SOCK_DGRAM, host, port);
	char *buf = calloc(1, size);
	long i;

	if (!buf)
		die("calloc");
	for (i = 0; i < total; i++) {
		/* send() returns ENOBUFS while the qdisc queue is full. */
		while (send(fd, buf, size, 0) < 0) {
			if (errno != ENOBUFS && errno != ECONNREFUSED)
				die("send");
			usleep(100);
		}
	}
	printf("%ld\n", total);
	return 0;
}

static int udp_flood(const char *host, const char *port, long size,
		     long seconds)
{
	int fd = connect_to(SOCK_DGRAM, host, port);
	char *buf = calloc(1, size);
	double end = now() + seconds;
	long count = 0;

	if (!buf)
		die("calloc");
	do {
		/* Blocking sends: the sender sleeps only while its socket
		 * buffer is full, never on a timer.
		 */
		if (send(fd, buf, size, 0) < 0) {
			if (errno != ENOBUFS && errno != ECONNREFUSED)
				die("send");
			continue;
		}
		count++;
	} while ((count & 63) || now() < end);
	printf("%ld\n", count);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		rr_server(parse_num(argv[2], "port"));
	if (argc == 5 && !strcmp(argv[1], "client"))
		return rr_client(argv[2], argv[3],
				 parse_num(argv[4], "seconds"));
	if (argc == 3 && !strcmp(argv[1], "sink"))
		return udp_sink(parse_num(argv[2], "port"));
	if (argc == 6 && !strcmp(argv[1], "send"))
		return udp_send(argv[2], argv[3], parse_num(argv[4], "size"),
				parse_num(argv[5], "count"));
	if (argc == 6 && !strcmp(argv[1], "flood"))
		return udp_flood(argv[2], argv[3], parse_num(argv[4], "size"),
				 parse_num(argv[5], "seconds"));
	fprintf(stderr,
		"usage: rr server PORT | rr client ADDRESS PORT SECONDS |\n"
		"       rr sink PORT | rr send ADDRESS PORT SIZE COUNT |\n"
		"       rr flood ADDRESS PORT SIZE SECONDS\n");
	return 2;
}

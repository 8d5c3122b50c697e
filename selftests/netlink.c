// SPDX-License-Identifier: GPL-2.0
/*
 * macvx control plane over raw netlink: the rtnetlink link kind "macvx"
 * and the generic netlink family "macvx".
 *
 * Every test runs in a network namespace of its own, made with
 * unshare(CLONE_NEWNET) in the forked test process, so devices go away
 * with the process. The test loads the module itself from $MACVX_KO when
 * /sys/module/macvx is absent (the shell tests may have unloaded it), and
 * skips when that fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/if_macsec.h>
#include <linux/macvx.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/*
 * The harness of Linux 6.1 has an unused handler parameter, and its
 * EXPECT_*() macros compare int literals with unsigned values, which the
 * -Wextra -Werror build of selftests/check would reject.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define BUF_SIZE	(256 * 1024)
#define SA_LIST_MAX	4	/* one SA per association number */
#define MAX_NEST	4

/* GCM-AES-128 as the kernel reports it, like macsec. */
#define CIPHER_DEFAULT_REPORTED	MACSEC_DEFAULT_CIPHER_ID

/* ---- module ---- */

/*
 * Return 0 when macvx is loaded, loading it from $MACVX_KO if needed.
 * finit_module() does not resolve dependencies, so the modules that
 * macvx.ko depends on (modinfo -F depends) are loaded with modprobe first.
 */
static int module_ensure(void)
{
	const char *path = getenv("MACVX_KO");
	struct stat st;
	int fd, ret;

	if (stat("/sys/module/macvx", &st) == 0)
		return 0;
	if (!path)
		return -ENOENT;
	if (system("modprobe -a -q udp_tunnel ip6_udp_tunnel"))
		fprintf(stderr, "# modprobe udp_tunnel ip6_udp_tunnel failed\n");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	if (ret < 0)
		ret = errno == EEXIST ? 0 : -errno;
	close(fd);
	return ret;
}

/* ---- message building ---- */

struct req {
	union {
		struct nlmsghdr nh;
		char buf[8192];
	};
	struct nlattr *nest[MAX_NEST];
	int depth;
};

static void *req_tail(struct req *r)
{
	return r->buf + NLMSG_ALIGN(r->nh.nlmsg_len);
}

static void req_init(struct req *r, uint16_t type, uint16_t flags,
		     const void *hdr, size_t hdr_len)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nh.nlmsg_len = NLMSG_LENGTH(hdr_len);
	memcpy(NLMSG_DATA(&r->nh), hdr, hdr_len);
}

static void req_put(struct req *r, uint16_t type, const void *data,
		    size_t len)
{
	struct nlattr *nla = req_tail(r);

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)nla + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(nla->nla_len);
}

static void req_put_u8(struct req *r, uint16_t type, uint8_t value)
{
	req_put(r, type, &value, sizeof(value));
}

static void req_put_u32(struct req *r, uint16_t type, uint32_t value)
{
	req_put(r, type, &value, sizeof(value));
}

static void req_put_u64(struct req *r, uint16_t type, uint64_t value)
{
	req_put(r, type, &value, sizeof(value));
}

static void req_put_str(struct req *r, uint16_t type, const char *s)
{
	req_put(r, type, s, strlen(s) + 1);
}

static void req_nest_begin(struct req *r, uint16_t type)
{
	r->nest[r->depth++] = req_tail(r);
	req_put(r, type | NLA_F_NESTED, NULL, 0);
}

static void req_nest_end(struct req *r)
{
	struct nlattr *nest = r->nest[--r->depth];

	nest->nla_len = (char *)req_tail(r) - (char *)nest;
}

/* ---- talking to the kernel ---- */

/* Result of one request: errno, extack message and every byte received. */
struct reply {
	int err;		/* 0 or a negative errno */
	char msg[256];		/* extack message, "" when none */
	bool has_offset;	/* extack named an attribute */
	char buf[BUF_SIZE];	/* every byte received, for searching */
	size_t len;
	struct nlmsghdr *first;	/* first non-error message, or NULL */
};

static int nl_open(int protocol)
{
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one))) {
		close(fd);
		return -errno;
	}
	return fd;
}

static void reply_parse_error(struct reply *rep, struct nlmsghdr *nh)
{
	struct nlmsgerr *e = NLMSG_DATA(nh);
	struct nlattr *nla;
	size_t offset;
	int rem;

	rep->err = e->error;
	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;

	offset = sizeof(*e);
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - sizeof(e->msg);
	nla = (struct nlattr *)((char *)e + NLMSG_ALIGN(offset));
	rem = (int)nh->nlmsg_len - NLMSG_HDRLEN - (int)NLMSG_ALIGN(offset);

	while (rem >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	       nla->nla_len <= rem) {
		size_t len = nla->nla_len - NLA_HDRLEN;

		if (nla->nla_type == NLMSGERR_ATTR_MSG) {
			if (len >= sizeof(rep->msg))
				len = sizeof(rep->msg) - 1;
			memcpy(rep->msg, (char *)nla + NLA_HDRLEN, len);
			rep->msg[len] = '\0';
		} else if (nla->nla_type == NLMSGERR_ATTR_OFFS) {
			rep->has_offset = true;
		}
		rem -= NLA_ALIGN(nla->nla_len);
		nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len));
	}
}

/*
 * Send @r and read until the ACK (or NLMSG_DONE for a dump). All bytes
 * received are kept in @rep->buf. Returns @rep->err.
 */
static int nl_talk(int fd, struct req *r, struct reply *rep)
{
	static uint32_t seq = 1;
	bool done = false;

	memset(rep, 0, sizeof(*rep));
	r->nh.nlmsg_seq = ++seq;
	if (send(fd, r->buf, r->nh.nlmsg_len, 0) < 0)
		return rep->err = -errno;

	while (!done) {
		char *chunk = rep->buf + rep->len;
		struct nlmsghdr *nh;
		ssize_t n;

		if (rep->len + 65536 > sizeof(rep->buf))
			return rep->err = -ENOBUFS;
		n = recv(fd, chunk, sizeof(rep->buf) - rep->len, 0);
		if (n < 0)
			return rep->err = -errno;
		rep->len += n;

		for (nh = (struct nlmsghdr *)chunk; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != r->nh.nlmsg_seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				reply_parse_error(rep, nh);
				done = true;
				break;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				/* A dump's DONE carries an error code. */
				if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					rep->err = *(int *)NLMSG_DATA(nh);
				done = true;
				break;
			}
			if (!rep->first)
				rep->first = nh;
		}
	}
	return rep->err;
}

static bool is_word_char(char c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

/* Return true when @name occurs in @msg as a whole word. */
static bool msg_names(const char *msg, const char *name)
{
	size_t len = strlen(name);
	const char *p = msg;

	while ((p = strstr(p, name))) {
		if ((p == msg || !is_word_char(p[-1])) &&
		    !is_word_char(p[len]))
			return true;
		p += len;
	}
	return false;
}

static bool mem_contains(const void *hay, size_t hay_len, const void *needle,
			 size_t needle_len)
{
	return memmem(hay, hay_len, needle, needle_len) != NULL;
}

/* ---- attribute parsing ---- */

static void parse_attrs(struct nlattr **tb, int max, void *data, int len)
{
	struct nlattr *nla = data;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (len >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	       nla->nla_len <= len) {
		int type = nla->nla_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = nla;
		len -= NLA_ALIGN(nla->nla_len);
		nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len));
	}
}

static void *nla_payload(const struct nlattr *nla)
{
	return (char *)nla + NLA_HDRLEN;
}

static int nla_payload_len(const struct nlattr *nla)
{
	return nla->nla_len - NLA_HDRLEN;
}

static void parse_nested(struct nlattr **tb, int max, struct nlattr *nest)
{
	parse_attrs(tb, max, nla_payload(nest), nla_payload_len(nest));
}

static uint8_t get_u8(const struct nlattr *nla)
{
	return *(uint8_t *)nla_payload(nla);
}

static uint16_t get_u16(const struct nlattr *nla)
{
	uint16_t v;

	memcpy(&v, nla_payload(nla), sizeof(v));
	return v;
}

static uint32_t get_u32(const struct nlattr *nla)
{
	uint32_t v;

	memcpy(&v, nla_payload(nla), sizeof(v));
	return v;
}

static uint64_t get_u64(const struct nlattr *nla)
{
	uint64_t v;

	memcpy(&v, nla_payload(nla), sizeof(v));
	return v;
}

/* ---- rtnetlink links ---- */

/* A macvx device as RTM_GETLINK returned it. */
struct link {
	char buf[8192];
	int ifindex;
	uint32_t mtu;
	uint8_t addr[6];
	char kind[16];
	void *data;		/* IFLA_INFO_DATA payload, copied to buf */
	int data_len;
	struct nlattr *tb[IFLA_MACVX_MAX + 1];
};

/* Return 0 and fill @l, or a negative errno (-ENODEV: no such device). */
static int link_get(int fd, const char *name, struct link *l)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	static struct reply rep;
	struct req r;
	int err;

	memset(l, 0, sizeof(*l));
	req_init(&r, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	req_put_str(&r, IFLA_IFNAME, name);
	err = nl_talk(fd, &r, &rep);
	if (err)
		return err;
	if (!rep.first)
		return -ENOMSG;

	l->ifindex = ((struct ifinfomsg *)NLMSG_DATA(rep.first))->ifi_index;
	parse_attrs(tb, IFLA_MAX, (char *)NLMSG_DATA(rep.first) +
		    NLMSG_ALIGN(sizeof(ifi)),
		    rep.first->nlmsg_len - NLMSG_LENGTH(sizeof(ifi)));
	if (tb[IFLA_MTU])
		l->mtu = get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_ADDRESS] && nla_payload_len(tb[IFLA_ADDRESS]) == 6)
		memcpy(l->addr, nla_payload(tb[IFLA_ADDRESS]), 6);
	if (!tb[IFLA_LINKINFO])
		return 0;
	parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO]);
	if (info[IFLA_INFO_KIND])
		snprintf(l->kind, sizeof(l->kind), "%s",
			 (char *)nla_payload(info[IFLA_INFO_KIND]));
	if (!info[IFLA_INFO_DATA])
		return 0;
	l->data_len = nla_payload_len(info[IFLA_INFO_DATA]);
	if (l->data_len > (int)sizeof(l->buf))
		return -EMSGSIZE;
	memcpy(l->buf, nla_payload(info[IFLA_INFO_DATA]), l->data_len);
	l->data = l->buf;
	parse_attrs(l->tb, IFLA_MACVX_MAX, l->data, l->data_len);
	return 0;
}

/*
 * Start an RTM_NEWLINK for kind @kind: with NLM_F_CREATE for a new device
 * @name, or a change of the device @ifindex. IFLA_INFO_DATA is left open
 * for the caller; link_req_end() closes it.
 */
static void link_req_begin(struct req *r, const char *kind, const char *name,
			   int ifindex)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = ifindex,
	};
	uint16_t flags = ifindex ? 0 : NLM_F_CREATE | NLM_F_EXCL;

	req_init(r, RTM_NEWLINK, flags, &ifi, sizeof(ifi));
	if (name)
		req_put_str(r, IFLA_IFNAME, name);
	req_nest_begin(r, IFLA_LINKINFO);
	req_put_str(r, IFLA_INFO_KIND, kind);
	req_nest_begin(r, IFLA_INFO_DATA);
}

static void link_req_end(struct req *r)
{
	while (r->depth)
		req_nest_end(r);
}

static int link_del(int fd, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	static struct reply rep;
	struct req r;

	req_init(&r, RTM_DELLINK, 0, &ifi, sizeof(ifi));
	req_put_str(&r, IFLA_IFNAME, name);
	return nl_talk(fd, &r, &rep);
}

/* Create a dummy underlay @name with @mtu; returns its ifindex or -errno. */
static int underlay_add(int fd, const char *name, uint32_t mtu)
{
	static struct reply rep;
	struct link l;
	struct req r;
	int err;

	link_req_begin(&r, "dummy", name, 0);
	r.depth--;		/* dummy takes no IFLA_INFO_DATA: drop it */
	r.nh.nlmsg_len = (char *)r.nest[r.depth] - r.buf;
	link_req_end(&r);
	req_put_u32(&r, IFLA_MTU, mtu);
	err = nl_talk(fd, &r, &rep);
	if (err)
		return err;
	err = link_get(fd, name, &l);
	return err ? err : l.ifindex;
}

static int set_mtu(int fd, int ifindex, uint32_t mtu)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = ifindex,
	};
	static struct reply rep;
	struct req r;

	req_init(&r, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	req_put_u32(&r, IFLA_MTU, mtu);
	return nl_talk(fd, &r, &rep);
}

/* One IFLA_MACVX_* attribute to send, up to 16 bytes of payload. */
struct attr {
	uint16_t type;
	uint16_t len;
	union {
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
		uint8_t bytes[16];
	} v;
};

#define A_U8(t, x)	{ IFLA_MACVX_##t, 1, { .u8 = (x) } }
#define A_U16(t, x)	{ IFLA_MACVX_##t, 2, { .u16 = (x) } }
#define A_U32(t, x)	{ IFLA_MACVX_##t, 4, { .u32 = (x) } }
#define A_U64(t, x)	{ IFLA_MACVX_##t, 8, { .u64 = (x) } }
#define A_END		{ 0, 0, { .u64 = 0 } }

static struct attr a_in4(uint16_t type, const char *text)
{
	struct attr a = { .type = type, .len = 4 };

	inet_pton(AF_INET, text, a.v.bytes);
	return a;
}

static struct attr a_in6(uint16_t type, const char *text)
{
	struct attr a = { .type = type, .len = 16 };

	inet_pton(AF_INET6, text, a.v.bytes);
	return a;
}

static bool attrs_have(const struct attr *attrs, uint16_t type)
{
	for (; attrs->type; attrs++)
		if (attrs->type == type)
			return true;
	return false;
}

static void req_put_attrs(struct req *r, const struct attr *attrs)
{
	for (; attrs->type; attrs++)
		req_put(r, attrs->type, attrs->v.bytes, attrs->len);
}

/* Create macvx @name from @attrs (plus ID 42 when they carry no ID). */
static int macvx_add(int fd, const char *name, const struct attr *attrs,
		     struct reply *rep)
{
	struct req r;

	link_req_begin(&r, "macvx", name, 0);
	if (!attrs_have(attrs, IFLA_MACVX_ID))
		req_put_u32(&r, IFLA_MACVX_ID, 42);
	req_put_attrs(&r, attrs);
	link_req_end(&r);
	return nl_talk(fd, &r, rep);
}

static int macvx_change(int fd, int ifindex, const struct attr *attrs,
			struct reply *rep)
{
	struct req r;

	link_req_begin(&r, "macvx", NULL, ifindex);
	req_put_attrs(&r, attrs);
	link_req_end(&r);
	return nl_talk(fd, &r, rep);
}

static const char * const attr_names[IFLA_MACVX_MAX + 1] = {
#define NAME(x) [IFLA_MACVX_##x] = "IFLA_MACVX_" #x
	NAME(SCI), NAME(PORT), NAME(ICV_LEN), NAME(CIPHER_SUITE),
	NAME(WINDOW), NAME(ENCODING_SA), NAME(ENCRYPT), NAME(PROTECT),
	NAME(INC_SCI), NAME(ES), NAME(SCB), NAME(REPLAY_PROTECT),
	NAME(VALIDATION), NAME(PAD), NAME(OFFLOAD), NAME(ID), NAME(REMOTE),
	NAME(REMOTE6), NAME(LOCAL), NAME(LOCAL6), NAME(LINK), NAME(PORT_DST),
	NAME(PORT_RANGE), NAME(TTL), NAME(TOS), NAME(DF), NAME(LABEL),
	NAME(UDP_CSUM), NAME(UDP_ZERO_CSUM6_TX), NAME(UDP_ZERO_CSUM6_RX),
#undef NAME
};

/* Payload length of each attribute, as the uapi header defines it. */
static const uint8_t attr_lens[IFLA_MACVX_MAX + 1] = {
	[IFLA_MACVX_SCI] = 8, [IFLA_MACVX_PORT] = 2,
	[IFLA_MACVX_ICV_LEN] = 1, [IFLA_MACVX_CIPHER_SUITE] = 8,
	[IFLA_MACVX_WINDOW] = 4, [IFLA_MACVX_ENCODING_SA] = 1,
	[IFLA_MACVX_ENCRYPT] = 1, [IFLA_MACVX_PROTECT] = 1,
	[IFLA_MACVX_INC_SCI] = 1, [IFLA_MACVX_ES] = 1, [IFLA_MACVX_SCB] = 1,
	[IFLA_MACVX_REPLAY_PROTECT] = 1, [IFLA_MACVX_VALIDATION] = 1,
	[IFLA_MACVX_OFFLOAD] = 1, [IFLA_MACVX_ID] = 4,
	[IFLA_MACVX_REMOTE] = 4, [IFLA_MACVX_REMOTE6] = 16,
	[IFLA_MACVX_LOCAL] = 4, [IFLA_MACVX_LOCAL6] = 16,
	[IFLA_MACVX_LINK] = 4, [IFLA_MACVX_PORT_DST] = 2,
	[IFLA_MACVX_PORT_RANGE] = 4, [IFLA_MACVX_TTL] = 1,
	[IFLA_MACVX_TOS] = 1, [IFLA_MACVX_DF] = 1, [IFLA_MACVX_LABEL] = 4,
	[IFLA_MACVX_UDP_CSUM] = 1, [IFLA_MACVX_UDP_ZERO_CSUM6_TX] = 1,
	[IFLA_MACVX_UDP_ZERO_CSUM6_RX] = 1,
};

/* Return a description of the first difference outside @changed (a mask
 * of attribute types that may differ), or NULL when there is none.
 */
static const char *link_diff(const struct link *a, const struct link *b,
			     uint64_t changed)
{
	int i;

	if (a->mtu != b->mtu && !(changed & (1ULL << 63)))
		return "MTU";
	for (i = 1; i <= IFLA_MACVX_MAX; i++) {
		const struct nlattr *x = a->tb[i], *y = b->tb[i];

		if (changed & (1ULL << i))
			continue;
		if (!x && !y)
			continue;
		if (!x || !y || x->nla_len != y->nla_len ||
		    memcmp(nla_payload(x), nla_payload(y), nla_payload_len(x)))
			return attr_names[i];
	}
	return NULL;
}

#define BIT(n)		(1ULL << (n))
#define MTU_CHANGES	BIT(63)

/* ---- rtnetlink fixture ---- */

FIXTURE(rtnl) {
	int fd;
	int underlay;		/* ifindex of dummy "ul0", MTU 1500 */
	struct reply rep;
	struct link before;
	struct link after;
};

FIXTURE_SETUP(rtnl)
{

	self->fd = -1;
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s",
						   strerror(errno));
	self->fd = nl_open(NETLINK_ROUTE);
	ASSERT_LE(0, self->fd) TH_LOG("rtnetlink socket: %s",
				      strerror(-self->fd));
	self->underlay = underlay_add(self->fd, "ul0", 1500);
	ASSERT_LT(0, self->underlay) TH_LOG("dummy ul0: %s (%s)",
					    strerror(-self->underlay),
					    self->rep.msg);
}

FIXTURE_TEARDOWN(rtnl)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Check attribute values of a read-back link. */
#define EXPECT_ATTR_U8(l, t, x) do {					\
	ASSERT_NE(NULL, (l)->tb[IFLA_MACVX_##t]) TH_LOG(#t " missing");	\
	EXPECT_EQ((x), get_u8((l)->tb[IFLA_MACVX_##t])) TH_LOG(#t);	\
} while (0)
#define EXPECT_ATTR_U16(l, t, x) do {					\
	ASSERT_NE(NULL, (l)->tb[IFLA_MACVX_##t]) TH_LOG(#t " missing");	\
	EXPECT_EQ((x), get_u16((l)->tb[IFLA_MACVX_##t])) TH_LOG(#t);	\
} while (0)
#define EXPECT_ATTR_U32(l, t, x) do {					\
	ASSERT_NE(NULL, (l)->tb[IFLA_MACVX_##t]) TH_LOG(#t " missing");	\
	EXPECT_EQ((x), get_u32((l)->tb[IFLA_MACVX_##t])) TH_LOG(#t);	\
} while (0)
#define EXPECT_ATTR_U64(l, t, x) do {					\
	ASSERT_NE(NULL, (l)->tb[IFLA_MACVX_##t]) TH_LOG(#t " missing");	\
	EXPECT_EQ((uint64_t)(x), get_u64((l)->tb[IFLA_MACVX_##t]))	\
		TH_LOG(#t);						\
} while (0)
#define EXPECT_ATTR_BYTES(l, t, p, n) do {				\
	ASSERT_NE(NULL, (l)->tb[IFLA_MACVX_##t]) TH_LOG(#t " missing");	\
	ASSERT_EQ((n), nla_payload_len((l)->tb[IFLA_MACVX_##t]))	\
		TH_LOG(#t " length");					\
	EXPECT_EQ(0, memcmp((p), nla_payload((l)->tb[IFLA_MACVX_##t]),	\
			    (n))) TH_LOG(#t " bytes");			\
} while (0)

TEST_F(rtnl, create_defaults)
{
	struct attr attrs[] = { A_U32(ID, 1000), A_END };
	struct link *l = &self->after;

	ASSERT_EQ(0, macvx_add(self->fd, "mvx0", attrs, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->fd, "mvx0", l));
	EXPECT_STREQ("macvx", l->kind);
	EXPECT_ATTR_U32(l, ID, 1000);
	EXPECT_ATTR_U8(l, ENCRYPT, 1);
	EXPECT_ATTR_U16(l, PORT_DST, htons(MACVX_DEFAULT_PORT));
	EXPECT_ATTR_U8(l, ICV_LEN, 16);
	EXPECT_ATTR_U8(l, PROTECT, 1);
	EXPECT_ATTR_U8(l, INC_SCI, 1);
	EXPECT_ATTR_U8(l, ES, 0);
	EXPECT_ATTR_U8(l, SCB, 0);
	EXPECT_ATTR_U8(l, REPLAY_PROTECT, 0);
	EXPECT_ATTR_U8(l, VALIDATION, MACSEC_VALIDATE_STRICT);
	EXPECT_ATTR_U8(l, ENCODING_SA, 0);
	EXPECT_ATTR_U8(l, UDP_CSUM, 1);
	EXPECT_ATTR_U8(l, UDP_ZERO_CSUM6_TX, 0);
	EXPECT_ATTR_U8(l, UDP_ZERO_CSUM6_RX, 0);
	EXPECT_ATTR_U8(l, TTL, 0);
	EXPECT_ATTR_U8(l, TOS, 0);
	EXPECT_ATTR_U8(l, DF, VXLAN_DF_UNSET);
	EXPECT_ATTR_U64(l, CIPHER_SUITE, CIPHER_DEFAULT_REPORTED);
	EXPECT_EQ(NULL, l->tb[IFLA_MACVX_REMOTE]);
	EXPECT_EQ(NULL, l->tb[IFLA_MACVX_REMOTE6]);
	EXPECT_EQ(NULL, l->tb[IFLA_MACVX_LINK]);

	/* The default SCI is the device MAC address and port 1. */
	ASSERT_NE(NULL, l->tb[IFLA_MACVX_SCI]);
	EXPECT_EQ(0, memcmp(nla_payload(l->tb[IFLA_MACVX_SCI]), l->addr, 6));
	EXPECT_EQ(0, ((uint8_t *)nla_payload(l->tb[IFLA_MACVX_SCI]))[6]);
	EXPECT_EQ(1, ((uint8_t *)nla_payload(l->tb[IFLA_MACVX_SCI]))[7]);

	EXPECT_EQ(0, link_del(self->fd, "mvx0"));
	EXPECT_EQ(-ENODEV, link_get(self->fd, "mvx0", l));
}

TEST_F(rtnl, mtu_ipv4_link)
{
	struct attr attrs[] = {
		A_U32(LINK, self->underlay),
		a_in4(IFLA_MACVX_REMOTE, "192.0.2.2"),
		A_END,
	};

	ASSERT_EQ(0, macvx_add(self->fd, "mvx0", attrs, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->after));
	EXPECT_EQ(1418, self->after.mtu);
	EXPECT_ATTR_U32(&self->after, LINK, self->underlay);

	/* The device follows its underlay's MTU, as vxlan does. */
	ASSERT_EQ(0, set_mtu(self->fd, self->underlay, 1400));
	ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->after));
	EXPECT_EQ(1318, self->after.mtu);
}

TEST_F(rtnl, mtu_ipv6_link)
{
	struct attr attrs[] = {
		A_U32(LINK, self->underlay),
		a_in6(IFLA_MACVX_REMOTE6, "2001:db8::2"),
		A_END,
	};

	ASSERT_EQ(0, macvx_add(self->fd, "mvx0", attrs, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->after));
	EXPECT_EQ(1398, self->after.mtu);
}

TEST_F(rtnl, mtu_too_large)
{
	struct attr attrs[] = { A_U32(LINK, self->underlay), A_END };
	struct req r;

	link_req_begin(&r, "macvx", "mvx0", 0);
	req_put_attrs(&r, (struct attr[]){ A_U32(ID, 5), A_END });
	req_put_attrs(&r, attrs);
	link_req_end(&r);
	req_put_u32(&r, IFLA_MTU, 1500);
	EXPECT_EQ(-EINVAL, nl_talk(self->fd, &r, &self->rep));
	EXPECT_NE(NULL, strstr(self->rep.msg, "mtu")) TH_LOG("message: %s",
							     self->rep.msg);
	EXPECT_EQ(-ENODEV, link_get(self->fd, "mvx0", &self->after));
}

TEST_F(rtnl, roundtrip_vxlan4)
{
	struct ifla_vxlan_port_range range = {
		.low = htons(40000), .high = htons(40100),
	};
	struct attr attrs[] = {
		A_U32(ID, 0xffffff),
		a_in4(IFLA_MACVX_REMOTE, "192.0.2.2"),
		a_in4(IFLA_MACVX_LOCAL, "192.0.2.1"),
		A_U32(LINK, self->underlay),
		A_U16(PORT_DST, htons(8472)),
		{ IFLA_MACVX_PORT_RANGE, 4, { .u32 = 0 } },
		A_U8(TTL, 33),
		A_U8(TOS, 0x28),
		A_U8(DF, VXLAN_DF_INHERIT),
		A_U8(UDP_CSUM, 0),
		A_U8(OFFLOAD, MACSEC_OFFLOAD_OFF),
		A_END,
	};
	struct link *l = &self->after;
	uint8_t addr[4];

	memcpy(attrs[5].v.bytes, &range, sizeof(range));
	ASSERT_EQ(0, macvx_add(self->fd, "mvx0", attrs, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->fd, "mvx0", l));
	EXPECT_ATTR_U32(l, ID, 0xffffff);
	inet_pton(AF_INET, "192.0.2.2", addr);
	EXPECT_ATTR_BYTES(l, REMOTE, addr, 4);
	inet_pton(AF_INET, "192.0.2.1", addr);
	EXPECT_ATTR_BYTES(l, LOCAL, addr, 4);
	EXPECT_ATTR_U32(l, LINK, self->underlay);
	EXPECT_ATTR_U16(l, PORT_DST, htons(8472));
	EXPECT_ATTR_BYTES(l, PORT_RANGE, &range, 4);
	EXPECT_ATTR_U8(l, TTL, 33);
	EXPECT_ATTR_U8(l, TOS, 0x28);
	EXPECT_ATTR_U8(l, DF, VXLAN_DF_INHERIT);
	EXPECT_ATTR_U8(l, UDP_CSUM, 0);
	EXPECT_EQ(1418, l->mtu);
	EXPECT_EQ(0, link_del(self->fd, "mvx0"));
	EXPECT_EQ(-ENODEV, link_get(self->fd, "mvx0", l));
}

TEST_F(rtnl, roundtrip_vxlan6)
{
	struct attr attrs[] = {
		a_in6(IFLA_MACVX_REMOTE6, "2001:db8::2"),
		a_in6(IFLA_MACVX_LOCAL6, "2001:db8::1"),
		{ IFLA_MACVX_LABEL, 4, { .u32 = htonl(0xfffff) } },
		A_U8(UDP_ZERO_CSUM6_TX, 1),
		A_U8(UDP_ZERO_CSUM6_RX, 1),
		A_U8(DF, VXLAN_DF_SET),
		A_END,
	};
	struct link *l = &self->after;
	uint8_t addr[16];

	ASSERT_EQ(0, macvx_add(self->fd, "mvx0", attrs, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->fd, "mvx0", l));
	inet_pton(AF_INET6, "2001:db8::2", addr);
	EXPECT_ATTR_BYTES(l, REMOTE6, addr, 16);
	inet_pton(AF_INET6, "2001:db8::1", addr);
	EXPECT_ATTR_BYTES(l, LOCAL6, addr, 16);
	EXPECT_EQ(NULL, l->tb[IFLA_MACVX_REMOTE]);
	EXPECT_ATTR_U32(l, LABEL, htonl(0xfffff));
	EXPECT_ATTR_U8(l, UDP_ZERO_CSUM6_TX, 1);
	EXPECT_ATTR_U8(l, UDP_ZERO_CSUM6_RX, 1);
	EXPECT_ATTR_U8(l, DF, VXLAN_DF_SET);
	/* No underlay: 1500 less the IPv6 overhead. */
	EXPECT_EQ(1398, l->mtu);
}

TEST_F(rtnl, roundtrip_secy)
{
	uint8_t sci[8] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x07 };
	struct attr attrs[] = {
		{ IFLA_MACVX_SCI, 8, { .u64 = 0 } },
		A_U8(ICV_LEN, 12),
		A_U32(WINDOW, 128),
		A_U8(REPLAY_PROTECT, 1),
		A_U8(ENCODING_SA, 3),
		A_U8(ENCRYPT, 0),
		A_U8(PROTECT, 0),
		A_U8(INC_SCI, 0),
		A_U8(ES, 1),
		A_U8(SCB, 0),
		A_U8(VALIDATION, MACSEC_VALIDATE_CHECK),
		A_END,
	};
	struct link *l = &self->after;

	memcpy(attrs[0].v.bytes, sci, 8);
	ASSERT_EQ(0, macvx_add(self->fd, "mvx0", attrs, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->fd, "mvx0", l));
	EXPECT_ATTR_BYTES(l, SCI, sci, 8);
	EXPECT_ATTR_U8(l, ICV_LEN, 12);
	EXPECT_ATTR_U32(l, WINDOW, 128);
	EXPECT_ATTR_U8(l, REPLAY_PROTECT, 1);
	EXPECT_ATTR_U8(l, ENCODING_SA, 3);
	EXPECT_ATTR_U8(l, ENCRYPT, 0);
	EXPECT_ATTR_U8(l, PROTECT, 0);
	EXPECT_ATTR_U8(l, INC_SCI, 0);
	EXPECT_ATTR_U8(l, ES, 1);
	EXPECT_ATTR_U8(l, SCB, 0);
	EXPECT_ATTR_U8(l, VALIDATION, MACSEC_VALIDATE_CHECK);
	/* A shorter ICV leaves more room for the payload. */
	EXPECT_EQ(1422, l->mtu);
}

TEST_F(rtnl, roundtrip_scb_port)
{
	struct attr attrs[] = {
		A_U16(PORT, htons(0x1234)),
		A_U8(INC_SCI, 0),
		A_U8(ES, 0),
		A_U8(SCB, 1),
		A_U8(VALIDATION, MACSEC_VALIDATE_DISABLED),
		A_END,
	};
	struct link *l = &self->after;
	uint8_t *sci;

	ASSERT_EQ(0, macvx_add(self->fd, "mvx0", attrs, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->fd, "mvx0", l));
	EXPECT_ATTR_U8(l, SCB, 1);
	EXPECT_ATTR_U8(l, ES, 0);
	EXPECT_ATTR_U8(l, INC_SCI, 0);
	EXPECT_ATTR_U8(l, VALIDATION, MACSEC_VALIDATE_DISABLED);
	/* PORT without SCI: the SCI is the MAC address and this port. */
	ASSERT_NE(NULL, l->tb[IFLA_MACVX_SCI]);
	sci = nla_payload(l->tb[IFLA_MACVX_SCI]);
	EXPECT_EQ(0, memcmp(sci, l->addr, 6));
	EXPECT_EQ(0x12, sci[6]);
	EXPECT_EQ(0x34, sci[7]);
}

TEST_F(rtnl, cipher_suites)
{
	static const struct {
		uint64_t sent;
		uint64_t reported;
		const char *name;
	} suites[] = {
		{ MACSEC_DEFAULT_CIPHER_ID, MACSEC_DEFAULT_CIPHER_ID,
		  "default id" },
		{ MACSEC_CIPHER_ID_GCM_AES_128, MACSEC_DEFAULT_CIPHER_ID,
		  "GCM-AES-128" },
		{ MACSEC_CIPHER_ID_GCM_AES_256, MACSEC_CIPHER_ID_GCM_AES_256,
		  "GCM-AES-256" },
		{ MACSEC_CIPHER_ID_GCM_AES_XPN_128,
		  MACSEC_CIPHER_ID_GCM_AES_XPN_128, "GCM-AES-XPN-128" },
		{ MACSEC_CIPHER_ID_GCM_AES_XPN_256,
		  MACSEC_CIPHER_ID_GCM_AES_XPN_256, "GCM-AES-XPN-256" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		struct attr attrs[] = {
			A_U64(CIPHER_SUITE, suites[i].sent), A_END,
		};

		ASSERT_EQ(0, macvx_add(self->fd, "mvx0", attrs, &self->rep))
			TH_LOG("%s: %s", suites[i].name, self->rep.msg);
		ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->after));
		ASSERT_NE(NULL, self->after.tb[IFLA_MACVX_CIPHER_SUITE]);
		EXPECT_EQ(suites[i].reported,
			  get_u64(self->after.tb[IFLA_MACVX_CIPHER_SUITE]))
			TH_LOG("%s", suites[i].name);
		ASSERT_EQ(0, link_del(self->fd, "mvx0"));
	}
}

TEST_F(rtnl, xpn_window_max)
{
	struct attr attrs[] = {
		A_U64(CIPHER_SUITE, MACSEC_CIPHER_ID_GCM_AES_XPN_128),
		A_U32(WINDOW, (1U << 30) - 1),
		A_U8(REPLAY_PROTECT, 1),
		A_END,
	};

	ASSERT_EQ(0, macvx_add(self->fd, "mvx0", attrs, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->after));
	EXPECT_ATTR_U32(&self->after, WINDOW, (1U << 30) - 1);
}

/* Check that every attribute sent with a wrong length is rejected. */
TEST_F(rtnl, bad_length)
{
	int type;

	for (type = 1; type <= IFLA_MACVX_MAX; type++) {
		uint16_t wrong[2];
		int i;

		if (!attr_lens[type])
			continue;
		/* One byte short and one byte long (u8 as u16, etc.). */
		wrong[0] = attr_lens[type] - 1;
		wrong[1] = attr_lens[type] == 1 ? 4 : attr_lens[type] + 1;
		for (i = 0; i < 2; i++) {
			struct attr attrs[] = {
				{ type, wrong[i], { .u64 = 0 } }, A_END,
			};
			int err;

			err = macvx_add(self->fd, "mvx0", attrs, &self->rep);
			EXPECT_EQ(-EINVAL, err)
				TH_LOG("%s with %u bytes", attr_names[type],
				       wrong[i]);
			EXPECT_TRUE(msg_names(self->rep.msg, attr_names[type]))
				TH_LOG("%s with %u bytes, message: \"%s\"",
				       attr_names[type], wrong[i],
				       self->rep.msg);
			EXPECT_EQ(-ENODEV,
				  link_get(self->fd, "mvx0", &self->after))
				TH_LOG("%s with %u bytes created a device",
				       attr_names[type], wrong[i]);
			if (!err)
				link_del(self->fd, "mvx0");
		}
	}
}

/* A rejected newlink case: the attributes, the errno, and the attribute
 * that the extack message must name.
 */
struct bad_case {
	const char *what;
	struct attr attrs[6];
	int err;
	const char *names;
};

static void run_bad_newlink(struct __test_metadata *_metadata,
			    FIXTURE_DATA(rtnl) *self,
			    const struct bad_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct bad_case *c = &cases[i];
		int err;

		err = macvx_add(self->fd, "mvx9", c->attrs, &self->rep);
		EXPECT_EQ(c->err, err) TH_LOG("%s: got %d (%s)", c->what, err,
					      self->rep.msg);
		EXPECT_TRUE(msg_names(self->rep.msg, c->names))
			TH_LOG("%s: message \"%s\" does not name %s", c->what,
			       self->rep.msg, c->names);
		EXPECT_EQ(-ENODEV, link_get(self->fd, "mvx9", &self->after))
			TH_LOG("%s: the device exists", c->what);
		if (!err)
			link_del(self->fd, "mvx9");
	}
}

#define N_CASES(c)	(sizeof(c) / sizeof((c)[0]))

TEST_F(rtnl, bad_range)
{
	const struct bad_case cases[] = {
		{ "icvlen 7", { A_U8(ICV_LEN, 7), A_END }, -EINVAL,
		  "IFLA_MACVX_ICV_LEN" },
		{ "icvlen 17", { A_U8(ICV_LEN, 17), A_END }, -EINVAL,
		  "IFLA_MACVX_ICV_LEN" },
		{ "encodingsa 4", { A_U8(ENCODING_SA, 4), A_END }, -EINVAL,
		  "IFLA_MACVX_ENCODING_SA" },
		{ "validation 3", { A_U8(VALIDATION, 3), A_END }, -EINVAL,
		  "IFLA_MACVX_VALIDATION" },
		{ "df 3", { A_U8(DF, 3), A_END }, -EINVAL, "IFLA_MACVX_DF" },
		{ "id 2^24", { A_U32(ID, 1U << 24), A_END }, -EINVAL,
		  "IFLA_MACVX_ID" },
		{ "label 2^20",
		  { a_in6(IFLA_MACVX_REMOTE6, "2001:db8::2"),
		    { IFLA_MACVX_LABEL, 4, { .u32 = htonl(1U << 20) } },
		    A_END }, -EINVAL, "IFLA_MACVX_LABEL" },
		{ "encrypt 2", { A_U8(ENCRYPT, 2), A_END }, -EINVAL,
		  "IFLA_MACVX_ENCRYPT" },
		{ "protect 2", { A_U8(PROTECT, 2), A_END }, -EINVAL,
		  "IFLA_MACVX_PROTECT" },
		{ "inc_sci 2", { A_U8(INC_SCI, 2), A_END }, -EINVAL,
		  "IFLA_MACVX_INC_SCI" },
		{ "es 2", { A_U8(ES, 2), A_END }, -EINVAL, "IFLA_MACVX_ES" },
		{ "scb 2", { A_U8(SCB, 2), A_END }, -EINVAL,
		  "IFLA_MACVX_SCB" },
		{ "replay 2", { A_U8(REPLAY_PROTECT, 2), A_U32(WINDOW, 1),
				A_END }, -EINVAL,
		  "IFLA_MACVX_REPLAY_PROTECT" },
		{ "udp_csum 2", { A_U8(UDP_CSUM, 2), A_END }, -EINVAL,
		  "IFLA_MACVX_UDP_CSUM" },
		{ "zero_csum6_tx 2", { A_U8(UDP_ZERO_CSUM6_TX, 2), A_END },
		  -EINVAL, "IFLA_MACVX_UDP_ZERO_CSUM6_TX" },
		{ "zero_csum6_rx 2", { A_U8(UDP_ZERO_CSUM6_RX, 2), A_END },
		  -EINVAL, "IFLA_MACVX_UDP_ZERO_CSUM6_RX" },
		{ "port_dst 0", { A_U16(PORT_DST, 0), A_END }, -EINVAL,
		  "IFLA_MACVX_PORT_DST" },
		{ "offload 1", { A_U8(OFFLOAD, MACSEC_OFFLOAD_PHY), A_END },
		  -EINVAL, "IFLA_MACVX_OFFLOAD" },
		{ "unknown cipher",
		  { A_U64(CIPHER_SUITE, 0x0080c20001000099ULL), A_END },
		  -EINVAL, "IFLA_MACVX_CIPHER_SUITE" },
		{ "xpn window 2^30",
		  { A_U64(CIPHER_SUITE, MACSEC_CIPHER_ID_GCM_AES_XPN_256),
		    A_U32(WINDOW, 1U << 30), A_U8(REPLAY_PROTECT, 1), A_END },
		  -EINVAL, "IFLA_MACVX_WINDOW" },
	};

	run_bad_newlink(_metadata, self, cases, N_CASES(cases));
}

TEST_F(rtnl, bad_combination)
{
	struct ifla_vxlan_port_range range = {
		.low = htons(5000), .high = htons(4999),
	};
	struct bad_case cases[] = {
		{ "remote and remote6",
		  { a_in4(IFLA_MACVX_REMOTE, "192.0.2.2"),
		    a_in6(IFLA_MACVX_REMOTE6, "2001:db8::2"), A_END },
		  -EINVAL, "IFLA_MACVX_REMOTE6" },
		{ "local and local6",
		  { a_in4(IFLA_MACVX_LOCAL, "192.0.2.1"),
		    a_in6(IFLA_MACVX_LOCAL6, "2001:db8::1"), A_END },
		  -EINVAL, "IFLA_MACVX_LOCAL6" },
		{ "remote v4, local v6",
		  { a_in4(IFLA_MACVX_REMOTE, "192.0.2.2"),
		    a_in6(IFLA_MACVX_LOCAL6, "2001:db8::1"), A_END },
		  -EINVAL, "IFLA_MACVX_LOCAL6" },
		{ "inc_sci with es",
		  { A_U8(INC_SCI, 1), A_U8(ES, 1), A_END },
		  -EINVAL, "IFLA_MACVX_INC_SCI" },
		{ "inc_sci with scb",
		  { A_U8(INC_SCI, 1), A_U8(SCB, 1), A_END },
		  -EINVAL, "IFLA_MACVX_INC_SCI" },
		{ "es with scb",
		  { A_U8(INC_SCI, 0), A_U8(ES, 1), A_U8(SCB, 1), A_END },
		  -EINVAL, "IFLA_MACVX_SCB" },
		{ "replay without window",
		  { A_U8(REPLAY_PROTECT, 1), A_END },
		  -EINVAL, "IFLA_MACVX_WINDOW" },
		{ "label with ipv4",
		  { a_in4(IFLA_MACVX_REMOTE, "192.0.2.2"),
		    { IFLA_MACVX_LABEL, 4, { .u32 = htonl(5) } }, A_END },
		  -EINVAL, "IFLA_MACVX_LABEL" },
		{ "port_range high < low",
		  { { IFLA_MACVX_PORT_RANGE, 4, { .u32 = 0 } }, A_END },
		  -EINVAL, "IFLA_MACVX_PORT_RANGE" },
		{ "multicast remote",
		  { a_in4(IFLA_MACVX_REMOTE, "239.1.1.1"), A_END },
		  -EINVAL, "IFLA_MACVX_REMOTE" },
		{ "broadcast remote",
		  { a_in4(IFLA_MACVX_REMOTE, "255.255.255.255"), A_END },
		  -EINVAL, "IFLA_MACVX_REMOTE" },
		{ "multicast remote6",
		  { a_in6(IFLA_MACVX_REMOTE6, "ff02::1"), A_END },
		  -EINVAL, "IFLA_MACVX_REMOTE6" },
		{ "multicast local",
		  { a_in4(IFLA_MACVX_LOCAL, "224.0.0.1"), A_END },
		  -EINVAL, "IFLA_MACVX_LOCAL" },
		{ "link not found", { A_U32(LINK, 99999), A_END },
		  -ENODEV, "IFLA_MACVX_LINK" },
	};
	struct req r;
	size_t i;

	memcpy(cases[8].attrs[0].v.bytes, &range, sizeof(range));
	run_bad_newlink(_metadata, self, cases, N_CASES(cases));

	/* "missing id": no IFLA_INFO_DATA at all, then an empty one. */
	for (i = 0; i < 2; i++) {
		link_req_begin(&r, "macvx", "mvx9", 0);
		if (i == 0) {
			r.depth--;
			r.nh.nlmsg_len = (char *)r.nest[r.depth] - r.buf;
		}
		link_req_end(&r);
		EXPECT_EQ(-EINVAL, nl_talk(self->fd, &r, &self->rep));
		EXPECT_TRUE(msg_names(self->rep.msg, "IFLA_MACVX_ID"))
			TH_LOG("missing id: message \"%s\"", self->rep.msg);
		EXPECT_EQ(-ENODEV, link_get(self->fd, "mvx9", &self->after));
	}
}

TEST_F(rtnl, duplicate_vni)
{
	struct attr first[] = { A_U32(ID, 7), A_END };
	struct attr other_port[] = {
		A_U32(ID, 7), A_U16(PORT_DST, htons(4790)), A_END,
	};

	ASSERT_EQ(0, macvx_add(self->fd, "mvx0", first, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->before));

	EXPECT_EQ(-EEXIST, macvx_add(self->fd, "mvx1", first, &self->rep));
	EXPECT_TRUE(msg_names(self->rep.msg, "IFLA_MACVX_ID"))
		TH_LOG("message \"%s\"", self->rep.msg);
	EXPECT_EQ(-ENODEV, link_get(self->fd, "mvx1", &self->after));

	ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->after));
	EXPECT_EQ(NULL, link_diff(&self->before, &self->after, 0));

	/* The same VNI on another UDP port is another tunnel. */
	EXPECT_EQ(0, macvx_add(self->fd, "mvx2", other_port, &self->rep))
		TH_LOG("%s", self->rep.msg);
}

/* Create "mvx0" with every changeable setting at a known value. */
static int changelink_base(FIXTURE_DATA(rtnl) *self)
{
	struct attr attrs[] = {
		A_U32(ID, 77),
		a_in4(IFLA_MACVX_REMOTE, "192.0.2.2"),
		a_in4(IFLA_MACVX_LOCAL, "192.0.2.1"),
		A_U8(TTL, 10),
		A_END,
	};
	int err;

	err = macvx_add(self->fd, "mvx0", attrs, &self->rep);
	if (!err)
		err = link_get(self->fd, "mvx0", &self->before);
	return err;
}

TEST_F(rtnl, change_fixed)
{
	struct ifla_vxlan_port_range range = {
		.low = htons(1000), .high = htons(2000),
	};
	struct attr fixed[] = {
		A_U32(ID, 78),
		A_U16(PORT_DST, htons(9999)),
		A_U64(CIPHER_SUITE, MACSEC_CIPHER_ID_GCM_AES_256),
		A_U8(ICV_LEN, 8),
		A_U64(SCI, 0x0102030405060708ULL),
		A_U16(PORT, htons(5)),
		{ IFLA_MACVX_PORT_RANGE, 4, { .u32 = 0 } },
		A_U8(UDP_CSUM, 0),
		A_U8(UDP_ZERO_CSUM6_TX, 1),
		A_U8(UDP_ZERO_CSUM6_RX, 1),
		A_U8(OFFLOAD, MACSEC_OFFLOAD_OFF),
	};
	size_t i;

	memcpy(fixed[6].v.bytes, &range, sizeof(range));
	ASSERT_EQ(0, changelink_base(self)) TH_LOG("%s", self->rep.msg);

	for (i = 0; i < N_CASES(fixed); i++) {
		struct attr attrs[] = { fixed[i], A_END };
		const char *name = attr_names[fixed[i].type];
		const char *diff;

		EXPECT_EQ(-EOPNOTSUPP, macvx_change(self->fd,
						    self->before.ifindex,
						    attrs, &self->rep))
			TH_LOG("%s: %s", name, self->rep.msg);
		EXPECT_TRUE(msg_names(self->rep.msg, name))
			TH_LOG("%s: message \"%s\"", name, self->rep.msg);
		ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->after));
		diff = link_diff(&self->before, &self->after, 0);
		EXPECT_EQ(NULL, diff) TH_LOG("%s changed %s", name, diff);
	}
}

TEST_F(rtnl, change_rejected)
{
	const struct bad_case cases[] = {
		{ "validation 3", { A_U8(VALIDATION, 3), A_END }, -EINVAL,
		  "IFLA_MACVX_VALIDATION" },
		{ "encrypt 0 with a bad df",
		  { A_U8(ENCRYPT, 0), A_U8(DF, 3), A_END }, -EINVAL,
		  "IFLA_MACVX_DF" },
		{ "encrypt 0 with label on ipv4",
		  { A_U8(ENCRYPT, 0),
		    { IFLA_MACVX_LABEL, 4, { .u32 = htonl(5) } }, A_END },
		  -EINVAL, "IFLA_MACVX_LABEL" },
		{ "ttl with multicast remote",
		  { A_U8(TTL, 99), a_in4(IFLA_MACVX_REMOTE, "239.0.0.1"),
		    A_END }, -EINVAL, "IFLA_MACVX_REMOTE" },
		{ "replay without window",
		  { A_U8(REPLAY_PROTECT, 1), A_END }, -EINVAL,
		  "IFLA_MACVX_WINDOW" },
		{ "es with inc_sci", { A_U8(INC_SCI, 1), A_U8(ES, 1), A_END },
		  -EINVAL, "IFLA_MACVX_INC_SCI" },
		{ "remote6 on an ipv4 device",
		  { a_in6(IFLA_MACVX_REMOTE6, "2001:db8::9"), A_END },
		  -EINVAL, "IFLA_MACVX_REMOTE6" },
		{ "local6 on an ipv4 device",
		  { a_in6(IFLA_MACVX_LOCAL6, "2001:db8::8"), A_END },
		  -EINVAL, "IFLA_MACVX_LOCAL6" },
		{ "link not found", { A_U32(LINK, 99999), A_END }, -ENODEV,
		  "IFLA_MACVX_LINK" },
		{ "ttl sent as u32", { A_U32(TTL, 5), A_END }, -EINVAL,
		  "IFLA_MACVX_TTL" },
	};
	size_t i;

	ASSERT_EQ(0, changelink_base(self)) TH_LOG("%s", self->rep.msg);

	for (i = 0; i < N_CASES(cases); i++) {
		const struct bad_case *c = &cases[i];
		const char *diff;

		EXPECT_EQ(c->err, macvx_change(self->fd, self->before.ifindex,
					       c->attrs, &self->rep))
			TH_LOG("%s: %s", c->what, self->rep.msg);
		EXPECT_TRUE(msg_names(self->rep.msg, c->names))
			TH_LOG("%s: message \"%s\" does not name %s", c->what,
			       self->rep.msg, c->names);
		ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->after));
		diff = link_diff(&self->before, &self->after, 0);
		EXPECT_EQ(NULL, diff) TH_LOG("%s changed %s", c->what, diff);
	}
}

TEST_F(rtnl, change_applies)
{
	const struct {
		const char *what;
		struct attr attrs[4];
		uint64_t changed;
	} cases[] = {
		{ "encrypt off", { A_U8(ENCRYPT, 0), A_END },
		  BIT(IFLA_MACVX_ENCRYPT) },
		{ "protect off", { A_U8(PROTECT, 0), A_END },
		  BIT(IFLA_MACVX_PROTECT) },
		{ "replay on window 64",
		  { A_U32(WINDOW, 64), A_U8(REPLAY_PROTECT, 1), A_END },
		  BIT(IFLA_MACVX_WINDOW) | BIT(IFLA_MACVX_REPLAY_PROTECT) },
		{ "validate check", { A_U8(VALIDATION, 1), A_END },
		  BIT(IFLA_MACVX_VALIDATION) },
		{ "encodingsa 2", { A_U8(ENCODING_SA, 2), A_END },
		  BIT(IFLA_MACVX_ENCODING_SA) },
		{ "ttl 64", { A_U8(TTL, 64), A_END }, BIT(IFLA_MACVX_TTL) },
		{ "tos inherit", { A_U8(TOS, 1), A_END },
		  BIT(IFLA_MACVX_TOS) },
		{ "df inherit", { A_U8(DF, VXLAN_DF_INHERIT), A_END },
		  BIT(IFLA_MACVX_DF) },
		{ "remote", { a_in4(IFLA_MACVX_REMOTE, "198.51.100.7"), A_END },
		  BIT(IFLA_MACVX_REMOTE) },
		{ "local", { a_in4(IFLA_MACVX_LOCAL, "198.51.100.8"), A_END },
		  BIT(IFLA_MACVX_LOCAL) },
		{ "send_sci off, end_station on",
		  { A_U8(INC_SCI, 0), A_U8(ES, 1), A_END },
		  BIT(IFLA_MACVX_INC_SCI) | BIT(IFLA_MACVX_ES) },
	};
	size_t i;

	ASSERT_EQ(0, changelink_base(self)) TH_LOG("%s", self->rep.msg);

	for (i = 0; i < N_CASES(cases); i++) {
		const struct attr *a;
		const char *diff;

		ASSERT_EQ(0, macvx_change(self->fd, self->before.ifindex,
					  cases[i].attrs, &self->rep))
			TH_LOG("%s: %s", cases[i].what, self->rep.msg);
		ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->after));
		for (a = cases[i].attrs; a->type; a++) {
			const struct nlattr *got = self->after.tb[a->type];

			ASSERT_NE(NULL, got) TH_LOG("%s: %s missing",
						    cases[i].what,
						    attr_names[a->type]);
			EXPECT_EQ(a->len, nla_payload_len(got));
			EXPECT_EQ(0, memcmp(a->v.bytes, nla_payload(got),
					    a->len))
				TH_LOG("%s: %s not changed", cases[i].what,
				       attr_names[a->type]);
		}
		diff = link_diff(&self->before, &self->after,
				 cases[i].changed);
		EXPECT_EQ(NULL, diff) TH_LOG("%s also changed %s",
					     cases[i].what, diff);
		self->before = self->after;
		parse_attrs(self->before.tb, IFLA_MACVX_MAX, self->before.buf,
			    self->before.data_len);
	}
}

TEST_F(rtnl, change_link)
{
	struct attr attrs[] = { A_U32(LINK, 0), A_END };

	ASSERT_EQ(0, changelink_base(self)) TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, set_mtu(self->fd, self->underlay, 1300));

	attrs[0].v.u32 = self->underlay;
	ASSERT_EQ(0, macvx_change(self->fd, self->before.ifindex, attrs,
				  &self->rep)) TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->fd, "mvx0", &self->after));
	EXPECT_ATTR_U32(&self->after, LINK, self->underlay);
	EXPECT_EQ(1218, self->after.mtu);
	EXPECT_EQ(NULL, link_diff(&self->before, &self->after,
				  BIT(IFLA_MACVX_LINK) | MTU_CHANGES));
}

/* ---- generic netlink ---- */

static const uint8_t key128[16] = {
	0xde, 0xad, 0xbe, 0xef, 0x10, 0x32, 0x54, 0x76,
	0x98, 0xba, 0xdc, 0xfe, 0x13, 0x57, 0x9b, 0xdf,
};

static const uint8_t key256[32] = {
	0xc0, 0xff, 0xee, 0x01, 0x23, 0x45, 0x67, 0x89,
	0xab, 0xcd, 0xef, 0x02, 0x46, 0x8a, 0xce, 0x11,
	0x35, 0x79, 0xbd, 0xf1, 0x22, 0x44, 0x66, 0x88,
	0xaa, 0xcc, 0xee, 0x33, 0x55, 0x77, 0x99, 0xbb,
};

static const uint8_t keyid[MACSEC_KEYID_LEN] = {
	'k', 'e', 'y', 'i', 'd', '-', 'm', 'a',
	'c', 'v', 'x', '-', 't', 'e', 's', 't',
};

static const uint8_t salt[MACSEC_SALT_LEN] = {
	0x5a, 0x17, 0x5a, 0x17, 0x5a, 0x17, 0x5a, 0x17, 0x5a, 0x17, 0x5a, 0x17,
};

#define RX_SCI		0x0a0b0c0d0e0f0001ULL

FIXTURE(genl) {
	int rtnl;
	int fd;
	uint16_t family;
	int ifindex;		/* "mvx0", GCM-AES-128 */
	struct reply rep;
};

/* Return the id of generic netlink family @name, or -errno. */
static int genl_resolve(int fd, const char *name, struct reply *rep,
			uint32_t *version)
{
	struct genlmsghdr g = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 };
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct req r;
	int err;

	req_init(&r, GENL_ID_CTRL, 0, &g, sizeof(g));
	req_put_str(&r, CTRL_ATTR_FAMILY_NAME, name);
	err = nl_talk(fd, &r, rep);
	if (err)
		return err;
	if (!rep->first)
		return -ENOMSG;
	parse_attrs(tb, CTRL_ATTR_MAX,
		    (char *)NLMSG_DATA(rep->first) + GENL_HDRLEN,
		    rep->first->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return -ENOMSG;
	if (version && tb[CTRL_ATTR_VERSION])
		*version = get_u32(tb[CTRL_ATTR_VERSION]);
	return get_u16(tb[CTRL_ATTR_FAMILY_ID]);
}

FIXTURE_SETUP(genl)
{
	struct attr attrs[] = { A_U32(ID, 300), A_END };
	struct link l;
	int err;

	self->fd = -1;
	self->rtnl = -1;
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	self->rtnl = nl_open(NETLINK_ROUTE);
	ASSERT_LE(0, self->rtnl);
	self->fd = nl_open(NETLINK_GENERIC);
	ASSERT_LE(0, self->fd);
	err = genl_resolve(self->fd, MACVX_GENL_NAME, &self->rep, NULL);
	ASSERT_LT(0, err) TH_LOG("resolving \"macvx\": %s", strerror(-err));
	self->family = err;
	ASSERT_EQ(0, macvx_add(self->rtnl, "mvx0", attrs, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->rtnl, "mvx0", &l));
	self->ifindex = l.ifindex;
}

FIXTURE_TEARDOWN(genl)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->rtnl >= 0)
		close(self->rtnl);
}

/* Optional SA attributes; a NULL pointer or 0 length leaves one out. */
struct sa_args {
	uint8_t an;
	const void *pn;
	int pn_len;
	const void *key;
	int key_len;
	const void *key_id;
	int key_id_len;
	int active;		/* -1: leave out */
	const uint32_t *ssci;
	const void *salt;
	int salt_len;
};

static void genl_begin(FIXTURE_DATA(genl) *self, struct req *r, uint8_t cmd,
		       int ifindex)
{
	struct genlmsghdr g = { .cmd = cmd, .version = MACVX_GENL_VERSION };

	req_init(r, self->family, 0, &g, sizeof(g));
	req_put_u32(r, MACSEC_ATTR_IFINDEX, ifindex);
}

static void put_rxsc(struct req *r, uint64_t sci)
{
	uint64_t be = htobe64(sci);

	req_nest_begin(r, MACSEC_ATTR_RXSC_CONFIG);
	req_put_u64(r, MACSEC_RXSC_ATTR_SCI, be);
	req_nest_end(r);
}

static void put_sa(struct req *r, const struct sa_args *a)
{
	req_nest_begin(r, MACSEC_ATTR_SA_CONFIG);
	req_put_u8(r, MACSEC_SA_ATTR_AN, a->an);
	if (a->pn)
		req_put(r, MACSEC_SA_ATTR_PN, a->pn, a->pn_len);
	if (a->key)
		req_put(r, MACSEC_SA_ATTR_KEY, a->key, a->key_len);
	if (a->key_id)
		req_put(r, MACSEC_SA_ATTR_KEYID, a->key_id, a->key_id_len);
	if (a->active >= 0)
		req_put_u8(r, MACSEC_SA_ATTR_ACTIVE, a->active);
	if (a->ssci)
		req_put_u32(r, MACSEC_SA_ATTR_SSCI, *a->ssci);
	if (a->salt)
		req_put(r, MACSEC_SA_ATTR_SALT, a->salt, a->salt_len);
	req_nest_end(r);
}

static const uint32_t pn_one = 1;
static const uint32_t pn_zero;

/* A valid SA for a GCM-AES-128 device. */
static struct sa_args sa_default(uint8_t an, int active)
{
	struct sa_args a = {
		.an = an,
		.pn = &pn_one, .pn_len = 4,
		.key = key128, .key_len = sizeof(key128),
		.key_id = keyid, .key_id_len = sizeof(keyid),
		.active = active,
	};

	return a;
}

static int sa_cmd(FIXTURE_DATA(genl) *self, uint8_t cmd, int ifindex,
		  const uint64_t *rx_sci, const struct sa_args *a)
{
	struct req r;

	genl_begin(self, &r, cmd, ifindex);
	if (rx_sci)
		put_rxsc(&r, *rx_sci);
	if (a)
		put_sa(&r, a);
	return nl_talk(self->fd, &r, &self->rep);
}

static int dump_txsc(FIXTURE_DATA(genl) *self)
{
	struct genlmsghdr g = {
		.cmd = MACSEC_CMD_GET_TXSC,
		.version = MACVX_GENL_VERSION,
	};
	struct req r;

	req_init(&r, self->family, NLM_F_DUMP, &g, sizeof(g));
	r.nh.nlmsg_flags &= ~NLM_F_ACK;
	return nl_talk(self->fd, &r, &self->rep);
}

/* Find the dump message of @ifindex in self->rep; fill @tb. */
static bool dump_find(FIXTURE_DATA(genl) *self, int ifindex,
		      struct nlattr **tb)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)self->rep.buf;
	int len = self->rep.len;

	for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_type != self->family)
			continue;
		parse_attrs(tb, MACSEC_ATTR_MAX,
			    (char *)NLMSG_DATA(nh) + GENL_HDRLEN,
			    nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
		if (tb[MACSEC_ATTR_IFINDEX] &&
		    (int)get_u32(tb[MACSEC_ATTR_IFINDEX]) == ifindex)
			return true;
	}
	return false;
}

/* Return the SA with @an in a TXSA_LIST or SA_LIST nest, or NULL. */
static bool sa_list_find(struct nlattr *list, uint8_t an,
			 struct nlattr **sa)
{
	struct nlattr *entries[SA_LIST_MAX + 1];
	int i;

	if (!list)
		return false;
	parse_nested(entries, SA_LIST_MAX, list);
	for (i = 1; i <= SA_LIST_MAX; i++) {
		if (!entries[i])
			continue;
		parse_nested(sa, MACSEC_SA_ATTR_MAX, entries[i]);
		if (sa[MACSEC_SA_ATTR_AN] && get_u8(sa[MACSEC_SA_ATTR_AN]) == an)
			return true;
	}
	return false;
}

/* Find TX SA @an of @ifindex in a fresh dump. */
static bool dump_tx_sa(FIXTURE_DATA(genl) *self, int ifindex, uint8_t an,
		       struct nlattr **sa)
{
	struct nlattr *tb[MACSEC_ATTR_MAX + 1];

	if (dump_txsc(self) || !dump_find(self, ifindex, tb))
		return false;
	return sa_list_find(tb[MACSEC_ATTR_TXSA_LIST], an, sa);
}

TEST_F(genl, family)
{
	uint32_t version = 0;
	int id;

	id = genl_resolve(self->fd, "macvx", &self->rep, &version);
	EXPECT_EQ(self->family, id);
	EXPECT_EQ(MACVX_GENL_VERSION, version);
	EXPECT_EQ(0, dump_txsc(self));
}

TEST_F(genl, add_txsa)
{
	struct sa_args a = sa_default(0, 1);
	struct nlattr *sa[MACSEC_SA_ATTR_MAX + 1];

	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_TXSA, self->ifindex, NULL,
			    &a)) TH_LOG("%s", self->rep.msg);
	ASSERT_TRUE(dump_tx_sa(self, self->ifindex, 0, sa));
	ASSERT_NE(NULL, sa[MACSEC_SA_ATTR_PN]);
	EXPECT_EQ(1, get_u32(sa[MACSEC_SA_ATTR_PN]));
	ASSERT_NE(NULL, sa[MACSEC_SA_ATTR_ACTIVE]);
	EXPECT_EQ(1, get_u8(sa[MACSEC_SA_ATTR_ACTIVE]));
	ASSERT_NE(NULL, sa[MACSEC_SA_ATTR_KEYID]);
	EXPECT_EQ(0, memcmp(keyid, nla_payload(sa[MACSEC_SA_ATTR_KEYID]),
			    sizeof(keyid)));
	EXPECT_EQ(NULL, sa[MACSEC_SA_ATTR_KEY]);
	EXPECT_FALSE(mem_contains(self->rep.buf, self->rep.len, key128,
				  sizeof(key128)));
	EXPECT_TRUE(mem_contains(self->rep.buf, self->rep.len, keyid,
				 sizeof(keyid)));

	/* A second SA on the same AN is rejected. */
	EXPECT_EQ(-EBUSY, sa_cmd(self, MACSEC_CMD_ADD_TXSA, self->ifindex,
				 NULL, &a));
	EXPECT_TRUE(msg_names(self->rep.msg, "an")) TH_LOG("message \"%s\"",
							   self->rep.msg);
}

TEST_F(genl, add_rxsc_rxsa)
{
	struct nlattr *tb[MACSEC_ATTR_MAX + 1], *scs[9], *sc[NUM_MACSEC_RXSC_ATTR];
	struct nlattr *sa[MACSEC_SA_ATTR_MAX + 1];
	struct sa_args a = sa_default(2, 1);
	uint64_t sci = RX_SCI;
	uint32_t pn = 1000;

	a.pn = &pn;
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_RXSC, self->ifindex, &sci,
			    NULL)) TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_RXSA, self->ifindex, &sci,
			    &a)) TH_LOG("%s", self->rep.msg);

	ASSERT_EQ(0, dump_txsc(self));
	ASSERT_TRUE(dump_find(self, self->ifindex, tb));
	ASSERT_NE(NULL, tb[MACSEC_ATTR_RXSC_LIST]);
	parse_nested(scs, 8, tb[MACSEC_ATTR_RXSC_LIST]);
	ASSERT_NE(NULL, scs[1]);
	parse_nested(sc, MACSEC_RXSC_ATTR_MAX, scs[1]);
	ASSERT_NE(NULL, sc[MACSEC_RXSC_ATTR_SCI]);
	EXPECT_EQ(htobe64(RX_SCI), get_u64(sc[MACSEC_RXSC_ATTR_SCI]));
	ASSERT_NE(NULL, sc[MACSEC_RXSC_ATTR_ACTIVE]);
	EXPECT_EQ(1, get_u8(sc[MACSEC_RXSC_ATTR_ACTIVE]));
	ASSERT_TRUE(sa_list_find(sc[MACSEC_RXSC_ATTR_SA_LIST], 2, sa));
	ASSERT_NE(NULL, sa[MACSEC_SA_ATTR_PN]);
	EXPECT_EQ(1000, get_u32(sa[MACSEC_SA_ATTR_PN]));
	ASSERT_NE(NULL, sa[MACSEC_SA_ATTR_KEYID]);
	EXPECT_EQ(0, memcmp(keyid, nla_payload(sa[MACSEC_SA_ATTR_KEYID]),
			    sizeof(keyid)));
	EXPECT_FALSE(mem_contains(self->rep.buf, self->rep.len, key128,
				  sizeof(key128)));

	/* The same SCI again. */
	EXPECT_EQ(-EEXIST, sa_cmd(self, MACSEC_CMD_ADD_RXSC, self->ifindex,
				  &sci, NULL));
	EXPECT_TRUE(msg_names(self->rep.msg, "sci")) TH_LOG("message \"%s\"",
							    self->rep.msg);
}

TEST_F(genl, bad_key_len)
{
	struct nlattr *sa[MACSEC_SA_ATTR_MAX + 1];
	struct sa_args a = sa_default(1, 1);
	uint64_t sci = RX_SCI;
	int i;

	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_RXSC, self->ifindex, &sci,
			    NULL));
	for (i = 0; i < 3; i++) {
		a.key = i == 2 ? key256 : key128;
		a.key_len = i == 0 ? 15 : i == 1 ? 17 : 32;
		EXPECT_EQ(-EINVAL, sa_cmd(self, MACSEC_CMD_ADD_TXSA,
					  self->ifindex, NULL, &a))
			TH_LOG("tx key of %d bytes", a.key_len);
		EXPECT_TRUE(msg_names(self->rep.msg, "key"))
			TH_LOG("message \"%s\"", self->rep.msg);
		EXPECT_EQ(-EINVAL, sa_cmd(self, MACSEC_CMD_ADD_RXSA,
					  self->ifindex, &sci, &a))
			TH_LOG("rx key of %d bytes", a.key_len);
		EXPECT_TRUE(msg_names(self->rep.msg, "key"))
			TH_LOG("message \"%s\"", self->rep.msg);
	}
	EXPECT_FALSE(dump_tx_sa(self, self->ifindex, 1, sa));
}

TEST_F(genl, pn_zero)
{
	struct nlattr *sa[MACSEC_SA_ATTR_MAX + 1];
	struct sa_args a = sa_default(0, 1);
	uint64_t sci = RX_SCI;

	a.pn = &pn_zero;
	EXPECT_EQ(-EINVAL, sa_cmd(self, MACSEC_CMD_ADD_TXSA, self->ifindex,
				  NULL, &a));
	EXPECT_TRUE(msg_names(self->rep.msg, "pn")) TH_LOG("message \"%s\"",
							   self->rep.msg);
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_RXSC, self->ifindex, &sci,
			    NULL));
	EXPECT_EQ(-EINVAL, sa_cmd(self, MACSEC_CMD_ADD_RXSA, self->ifindex,
				  &sci, &a));
	EXPECT_TRUE(msg_names(self->rep.msg, "pn")) TH_LOG("message \"%s\"",
							   self->rep.msg);
	EXPECT_FALSE(dump_tx_sa(self, self->ifindex, 0, sa));

	/* Updating an existing SA to PN 0 is rejected too. */
	a.pn = &pn_one;
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_TXSA, self->ifindex, NULL,
			    &a));
	a.pn = &pn_zero;
	a.key = NULL;
	a.key_id = NULL;
	EXPECT_EQ(-EINVAL, sa_cmd(self, MACSEC_CMD_UPD_TXSA, self->ifindex,
				  NULL, &a));
}

TEST_F(genl, xpn_salt_ssci)
{
	struct attr attrs[] = {
		A_U32(ID, 301),
		A_U64(CIPHER_SUITE, MACSEC_CIPHER_ID_GCM_AES_XPN_256),
		A_END,
	};
	struct nlattr *sa[MACSEC_SA_ATTR_MAX + 1];
	struct sa_args a = sa_default(0, 1);
	uint64_t pn = 1ULL << 40;
	uint32_t ssci = htonl(0x11223344);
	struct link l;

	ASSERT_EQ(0, macvx_add(self->rtnl, "mvx1", attrs, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, link_get(self->rtnl, "mvx1", &l));

	a.key = key256;
	a.key_len = sizeof(key256);
	a.pn = &pn;
	a.pn_len = 8;

	a.ssci = &ssci;
	EXPECT_EQ(-EINVAL, sa_cmd(self, MACSEC_CMD_ADD_TXSA, l.ifindex, NULL,
				  &a));
	EXPECT_TRUE(msg_names(self->rep.msg, "salt")) TH_LOG("message \"%s\"",
							     self->rep.msg);

	a.ssci = NULL;
	a.salt = salt;
	a.salt_len = sizeof(salt);
	EXPECT_EQ(-EINVAL, sa_cmd(self, MACSEC_CMD_ADD_TXSA, l.ifindex, NULL,
				  &a));
	EXPECT_TRUE(msg_names(self->rep.msg, "ssci")) TH_LOG("message \"%s\"",
							     self->rep.msg);

	a.ssci = &ssci;
	a.salt_len = sizeof(salt) - 1;
	EXPECT_EQ(-EINVAL, sa_cmd(self, MACSEC_CMD_ADD_TXSA, l.ifindex, NULL,
				  &a));
	EXPECT_TRUE(msg_names(self->rep.msg, "salt")) TH_LOG("message \"%s\"",
							     self->rep.msg);
	EXPECT_FALSE(dump_tx_sa(self, l.ifindex, 0, sa));

	a.salt_len = sizeof(salt);
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_TXSA, l.ifindex, NULL, &a))
		TH_LOG("%s", self->rep.msg);
	ASSERT_TRUE(dump_tx_sa(self, l.ifindex, 0, sa));
	ASSERT_NE(NULL, sa[MACSEC_SA_ATTR_PN]);
	ASSERT_EQ(8, nla_payload_len(sa[MACSEC_SA_ATTR_PN]));
	EXPECT_EQ(pn, get_u64(sa[MACSEC_SA_ATTR_PN]));
	ASSERT_NE(NULL, sa[MACSEC_SA_ATTR_SSCI]);
	EXPECT_EQ(ssci, get_u32(sa[MACSEC_SA_ATTR_SSCI]));
	EXPECT_EQ(NULL, sa[MACSEC_SA_ATTR_SALT]);
	EXPECT_FALSE(mem_contains(self->rep.buf, self->rep.len, key256,
				  sizeof(key256)));
	EXPECT_FALSE(mem_contains(self->rep.buf, self->rep.len, salt,
				  sizeof(salt)));
}

TEST_F(genl, del_active_sa)
{
	struct nlattr *sa[MACSEC_SA_ATTR_MAX + 1];
	struct sa_args a = sa_default(3, 1);
	struct sa_args off = { .an = 3, .active = 0 };
	struct sa_args an_only = { .an = 3, .active = -1 };
	uint64_t sci = RX_SCI;

	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_TXSA, self->ifindex, NULL,
			    &a));
	EXPECT_EQ(-EBUSY, sa_cmd(self, MACSEC_CMD_DEL_TXSA, self->ifindex,
				 NULL, &an_only));
	EXPECT_TRUE(msg_names(self->rep.msg, "an")) TH_LOG("message \"%s\"",
							   self->rep.msg);
	EXPECT_TRUE(dump_tx_sa(self, self->ifindex, 3, sa));

	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_RXSC, self->ifindex, &sci,
			    NULL));
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_RXSA, self->ifindex, &sci,
			    &a));
	EXPECT_EQ(-EBUSY, sa_cmd(self, MACSEC_CMD_DEL_RXSA, self->ifindex,
				 &sci, &an_only));

	/* Switched off, both can go. */
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_UPD_TXSA, self->ifindex, NULL,
			    &off)) TH_LOG("%s", self->rep.msg);
	EXPECT_EQ(0, sa_cmd(self, MACSEC_CMD_DEL_TXSA, self->ifindex, NULL,
			    &an_only)) TH_LOG("%s", self->rep.msg);
	EXPECT_FALSE(dump_tx_sa(self, self->ifindex, 3, sa));
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_UPD_RXSA, self->ifindex, &sci,
			    &off)) TH_LOG("%s", self->rep.msg);
	EXPECT_EQ(0, sa_cmd(self, MACSEC_CMD_DEL_RXSA, self->ifindex, &sci,
			    &an_only)) TH_LOG("%s", self->rep.msg);
}

TEST_F(genl, upd_txsa_key)
{
	struct nlattr *sa[MACSEC_SA_ATTR_MAX + 1];
	struct sa_args a = sa_default(1, 1);
	struct sa_args upd = {
		.an = 1, .active = 0,
		.key = key128, .key_len = sizeof(key128),
	};

	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_TXSA, self->ifindex, NULL,
			    &a));
	EXPECT_EQ(-EINVAL, sa_cmd(self, MACSEC_CMD_UPD_TXSA, self->ifindex,
				  NULL, &upd));
	EXPECT_TRUE(msg_names(self->rep.msg, "key")) TH_LOG("message \"%s\"",
							    self->rep.msg);
	/* Rejected as a whole: the SA is still active. */
	ASSERT_TRUE(dump_tx_sa(self, self->ifindex, 1, sa));
	ASSERT_NE(NULL, sa[MACSEC_SA_ATTR_ACTIVE]);
	EXPECT_EQ(1, get_u8(sa[MACSEC_SA_ATTR_ACTIVE]));
}

TEST_F(genl, dump_hides_keys)
{
	struct sa_args tx = sa_default(0, 1), rx = sa_default(1, 1);
	uint8_t rx_key[16];
	uint64_t sci = RX_SCI;
	size_t i;

	for (i = 0; i < sizeof(rx_key); i++)
		rx_key[i] = 0xa0 + i;
	rx.key = rx_key;
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_TXSA, self->ifindex, NULL,
			    &tx));
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_RXSC, self->ifindex, &sci,
			    NULL));
	ASSERT_EQ(0, sa_cmd(self, MACSEC_CMD_ADD_RXSA, self->ifindex, &sci,
			    &rx));
	ASSERT_EQ(0, dump_txsc(self));
	ASSERT_LT(0, self->rep.len);
	EXPECT_FALSE(mem_contains(self->rep.buf, self->rep.len, key128,
				  sizeof(key128)));
	EXPECT_FALSE(mem_contains(self->rep.buf, self->rep.len, rx_key,
				  sizeof(rx_key)));
	/* Half a key would be a leak too. */
	EXPECT_FALSE(mem_contains(self->rep.buf, self->rep.len, key128, 8));
	EXPECT_FALSE(mem_contains(self->rep.buf, self->rep.len, key128 + 8,
				  8));
	EXPECT_TRUE(mem_contains(self->rep.buf, self->rep.len, keyid,
				 sizeof(keyid)));
}

/*
 * Without NETLINK_CAP_ACK an error echoes the whole request; the key in a
 * rejected request must not come back.
 */
TEST_F(genl, error_hides_key)
{
	struct sa_args a = sa_default(0, 1);
	uint64_t sci = 0x1122334455660009ULL;

	a.pn = &pn_zero;
	EXPECT_EQ(-EINVAL, sa_cmd(self, MACSEC_CMD_ADD_TXSA, self->ifindex,
				  NULL, &a));
	EXPECT_FALSE(mem_contains(self->rep.buf, self->rep.len, key128,
				  sizeof(key128)));
	/* An RX SA on an SC that does not exist. */
	a.pn = &pn_one;
	EXPECT_EQ(-ENODEV, sa_cmd(self, MACSEC_CMD_ADD_RXSA, self->ifindex,
				  &sci, &a));
	EXPECT_TRUE(msg_names(self->rep.msg, "sci")) TH_LOG("message \"%s\"",
							    self->rep.msg);
	EXPECT_FALSE(mem_contains(self->rep.buf, self->rep.len, key128,
				  sizeof(key128)));
}

TEST_F(genl, no_device)
{
	struct sa_args a = sa_default(0, 1);

	EXPECT_EQ(-ENODEV, sa_cmd(self, MACSEC_CMD_ADD_TXSA, 1, NULL, &a));
	EXPECT_TRUE(msg_names(self->rep.msg, "ifindex"))
		TH_LOG("message \"%s\"", self->rep.msg);
}

/*
 * The module is loaded once, before any test: a SKIP() in FIXTURE_SETUP
 * does not stop the test body in the harness of Linux 6.1.
 */
int main(int argc, char **argv)
{
	int err = module_ensure();

	if (err) {
		printf("# macvx is not loaded and MACVX_KO (%s) cannot be loaded: %s\n",
		       getenv("MACVX_KO") ?: "unset", strerror(-err));
		return KSFT_SKIP;
	}
	return test_harness_run(argc, argv);
}

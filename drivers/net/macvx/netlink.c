// SPDX-License-Identifier: GPL-2.0
/*
 * macvx generic netlink family: the commands, attributes and rules of the
 * Linux "macsec" family (<linux/if_macsec.h>) under the name MACVX_GENL_NAME,
 * so that a macsec tool only has to resolve another family name.
 *
 * Differences from Linux 6.1 macsec: every error carries an extack message,
 * and nested configurations are parsed strictly, so unknown attributes and
 * wrong lengths are rejected. A PN may be 4 or 8 bytes long with any cipher
 * suite as long as its value fits. Key and salt bytes are wiped from the
 * request after use.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "macvx.h"
#include "sa.h"

/* Configuration changes need CAP_NET_ADMIN in the user namespace that owns
 * the network namespace of the request, which is also where the device is
 * looked up. The dump needs no capability.
 */
#define MACVX_GENL_ADMIN	GENL_UNS_ADMIN_PERM

static struct genl_family macvx_genl_family;

static const struct nla_policy macvx_genl_policy[NUM_MACSEC_ATTR] = {
	[MACSEC_ATTR_IFINDEX] = { .type = NLA_U32 },
	[MACSEC_ATTR_RXSC_CONFIG] = { .type = NLA_NESTED },
	[MACSEC_ATTR_SA_CONFIG] = { .type = NLA_NESTED },
	[MACSEC_ATTR_OFFLOAD] = { .type = NLA_NESTED },
};

static const struct nla_policy macvx_rxsc_policy[NUM_MACSEC_RXSC_ATTR] = {
	[MACSEC_RXSC_ATTR_SCI] = { .type = NLA_U64 },
	[MACSEC_RXSC_ATTR_ACTIVE] = { .type = NLA_U8 },
};

/* Lengths of PN, KEYID, KEY and SALT are checked by the handlers, which
 * name the attribute and the expected length in their messages.
 */
static const struct nla_policy macvx_sa_policy[NUM_MACSEC_SA_ATTR] = {
	[MACSEC_SA_ATTR_AN] = { .type = NLA_U8 },
	[MACSEC_SA_ATTR_ACTIVE] = { .type = NLA_U8 },
	[MACSEC_SA_ATTR_PN] = { .type = NLA_BINARY },
	[MACSEC_SA_ATTR_KEYID] = { .type = NLA_BINARY },
	[MACSEC_SA_ATTR_KEY] = { .type = NLA_BINARY },
	[MACSEC_SA_ATTR_SSCI] = { .type = NLA_U32 },
	[MACSEC_SA_ATTR_SALT] = { .type = NLA_BINARY },
};

static const struct nla_policy macvx_offload_policy[NUM_MACSEC_OFFLOAD_ATTR] = {
	[MACSEC_OFFLOAD_ATTR_TYPE] = { .type = NLA_U8 },
};

/**
 * struct macvx_nl_request - a parsed configuration request
 * @info: the request
 * @dev: the macvx device named by MACSEC_ATTR_IFINDEX, set under RTNL
 * @secy: its SecY
 * @sa: attributes of MACSEC_ATTR_SA_CONFIG
 * @rxsc: attributes of MACSEC_ATTR_RXSC_CONFIG
 * @an: value of MACSEC_SA_ATTR_AN, when @sa was parsed
 */
struct macvx_nl_request {
	struct genl_info *info;
	struct net_device *dev;
	struct macvx_secy *secy;
	struct nlattr *sa[NUM_MACSEC_SA_ATTR];
	struct nlattr *rxsc[NUM_MACSEC_RXSC_ATTR];
	u8 an;
};

/* Wipe the key and salt bytes of the request, parsed or not, so that an
 * error reply that echoes the request does not carry them back. Every
 * SA_CONFIG nest is walked, because info->attrs only points at the last
 * one of several.
 */
static void macvx_nl_wipe_secrets(struct genl_info *info)
{
	struct nlattr *nest, *nla;
	int rem, nest_rem;

	nlmsg_for_each_attr(nest, info->nlhdr, GENL_HDRLEN, nest_rem) {
		if (nla_type(nest) != MACSEC_ATTR_SA_CONFIG)
			continue;
		nla_for_each_nested(nla, nest, rem) {
			int type = nla_type(nla);

			if (type == MACSEC_SA_ATTR_KEY ||
			    type == MACSEC_SA_ATTR_SALT)
				memzero_explicit(nla_data(nla), nla_len(nla));
		}
	}
}

static int macvx_nl_parse_nest(struct genl_info *info, int attr,
			       struct nlattr **tb, int maxtype,
			       const struct nla_policy *policy,
			       const char *missing)
{
	struct nlattr *nest = info->attrs[attr];

	if (!nest) {
		macvx_set_err_attr(info->extack, NULL, missing);
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, attr);
		return -EINVAL;
	}

	if (__nla_parse(tb, maxtype, nla_data(nest), nla_len(nest), policy,
			NL_VALIDATE_STRICT, info->extack))
		return -EINVAL;
	return 0;
}

/* iproute2 sends a PN as u32 without XPN and as u64 with it. The caller
 * checked that the length is one of the two.
 */
static u64 macvx_nla_get_pn(const struct nlattr *nla)
{
	if (nla_len(nla) == MACSEC_DEFAULT_PN_LEN)
		return nla_get_u32(nla);
	return nla_get_u64(nla);
}

static int macvx_nl_parse_sa(struct macvx_nl_request *req)
{
	struct netlink_ext_ack *extack = req->info->extack;
	struct nlattr **tb = req->sa;
	int err;

	err = macvx_nl_parse_nest(req->info, MACSEC_ATTR_SA_CONFIG, tb,
				  MACSEC_SA_ATTR_MAX, macvx_sa_policy,
				  "sa config: missing");
	if (err)
		return err;

	if (!tb[MACSEC_SA_ATTR_AN]) {
		NL_SET_ERR_MSG(extack, "an: missing");
		NL_SET_ERR_ATTR_MISS(extack, req->info->attrs[MACSEC_ATTR_SA_CONFIG],
				     MACSEC_SA_ATTR_AN);
		return -EINVAL;
	}

	req->an = nla_get_u8(tb[MACSEC_SA_ATTR_AN]);
	if (req->an >= MACSEC_NUM_AN) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MACSEC_SA_ATTR_AN],
				    "an: must be 0 to 3");
		return -EINVAL;
	}

	if (tb[MACSEC_SA_ATTR_ACTIVE] &&
	    nla_get_u8(tb[MACSEC_SA_ATTR_ACTIVE]) > 1) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MACSEC_SA_ATTR_ACTIVE],
				    "active: must be 0 or 1");
		return -EINVAL;
	}

	if (tb[MACSEC_SA_ATTR_PN]) {
		int len = nla_len(tb[MACSEC_SA_ATTR_PN]);

		if (len != MACSEC_DEFAULT_PN_LEN && len != MACSEC_XPN_PN_LEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MACSEC_SA_ATTR_PN],
					    "pn: must be 4 or 8 bytes");
			return -EINVAL;
		}
		if (!macvx_nla_get_pn(tb[MACSEC_SA_ATTR_PN])) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MACSEC_SA_ATTR_PN],
					    "pn: must not be 0");
			return -EINVAL;
		}
	}
	return 0;
}

static int macvx_nl_parse_rxsc(struct macvx_nl_request *req)
{
	struct netlink_ext_ack *extack = req->info->extack;
	struct nlattr **tb = req->rxsc;
	int err;

	err = macvx_nl_parse_nest(req->info, MACSEC_ATTR_RXSC_CONFIG, tb,
				  MACSEC_RXSC_ATTR_MAX, macvx_rxsc_policy,
				  "rxsc config: missing");
	if (err)
		return err;

	if (!tb[MACSEC_RXSC_ATTR_SCI]) {
		NL_SET_ERR_MSG(extack, "sci: missing");
		NL_SET_ERR_ATTR_MISS(extack,
				     req->info->attrs[MACSEC_ATTR_RXSC_CONFIG],
				     MACSEC_RXSC_ATTR_SCI);
		return -EINVAL;
	}

	if (tb[MACSEC_RXSC_ATTR_ACTIVE] &&
	    nla_get_u8(tb[MACSEC_RXSC_ATTR_ACTIVE]) > 1) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MACSEC_RXSC_ATTR_ACTIVE],
				    "active: must be 0 or 1");
		return -EINVAL;
	}
	return 0;
}

static int macvx_nl_check_ifindex(struct genl_info *info)
{
	if (info->attrs[MACSEC_ATTR_IFINDEX])
		return 0;

	NL_SET_ERR_MSG(info->extack, "ifindex: missing");
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, MACSEC_ATTR_IFINDEX);
	return -EINVAL;
}

/* Look up the device under RTNL. */
static int macvx_nl_get_dev(struct macvx_nl_request *req)
{
	struct nlattr *attr = req->info->attrs[MACSEC_ATTR_IFINDEX];
	struct net_device *dev;

	ASSERT_RTNL();
	dev = __dev_get_by_index(genl_info_net(req->info), nla_get_u32(attr));
	if (!dev || !netif_is_macvx(dev)) {
		NL_SET_ERR_MSG_ATTR(req->info->extack, attr,
				    "ifindex: no macvx device with this index");
		return -ENODEV;
	}

	req->dev = dev;
	req->secy = &macvx_priv(dev)->secy;
	return 0;
}

/* Find the RX SC named in the request, under RTNL, after macvx_nl_get_dev. */
static struct macvx_rx_sc *macvx_nl_get_rx_sc(struct macvx_nl_request *req)
{
	struct nlattr *attr = req->rxsc[MACSEC_RXSC_ATTR_SCI];
	struct macvx_rx_sc *sc;

	sc = macvx_rx_sc_find(req->secy, macvx_nla_get_sci(attr));
	if (!sc)
		NL_SET_ERR_MSG_ATTR(req->info->extack, attr,
				    "sci: no RX SC with this SCI");
	return sc;
}

/* Read the PN of the request, which must fit in 32 bits without XPN. */
static int macvx_nl_get_pn(struct macvx_nl_request *req, u64 *pn)
{
	struct nlattr *attr = req->sa[MACSEC_SA_ATTR_PN];

	*pn = macvx_nla_get_pn(attr);
	if (!req->secy->xpn && *pn > U32_MAX) {
		NL_SET_ERR_MSG_ATTR(req->info->extack, attr,
				    "pn: must be below 2^32 without XPN");
		return -EINVAL;
	}
	return 0;
}

static int macvx_nl_require_sa_attr(struct macvx_nl_request *req, int type,
				    const char *missing)
{
	if (req->sa[type])
		return 0;

	macvx_set_err_attr(req->info->extack, NULL, missing);
	NL_SET_ERR_ATTR_MISS(req->info->extack,
			     req->info->attrs[MACSEC_ATTR_SA_CONFIG], type);
	return -EINVAL;
}

/* Checks of ADD_TXSA and ADD_RXSA that do not depend on the device. */
static int macvx_nl_check_add_sa(struct macvx_nl_request *req)
{
	struct nlattr *keyid;
	int err;

	err = macvx_nl_require_sa_attr(req, MACSEC_SA_ATTR_KEY,
				       "key: missing");
	if (err)
		return err;

	err = macvx_nl_require_sa_attr(req, MACSEC_SA_ATTR_KEYID,
				       "keyid: missing");
	if (err)
		return err;

	keyid = req->sa[MACSEC_SA_ATTR_KEYID];
	if (nla_len(keyid) != MACSEC_KEYID_LEN) {
		NL_SET_ERR_MSG_ATTR(req->info->extack, keyid,
				    "keyid: must be 16 bytes");
		return -EINVAL;
	}
	return 0;
}

/* Fill the SA configuration from a request, under RTNL, once the device is
 * known: key length, PN range and the XPN attributes depend on its SecY.
 */
static int macvx_nl_get_sa_config(struct macvx_nl_request *req,
				  struct macvx_sa_config *cfg)
{
	struct netlink_ext_ack *extack = req->info->extack;
	struct nlattr *key = req->sa[MACSEC_SA_ATTR_KEY];
	struct macvx_secy *secy = req->secy;
	int err;

	if (nla_len(key) != secy->key_len) {
		macvx_set_err_attr(extack, key, secy->key_len == 16 ?
				   "key: length must be 16 bytes for this cipher suite" :
				   "key: length must be 32 bytes for this cipher suite");
		return -EINVAL;
	}

	cfg->an = req->an;
	cfg->key = nla_data(key);
	cfg->key_id = nla_data(req->sa[MACSEC_SA_ATTR_KEYID]);
	cfg->active = req->sa[MACSEC_SA_ATTR_ACTIVE] &&
		      nla_get_u8(req->sa[MACSEC_SA_ATTR_ACTIVE]);
	cfg->pn = 1;
	if (req->sa[MACSEC_SA_ATTR_PN]) {
		err = macvx_nl_get_pn(req, &cfg->pn);
		if (err)
			return err;
	}

	/* Without XPN, macsec ignores SSCI and SALT, and so does macvx. */
	if (!secy->xpn)
		return 0;

	err = macvx_nl_require_sa_attr(req, MACSEC_SA_ATTR_SSCI,
				       "ssci: required by XPN cipher suites");
	if (err)
		return err;

	err = macvx_nl_require_sa_attr(req, MACSEC_SA_ATTR_SALT,
				       "salt: required by XPN cipher suites");
	if (err)
		return err;

	if (nla_len(req->sa[MACSEC_SA_ATTR_SALT]) != MACSEC_SALT_LEN) {
		NL_SET_ERR_MSG_ATTR(extack, req->sa[MACSEC_SA_ATTR_SALT],
				    "salt: must be 12 bytes");
		return -EINVAL;
	}

	cfg->ssci = (__force ssci_t)nla_get_u32(req->sa[MACSEC_SA_ATTR_SSCI]);
	cfg->salt = nla_data(req->sa[MACSEC_SA_ATTR_SALT]);
	return 0;
}

/* Reject key material in UPD_TXSA and UPD_RXSA, because keys are immutable. */
static int macvx_nl_check_upd_sa(struct macvx_nl_request *req)
{
	static const struct {
		int type;
		const char *msg;
	} immutable[] = {
		{ MACSEC_SA_ATTR_KEY,
		  "key: cannot be changed; add a new SA instead" },
		{ MACSEC_SA_ATTR_KEYID,
		  "keyid: cannot be changed; add a new SA instead" },
		{ MACSEC_SA_ATTR_SSCI,
		  "ssci: cannot be changed; add a new SA instead" },
		{ MACSEC_SA_ATTR_SALT,
		  "salt: cannot be changed; add a new SA instead" },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(immutable); i++) {
		struct nlattr *attr = req->sa[immutable[i].type];

		if (attr) {
			macvx_set_err_attr(req->info->extack, attr,
					   immutable[i].msg);
			return -EINVAL;
		}
	}
	return 0;
}

/* Parse what every SA command carries: IFINDEX, SA_CONFIG and, for the RX
 * commands, RXSC_CONFIG.
 */
static int macvx_nl_parse_sa_request(struct macvx_nl_request *req,
				     struct genl_info *info, bool rx)
{
	int err;

	memset(req, 0, sizeof(*req));
	req->info = info;

	err = macvx_nl_check_ifindex(info);
	if (err)
		return err;

	err = macvx_nl_parse_sa(req);
	if (err)
		return err;

	return rx ? macvx_nl_parse_rxsc(req) : 0;
}

static int macvx_nl_parse_rxsc_request(struct macvx_nl_request *req,
				       struct genl_info *info)
{
	int err;

	memset(req, 0, sizeof(*req));
	req->info = info;

	err = macvx_nl_check_ifindex(info);
	if (err)
		return err;

	return macvx_nl_parse_rxsc(req);
}

/* ---- TX SA commands ---- */

static int macvx_nl_add_txsa_locked(struct macvx_nl_request *req)
{
	struct macvx_sa_config cfg = {};
	int err;

	err = macvx_nl_get_dev(req);
	if (err)
		return err;

	err = macvx_nl_get_sa_config(req, &cfg);
	if (err)
		return err;

	err = macvx_tx_sa_add(req->secy, &cfg);
	if (err == -EBUSY)
		NL_SET_ERR_MSG_ATTR(req->info->extack, req->sa[MACSEC_SA_ATTR_AN],
				    "an: SA already exists");
	else if (err && err != -ENOMEM)
		NL_SET_ERR_MSG(req->info->extack,
			       "key: setting up gcm(aes) with this key failed");
	return err;
}

static int macvx_nl_add_txsa(struct sk_buff *skb, struct genl_info *info)
{
	struct macvx_nl_request req;
	int err;

	err = macvx_nl_parse_sa_request(&req, info, false);
	if (!err)
		err = macvx_nl_require_sa_attr(&req, MACSEC_SA_ATTR_PN,
					       "pn: missing");
	if (!err)
		err = macvx_nl_check_add_sa(&req);
	if (!err) {
		rtnl_lock();
		err = macvx_nl_add_txsa_locked(&req);
		rtnl_unlock();
	}

	macvx_nl_wipe_secrets(info);
	return err;
}

static struct macvx_tx_sa *macvx_nl_get_tx_sa(struct macvx_nl_request *req)
{
	struct macvx_tx_sa *sa;

	sa = rtnl_dereference(req->secy->tx_sc.sa[req->an]);
	if (!sa)
		NL_SET_ERR_MSG_ATTR(req->info->extack, req->sa[MACSEC_SA_ATTR_AN],
				    "an: no TX SA with this AN");
	return sa;
}

static int macvx_nl_del_txsa_locked(struct macvx_nl_request *req)
{
	int err;

	err = macvx_nl_get_dev(req);
	if (err)
		return err;

	if (!macvx_nl_get_tx_sa(req))
		return -ENODEV;

	err = macvx_tx_sa_del(req->secy, req->an);
	if (err == -EBUSY)
		NL_SET_ERR_MSG_ATTR(req->info->extack, req->sa[MACSEC_SA_ATTR_AN],
				    "an: SA is active; switch it off first");
	return err;
}

static int macvx_nl_del_txsa(struct sk_buff *skb, struct genl_info *info)
{
	struct macvx_nl_request req;
	int err;

	err = macvx_nl_parse_sa_request(&req, info, false);
	if (!err) {
		rtnl_lock();
		err = macvx_nl_del_txsa_locked(&req);
		rtnl_unlock();
	}

	macvx_nl_wipe_secrets(info);
	return err;
}

static int macvx_nl_upd_txsa_locked(struct macvx_nl_request *req)
{
	bool active = false;
	u64 pn = 0;
	int err;

	err = macvx_nl_get_dev(req);
	if (err)
		return err;

	if (!macvx_nl_get_tx_sa(req))
		return -ENODEV;

	if (req->sa[MACSEC_SA_ATTR_PN]) {
		err = macvx_nl_get_pn(req, &pn);
		if (err)
			return err;
	}
	if (req->sa[MACSEC_SA_ATTR_ACTIVE])
		active = nla_get_u8(req->sa[MACSEC_SA_ATTR_ACTIVE]);

	macvx_tx_sa_update(req->secy, req->an,
			   req->sa[MACSEC_SA_ATTR_PN] ? &pn : NULL,
			   req->sa[MACSEC_SA_ATTR_ACTIVE] ? &active : NULL);
	return 0;
}

static int macvx_nl_upd_txsa(struct sk_buff *skb, struct genl_info *info)
{
	struct macvx_nl_request req;
	int err;

	err = macvx_nl_parse_sa_request(&req, info, false);
	if (!err)
		err = macvx_nl_check_upd_sa(&req);
	if (!err) {
		rtnl_lock();
		err = macvx_nl_upd_txsa_locked(&req);
		rtnl_unlock();
	}

	macvx_nl_wipe_secrets(info);
	return err;
}

/* ---- RX SC commands ---- */

static int macvx_nl_add_rxsc_locked(struct macvx_nl_request *req)
{
	struct nlattr *active_attr = req->rxsc[MACSEC_RXSC_ATTR_ACTIVE];
	struct nlattr *sci_attr = req->rxsc[MACSEC_RXSC_ATTR_SCI];
	struct macvx_rx_sc *sc;
	int err;

	err = macvx_nl_get_dev(req);
	if (err)
		return err;

	/* An RX SC is active unless the request sets ACTIVE to 0. */
	sc = macvx_rx_sc_add(req->secy, macvx_nla_get_sci(sci_attr),
			     !active_attr || nla_get_u8(active_attr));
	if (IS_ERR(sc)) {
		err = PTR_ERR(sc);
		if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(req->info->extack, sci_attr,
					    "sci: RX SC already exists");
		return err;
	}
	return 0;
}

static int macvx_nl_add_rxsc(struct sk_buff *skb, struct genl_info *info)
{
	struct macvx_nl_request req;
	int err;

	err = macvx_nl_parse_rxsc_request(&req, info);
	if (err)
		return err;

	rtnl_lock();
	err = macvx_nl_add_rxsc_locked(&req);
	rtnl_unlock();
	return err;
}

static int macvx_nl_del_rxsc(struct sk_buff *skb, struct genl_info *info)
{
	struct macvx_nl_request req;
	struct macvx_rx_sc *sc;
	int err;

	err = macvx_nl_parse_rxsc_request(&req, info);
	if (err)
		return err;

	rtnl_lock();
	err = macvx_nl_get_dev(&req);
	if (!err) {
		sc = macvx_nl_get_rx_sc(&req);
		if (sc)
			macvx_rx_sc_del(req.secy, sc);
		else
			err = -ENODEV;
	}
	rtnl_unlock();
	return err;
}

static int macvx_nl_upd_rxsc(struct sk_buff *skb, struct genl_info *info)
{
	struct macvx_nl_request req;
	struct nlattr *active;
	struct macvx_rx_sc *sc;
	int err;

	err = macvx_nl_parse_rxsc_request(&req, info);
	if (err)
		return err;

	active = req.rxsc[MACSEC_RXSC_ATTR_ACTIVE];
	rtnl_lock();
	err = macvx_nl_get_dev(&req);
	if (!err) {
		sc = macvx_nl_get_rx_sc(&req);
		if (!sc)
			err = -ENODEV;
		else if (active)
			macvx_rx_sc_set_active(req.secy, sc,
					       nla_get_u8(active));
	}
	rtnl_unlock();
	return err;
}

/* ---- RX SA commands ---- */

static int macvx_nl_add_rxsa_locked(struct macvx_nl_request *req)
{
	struct macvx_sa_config cfg = {};
	struct macvx_rx_sc *sc;
	int err;

	err = macvx_nl_get_dev(req);
	if (err)
		return err;

	sc = macvx_nl_get_rx_sc(req);
	if (!sc)
		return -ENODEV;

	err = macvx_nl_get_sa_config(req, &cfg);
	if (err)
		return err;

	err = macvx_rx_sa_add(req->secy, sc, &cfg);
	if (err == -EBUSY)
		NL_SET_ERR_MSG_ATTR(req->info->extack, req->sa[MACSEC_SA_ATTR_AN],
				    "an: SA already exists");
	else if (err && err != -ENOMEM)
		NL_SET_ERR_MSG(req->info->extack,
			       "key: setting up gcm(aes) with this key failed");
	return err;
}

static int macvx_nl_add_rxsa(struct sk_buff *skb, struct genl_info *info)
{
	struct macvx_nl_request req;
	int err;

	err = macvx_nl_parse_sa_request(&req, info, true);
	if (!err)
		err = macvx_nl_check_add_sa(&req);
	if (!err) {
		rtnl_lock();
		err = macvx_nl_add_rxsa_locked(&req);
		rtnl_unlock();
	}

	macvx_nl_wipe_secrets(info);
	return err;
}

/* Find the RX SC and check that it has an SA on the requested AN. */
static struct macvx_rx_sc *macvx_nl_get_rx_sa_sc(struct macvx_nl_request *req)
{
	struct macvx_rx_sc *sc;

	sc = macvx_nl_get_rx_sc(req);
	if (!sc)
		return NULL;

	if (!rtnl_dereference(sc->sa[req->an])) {
		NL_SET_ERR_MSG_ATTR(req->info->extack, req->sa[MACSEC_SA_ATTR_AN],
				    "an: no RX SA with this AN");
		return NULL;
	}
	return sc;
}

static int macvx_nl_del_rxsa_locked(struct macvx_nl_request *req)
{
	struct macvx_rx_sc *sc;
	int err;

	err = macvx_nl_get_dev(req);
	if (err)
		return err;

	sc = macvx_nl_get_rx_sa_sc(req);
	if (!sc)
		return -ENODEV;

	err = macvx_rx_sa_del(req->secy, sc, req->an);
	if (err == -EBUSY)
		NL_SET_ERR_MSG_ATTR(req->info->extack, req->sa[MACSEC_SA_ATTR_AN],
				    "an: SA is active; switch it off first");
	return err;
}

static int macvx_nl_del_rxsa(struct sk_buff *skb, struct genl_info *info)
{
	struct macvx_nl_request req;
	int err;

	err = macvx_nl_parse_sa_request(&req, info, true);
	if (!err) {
		rtnl_lock();
		err = macvx_nl_del_rxsa_locked(&req);
		rtnl_unlock();
	}

	macvx_nl_wipe_secrets(info);
	return err;
}

static int macvx_nl_upd_rxsa_locked(struct macvx_nl_request *req)
{
	struct macvx_rx_sc *sc;
	bool active = false;
	u64 pn = 0;
	int err;

	err = macvx_nl_get_dev(req);
	if (err)
		return err;

	sc = macvx_nl_get_rx_sa_sc(req);
	if (!sc)
		return -ENODEV;

	if (req->sa[MACSEC_SA_ATTR_PN]) {
		err = macvx_nl_get_pn(req, &pn);
		if (err)
			return err;
	}
	if (req->sa[MACSEC_SA_ATTR_ACTIVE])
		active = nla_get_u8(req->sa[MACSEC_SA_ATTR_ACTIVE]);

	macvx_rx_sa_update(sc, req->an,
			   req->sa[MACSEC_SA_ATTR_PN] ? &pn : NULL,
			   req->sa[MACSEC_SA_ATTR_ACTIVE] ? &active : NULL);
	return 0;
}

static int macvx_nl_upd_rxsa(struct sk_buff *skb, struct genl_info *info)
{
	struct macvx_nl_request req;
	int err;

	err = macvx_nl_parse_sa_request(&req, info, true);
	if (!err)
		err = macvx_nl_check_upd_sa(&req);
	if (!err) {
		rtnl_lock();
		err = macvx_nl_upd_rxsa_locked(&req);
		rtnl_unlock();
	}

	macvx_nl_wipe_secrets(info);
	return err;
}

/* ---- offload ---- */

/* macvx has no hardware offload: only MACSEC_OFFLOAD_OFF, the current mode,
 * is accepted, and setting it changes nothing.
 */
static int macvx_nl_upd_offload(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NUM_MACSEC_OFFLOAD_ATTR];
	struct macvx_nl_request req = { .info = info };
	struct nlattr *type;
	int err;

	err = macvx_nl_check_ifindex(info);
	if (err)
		return err;

	err = macvx_nl_parse_nest(info, MACSEC_ATTR_OFFLOAD, tb,
				  MACSEC_OFFLOAD_ATTR_MAX,
				  macvx_offload_policy, "offload: missing");
	if (err)
		return err;

	rtnl_lock();
	err = macvx_nl_get_dev(&req);
	rtnl_unlock();
	if (err)
		return err;

	type = tb[MACSEC_OFFLOAD_ATTR_TYPE];
	if (!type) {
		NL_SET_ERR_MSG(info->extack, "offload type: missing");
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[MACSEC_ATTR_OFFLOAD],
				     MACSEC_OFFLOAD_ATTR_TYPE);
		return -EINVAL;
	}

	if (nla_get_u8(type) != MACSEC_OFFLOAD_OFF) {
		NL_SET_ERR_MSG_ATTR(info->extack, type,
				    "offload type: macvx supports only off");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* ---- dump ---- */

/* Sum the @n u64 counters that open each CPU's copy of a statistics
 * wrapper, read under the u64_stats_sync at @syncp_offset in it. The
 * wrappers are the macvx_*_stats structs: 802.1AE counters, then syncp.
 */
static void macvx_sum_stats(const void __percpu *pcpu_stats,
			    size_t syncp_offset, u64 *sum, unsigned int n)
{
	u64 tmp[sizeof(struct macsec_rx_sc_stats) / sizeof(u64)];
	unsigned int i, start;
	int cpu;

	memset(sum, 0, n * sizeof(u64));
	if (WARN_ON_ONCE(n > ARRAY_SIZE(tmp)))
		return;

	for_each_possible_cpu(cpu) {
		const u8 *base = per_cpu_ptr(pcpu_stats, cpu);
		const struct u64_stats_sync *syncp;

		syncp = (const struct u64_stats_sync *)(base + syncp_offset);
		do {
			start = u64_stats_fetch_begin(syncp);
			memcpy(tmp, base, n * sizeof(u64));
		} while (u64_stats_fetch_retry(syncp, start));

		for (i = 0; i < n; i++)
			sum[i] += tmp[i];
	}
}

/* Put a list of u64 counters as a nest, each padded for 64-bit alignment. */
static int macvx_put_u64_stats(struct sk_buff *skb, int nest_type,
			       const int *types, const u64 *values,
			       unsigned int n, int pad)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start_noflag(skb, nest_type);
	if (!nest)
		return -EMSGSIZE;

	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(skb, types[i], values[i], pad))
			return -EMSGSIZE;

	nla_nest_end(skb, nest);
	return 0;
}

static int macvx_put_tx_sc_stats(struct sk_buff *skb,
				 const struct macvx_tx_sc *tx_sc)
{
	static const int types[] = {
		MACSEC_TXSC_STATS_ATTR_OUT_PKTS_PROTECTED,
		MACSEC_TXSC_STATS_ATTR_OUT_PKTS_ENCRYPTED,
		MACSEC_TXSC_STATS_ATTR_OUT_OCTETS_PROTECTED,
		MACSEC_TXSC_STATS_ATTR_OUT_OCTETS_ENCRYPTED,
	};
	u64 values[ARRAY_SIZE(types)];

	/* @types follows the field order of struct macsec_tx_sc_stats. */
	BUILD_BUG_ON(sizeof(values) != sizeof(struct macsec_tx_sc_stats));
	macvx_sum_stats(tx_sc->stats, offsetof(struct macvx_tx_sc_stats, syncp),
			values, ARRAY_SIZE(values));
	return macvx_put_u64_stats(skb, MACSEC_ATTR_TXSC_STATS, types, values,
				   ARRAY_SIZE(types),
				   MACSEC_TXSC_STATS_ATTR_PAD);
}

static int macvx_put_secy_stats(struct sk_buff *skb,
				const struct macvx_secy *secy)
{
	static const int types[] = {
		MACSEC_SECY_STATS_ATTR_OUT_PKTS_UNTAGGED,
		MACSEC_SECY_STATS_ATTR_IN_PKTS_UNTAGGED,
		MACSEC_SECY_STATS_ATTR_OUT_PKTS_TOO_LONG,
		MACSEC_SECY_STATS_ATTR_IN_PKTS_NO_TAG,
		MACSEC_SECY_STATS_ATTR_IN_PKTS_BAD_TAG,
		MACSEC_SECY_STATS_ATTR_IN_PKTS_UNKNOWN_SCI,
		MACSEC_SECY_STATS_ATTR_IN_PKTS_NO_SCI,
		MACSEC_SECY_STATS_ATTR_IN_PKTS_OVERRUN,
	};
	u64 values[ARRAY_SIZE(types)];

	/* @types follows the field order of struct macsec_dev_stats. */
	BUILD_BUG_ON(sizeof(values) != sizeof(struct macsec_dev_stats));
	macvx_sum_stats(secy->stats, offsetof(struct macvx_secy_stats, syncp), values,
			ARRAY_SIZE(values));
	return macvx_put_u64_stats(skb, MACSEC_ATTR_SECY_STATS, types, values,
				   ARRAY_SIZE(types),
				   MACSEC_SECY_STATS_ATTR_PAD);
}

static int macvx_put_rx_sc_stats(struct sk_buff *skb,
				 const struct macvx_rx_sc *sc)
{
	static const int types[] = {
		MACSEC_RXSC_STATS_ATTR_IN_OCTETS_VALIDATED,
		MACSEC_RXSC_STATS_ATTR_IN_OCTETS_DECRYPTED,
		MACSEC_RXSC_STATS_ATTR_IN_PKTS_UNCHECKED,
		MACSEC_RXSC_STATS_ATTR_IN_PKTS_DELAYED,
		MACSEC_RXSC_STATS_ATTR_IN_PKTS_OK,
		MACSEC_RXSC_STATS_ATTR_IN_PKTS_INVALID,
		MACSEC_RXSC_STATS_ATTR_IN_PKTS_LATE,
		MACSEC_RXSC_STATS_ATTR_IN_PKTS_NOT_VALID,
		MACSEC_RXSC_STATS_ATTR_IN_PKTS_NOT_USING_SA,
		MACSEC_RXSC_STATS_ATTR_IN_PKTS_UNUSED_SA,
	};
	u64 values[ARRAY_SIZE(types)];

	/* @types follows the field order of struct macsec_rx_sc_stats. */
	BUILD_BUG_ON(sizeof(values) != sizeof(struct macsec_rx_sc_stats));
	macvx_sum_stats(sc->stats, offsetof(struct macvx_rx_sc_stats, syncp), values,
			ARRAY_SIZE(values));
	return macvx_put_u64_stats(skb, MACSEC_RXSC_ATTR_STATS, types, values,
				   ARRAY_SIZE(types),
				   MACSEC_RXSC_STATS_ATTR_PAD);
}

static int macvx_put_tx_sa_stats(struct sk_buff *skb,
				 const struct macvx_tx_sa *sa)
{
	u32 protected = 0, encrypted = 0;
	struct nlattr *nest;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct macsec_tx_sa_stats *pcpu;

		pcpu = per_cpu_ptr(sa->stats, cpu);
		protected += READ_ONCE(pcpu->OutPktsProtected);
		encrypted += READ_ONCE(pcpu->OutPktsEncrypted);
	}

	nest = nla_nest_start_noflag(skb, MACSEC_SA_ATTR_STATS);
	if (!nest ||
	    nla_put_u32(skb, MACSEC_SA_STATS_ATTR_OUT_PKTS_PROTECTED,
			protected) ||
	    nla_put_u32(skb, MACSEC_SA_STATS_ATTR_OUT_PKTS_ENCRYPTED,
			encrypted))
		return -EMSGSIZE;

	nla_nest_end(skb, nest);
	return 0;
}

static int macvx_put_rx_sa_stats(struct sk_buff *skb,
				 const struct macvx_rx_sa *sa)
{
	struct macsec_rx_sa_stats sum = {};
	struct nlattr *nest;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct macsec_rx_sa_stats *pcpu;

		pcpu = per_cpu_ptr(sa->stats, cpu);
		sum.InPktsOK += READ_ONCE(pcpu->InPktsOK);
		sum.InPktsInvalid += READ_ONCE(pcpu->InPktsInvalid);
		sum.InPktsNotValid += READ_ONCE(pcpu->InPktsNotValid);
		sum.InPktsNotUsingSA += READ_ONCE(pcpu->InPktsNotUsingSA);
		sum.InPktsUnusedSA += READ_ONCE(pcpu->InPktsUnusedSA);
	}

	nest = nla_nest_start_noflag(skb, MACSEC_SA_ATTR_STATS);
	if (!nest ||
	    nla_put_u32(skb, MACSEC_SA_STATS_ATTR_IN_PKTS_OK, sum.InPktsOK) ||
	    nla_put_u32(skb, MACSEC_SA_STATS_ATTR_IN_PKTS_INVALID,
			sum.InPktsInvalid) ||
	    nla_put_u32(skb, MACSEC_SA_STATS_ATTR_IN_PKTS_NOT_VALID,
			sum.InPktsNotValid) ||
	    nla_put_u32(skb, MACSEC_SA_STATS_ATTR_IN_PKTS_NOT_USING_SA,
			sum.InPktsNotUsingSA) ||
	    nla_put_u32(skb, MACSEC_SA_STATS_ATTR_IN_PKTS_UNUSED_SA,
			sum.InPktsUnusedSA))
		return -EMSGSIZE;

	nla_nest_end(skb, nest);
	return 0;
}

/* The SA attributes common to TX and RX, after the statistics, in macsec's
 * order. Neither the key nor the salt is ever put.
 */
static int macvx_put_sa_common(struct sk_buff *skb,
			       const struct macvx_secy *secy, u8 an,
			       u64 next_pn, const struct macvx_key *key,
			       bool active)
{
	if (nla_put_u8(skb, MACSEC_SA_ATTR_AN, an))
		return -EMSGSIZE;

	if (secy->xpn) {
		if (nla_put(skb, MACSEC_SA_ATTR_PN, sizeof(next_pn), &next_pn))
			return -EMSGSIZE;
	} else if (nla_put_u32(skb, MACSEC_SA_ATTR_PN, lower_32_bits(next_pn))) {
		return -EMSGSIZE;
	}

	if (nla_put(skb, MACSEC_SA_ATTR_KEYID, MACSEC_KEYID_LEN, key->id) ||
	    (secy->xpn && nla_put_u32(skb, MACSEC_SA_ATTR_SSCI,
				      (__force u32)key->ssci)) ||
	    nla_put_u8(skb, MACSEC_SA_ATTR_ACTIVE, active))
		return -EMSGSIZE;
	return 0;
}

static int macvx_put_tx_sa_list(struct sk_buff *skb,
				const struct macvx_secy *secy)
{
	struct nlattr *list, *entry;
	int an, index = 1;
	u64 next_pn;

	list = nla_nest_start_noflag(skb, MACSEC_ATTR_TXSA_LIST);
	if (!list)
		return -EMSGSIZE;

	for (an = 0; an < MACSEC_NUM_AN; an++) {
		struct macvx_tx_sa *sa = rtnl_dereference(secy->tx_sc.sa[an]);

		if (!sa)
			continue;

		/* An exhausted SA's PN has wrapped, as macsec shows it. */
		next_pn = test_bit(MACVX_SA_EXHAUSTED, &sa->flags) ? 0 :
			  atomic64_read(&sa->next_pn);
		entry = nla_nest_start_noflag(skb, index++);
		if (!entry || macvx_put_tx_sa_stats(skb, sa) ||
		    macvx_put_sa_common(skb, secy, an, next_pn, &sa->key,
					macvx_tx_sa_usable(sa)))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}

	nla_nest_end(skb, list);
	return 0;
}

static int macvx_put_rx_sa_list(struct sk_buff *skb,
				const struct macvx_secy *secy,
				const struct macvx_rx_sc *sc)
{
	struct nlattr *list, *entry;
	int an, index = 1;

	list = nla_nest_start_noflag(skb, MACSEC_RXSC_ATTR_SA_LIST);
	if (!list)
		return -EMSGSIZE;

	for (an = 0; an < MACSEC_NUM_AN; an++) {
		struct macvx_rx_sa *sa = rtnl_dereference(sc->sa[an]);

		if (!sa)
			continue;

		entry = nla_nest_start_noflag(skb, index++);
		if (!entry || macvx_put_rx_sa_stats(skb, sa) ||
		    macvx_put_sa_common(skb, secy, an,
					atomic64_read(&sa->next_pn), &sa->key,
					READ_ONCE(sa->active)))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}

	nla_nest_end(skb, list);
	return 0;
}

static int macvx_put_rx_sc_list(struct sk_buff *skb,
				const struct macvx_secy *secy)
{
	struct nlattr *list, *entry;
	struct macvx_rx_sc *sc;
	int index = 1;

	list = nla_nest_start_noflag(skb, MACSEC_ATTR_RXSC_LIST);
	if (!list)
		return -EMSGSIZE;

	list_for_each_entry(sc, &secy->rx_sc_list, list) {
		entry = nla_nest_start_noflag(skb, index++);
		if (!entry ||
		    nla_put_u8(skb, MACSEC_RXSC_ATTR_ACTIVE, sc->active) ||
		    macvx_nla_put_sci(skb, MACSEC_RXSC_ATTR_SCI, sc->sci,
				      MACSEC_RXSC_ATTR_PAD) ||
		    macvx_put_rx_sc_stats(skb, sc) ||
		    macvx_put_rx_sa_list(skb, secy, sc))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}

	nla_nest_end(skb, list);
	return 0;
}

static int macvx_put_secy(struct sk_buff *skb, const struct macvx_secy *secy)
{
	const struct macvx_tx_sc *tx_sc = &secy->tx_sc;
	struct nlattr *nest;
	u64 csid = secy->csid;

	/* Like macsec, report GCM-AES-128 by its deprecated default ID. */
	if (csid == MACSEC_CIPHER_ID_GCM_AES_128)
		csid = MACSEC_DEFAULT_CIPHER_ID;

	nest = nla_nest_start_noflag(skb, MACSEC_ATTR_SECY);
	if (!nest ||
	    macvx_nla_put_sci(skb, MACSEC_SECY_ATTR_SCI, secy->sci,
			      MACSEC_SECY_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, MACSEC_SECY_ATTR_CIPHER_SUITE, csid,
			      MACSEC_SECY_ATTR_PAD) ||
	    nla_put_u8(skb, MACSEC_SECY_ATTR_ICV_LEN, secy->icv_len) ||
	    nla_put_u8(skb, MACSEC_SECY_ATTR_OPER,
		       macvx_secy_operational(secy)) ||
	    nla_put_u8(skb, MACSEC_SECY_ATTR_PROTECT, secy->protect) ||
	    nla_put_u8(skb, MACSEC_SECY_ATTR_REPLAY, secy->replay_protect) ||
	    nla_put_u8(skb, MACSEC_SECY_ATTR_VALIDATE, secy->validate_frames) ||
	    nla_put_u8(skb, MACSEC_SECY_ATTR_ENCRYPT, tx_sc->encrypt) ||
	    nla_put_u8(skb, MACSEC_SECY_ATTR_INC_SCI, tx_sc->send_sci) ||
	    nla_put_u8(skb, MACSEC_SECY_ATTR_ES, tx_sc->end_station) ||
	    nla_put_u8(skb, MACSEC_SECY_ATTR_SCB, tx_sc->scb) ||
	    nla_put_u8(skb, MACSEC_SECY_ATTR_ENCODING_SA, tx_sc->encoding_sa))
		return -EMSGSIZE;

	if (secy->replay_protect &&
	    nla_put_u32(skb, MACSEC_SECY_ATTR_WINDOW, secy->replay_window))
		return -EMSGSIZE;

	nla_nest_end(skb, nest);
	return 0;
}

static int macvx_put_offload(struct sk_buff *skb)
{
	struct nlattr *nest;

	nest = nla_nest_start_noflag(skb, MACSEC_ATTR_OFFLOAD);
	if (!nest ||
	    nla_put_u8(skb, MACSEC_OFFLOAD_ATTR_TYPE, MACSEC_OFFLOAD_OFF))
		return -EMSGSIZE;

	nla_nest_end(skb, nest);
	return 0;
}

/* Put one device's message, under RTNL; on -EMSGSIZE nothing is left. */
static noinline_for_stack int
macvx_nl_dump_secy(struct sk_buff *skb, struct netlink_callback *cb,
		   struct net_device *dev)
{
	const struct macvx_secy *secy = &macvx_priv(dev)->secy;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &macvx_genl_family, NLM_F_MULTI, MACSEC_CMD_GET_TXSC);
	if (!hdr)
		return -EMSGSIZE;

	genl_dump_check_consistent(cb, hdr);

	if (nla_put_u32(skb, MACSEC_ATTR_IFINDEX, dev->ifindex) ||
	    macvx_put_offload(skb) ||
	    macvx_put_secy(skb, secy) ||
	    macvx_put_tx_sc_stats(skb, &secy->tx_sc) ||
	    macvx_put_secy_stats(skb, secy) ||
	    macvx_put_tx_sa_list(skb, secy) ||
	    macvx_put_rx_sc_list(skb, secy)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}

	genlmsg_end(skb, hdr);
	return 0;
}

/* cb->args[0] counts the macvx devices already dumped. A device added or
 * removed between two parts changes dev_base_seq, and the next part then
 * carries NLM_F_DUMP_INTR.
 */
static int macvx_nl_dump_txsc(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	long skip = cb->args[0], index = 0;
	struct net_device *dev;
	int err = 0;

	rtnl_lock();
	cb->seq = net->dev_base_seq;
	for_each_netdev(net, dev) {
		if (!netif_is_macvx(dev))
			continue;
		if (index < skip) {
			index++;
			continue;
		}
		err = macvx_nl_dump_secy(skb, cb, dev);
		if (err)
			break;
		index++;
	}
	rtnl_unlock();

	cb->args[0] = index;
	/* A device whose message alone exceeds the buffer ends the dump with
	 * an error instead of being skipped silently.
	 */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static const struct genl_small_ops macvx_genl_ops[] = {
	{
		.cmd = MACSEC_CMD_GET_TXSC,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.dumpit = macvx_nl_dump_txsc,
	},
	{
		.cmd = MACSEC_CMD_ADD_RXSC,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = macvx_nl_add_rxsc,
		.flags = MACVX_GENL_ADMIN,
	},
	{
		.cmd = MACSEC_CMD_DEL_RXSC,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = macvx_nl_del_rxsc,
		.flags = MACVX_GENL_ADMIN,
	},
	{
		.cmd = MACSEC_CMD_UPD_RXSC,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = macvx_nl_upd_rxsc,
		.flags = MACVX_GENL_ADMIN,
	},
	{
		.cmd = MACSEC_CMD_ADD_TXSA,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = macvx_nl_add_txsa,
		.flags = MACVX_GENL_ADMIN,
	},
	{
		.cmd = MACSEC_CMD_DEL_TXSA,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = macvx_nl_del_txsa,
		.flags = MACVX_GENL_ADMIN,
	},
	{
		.cmd = MACSEC_CMD_UPD_TXSA,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = macvx_nl_upd_txsa,
		.flags = MACVX_GENL_ADMIN,
	},
	{
		.cmd = MACSEC_CMD_ADD_RXSA,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = macvx_nl_add_rxsa,
		.flags = MACVX_GENL_ADMIN,
	},
	{
		.cmd = MACSEC_CMD_DEL_RXSA,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = macvx_nl_del_rxsa,
		.flags = MACVX_GENL_ADMIN,
	},
	{
		.cmd = MACSEC_CMD_UPD_RXSA,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = macvx_nl_upd_rxsa,
		.flags = MACVX_GENL_ADMIN,
	},
	{
		.cmd = MACSEC_CMD_UPD_OFFLOAD,
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
		.doit = macvx_nl_upd_offload,
		.flags = MACVX_GENL_ADMIN,
	},
};

static const struct genl_multicast_group macvx_genl_mcgrps[] = {
	{ .name = MACVX_GENL_MCGRP_EVENTS },
};

/* The top level is parsed liberally, as macsec does, because iproute2 6.1
 * sends nests without NLA_F_NESTED; the nests themselves are parsed strictly.
 */
static struct genl_family macvx_genl_family __ro_after_init = {
	.name = MACVX_GENL_NAME,
	.hdrsize = 0,
	.version = MACVX_GENL_VERSION,
	.maxattr = MACSEC_ATTR_MAX,
	.policy = macvx_genl_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = macvx_genl_ops,
	.n_small_ops = ARRAY_SIZE(macvx_genl_ops),
	.resv_start_op = MACSEC_CMD_UPD_OFFLOAD + 1,
	.mcgrps = macvx_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(macvx_genl_mcgrps),
};

/* Announce a TX SA event to key agents. It runs on the transmit path at
 * most twice in an SA's life, so it may allocate. A failure only loses
 * the notification, which agents that poll the dump do not need.
 */
void macvx_genl_notify_txsa(struct macvx_dev *mvx, u8 cmd, u8 an, u64 pn)
{
	struct net *net = dev_net(mvx->dev);
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&macvx_genl_family, net, 0))
		return;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &macvx_genl_family, 0, cmd);
	if (!hdr)
		goto err_free;
	if (nla_put_u32(skb, MACSEC_ATTR_IFINDEX, mvx->dev->ifindex))
		goto err_free;
	nest = nla_nest_start_noflag(skb, MACSEC_ATTR_SA_CONFIG);
	if (!nest || nla_put_u8(skb, MACSEC_SA_ATTR_AN, an))
		goto err_free;
	if (mvx->secy.xpn) {
		if (nla_put(skb, MACSEC_SA_ATTR_PN, sizeof(pn), &pn))
			goto err_free;
	} else if (nla_put_u32(skb, MACSEC_SA_ATTR_PN, lower_32_bits(pn))) {
		goto err_free;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&macvx_genl_family, net, skb, 0, 0,
				GFP_ATOMIC);
	return;

err_free:
	nlmsg_free(skb);
}

int macvx_genl_init(void)
{
	return genl_register_family(&macvx_genl_family);
}

void macvx_genl_exit(void)
{
	genl_unregister_family(&macvx_genl_family);
}

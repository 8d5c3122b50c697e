/* SPDX-License-Identifier: GPL-2.0 */
/*
 * macvx SC and SA configuration, called by the generic netlink handlers.
 * Every function here runs under RTNL and leaves the SecY unchanged when it
 * returns an error.
 */
#ifndef _MACVX_SA_H
#define _MACVX_SA_H

#include "macvx.h"

/**
 * struct macvx_sa_config - parameters of a new TX or RX SA
 * @an: association number, below MACSEC_NUM_AN
 * @pn: first PN to send (TX) or lowest acceptable PN (RX), never 0
 * @active: initial state of the SA
 * @key: SAK of exactly &macvx_secy.key_len bytes, passed to the cipher only
 * @key_id: MACSEC_KEYID_LEN bytes
 * @ssci: XPN short SCI, ignored without XPN
 * @salt: XPN salt of MACSEC_SALT_LEN bytes, ignored without XPN
 */
struct macvx_sa_config {
	u8 an;
	u64 pn;
	bool active;
	const u8 *key;
	const u8 *key_id;
	ssci_t ssci;
	const u8 *salt;
};

/* An SA that the data path may use: switched on and not out of PNs. */
static inline bool macvx_tx_sa_usable(const struct macvx_tx_sa *sa)
{
	/* Pairs with clear_bit_unlock() in macvx_tx_sa_update(). A reader
	 * that finds the mark cleared also finds the new PN and active flag.
	 */
	return !test_bit_acquire(MACVX_SA_EXHAUSTED, &sa->flags) &&
	       READ_ONCE(sa->active);
}

int macvx_tx_sa_add(struct macvx_secy *secy,
		    const struct macvx_sa_config *cfg);
int macvx_tx_sa_del(struct macvx_secy *secy, u8 an);
void macvx_tx_sa_update(struct macvx_secy *secy, u8 an,
			const u64 *pn, const bool *active);

struct macvx_rx_sc *macvx_rx_sc_add(struct macvx_secy *secy, sci_t sci,
				    bool active);
void macvx_rx_sc_del(struct macvx_secy *secy, struct macvx_rx_sc *sc);
void macvx_rx_sc_set_active(struct macvx_secy *secy, struct macvx_rx_sc *sc,
			    bool active);

int macvx_rx_sa_add(struct macvx_secy *secy, struct macvx_rx_sc *sc,
		    const struct macvx_sa_config *cfg);
int macvx_rx_sa_del(struct macvx_secy *secy, struct macvx_rx_sc *sc, u8 an);
void macvx_rx_sa_update(struct macvx_rx_sc *sc, u8 an,
			const u64 *pn, const bool *active);

#endif /* _MACVX_SA_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * macvx secure channels and secure associations: their lifetime, lookup and
 * the SecY state derived from them.
 *
 * The SecY owns one reference on every SC and SA it links. An RX SA also
 * holds a reference on its RX SC, so an SC outlives its SAs. An object is
 * freed through call_rcu() once its last reference is gone, so the data
 * path may use what it found under RCU without taking a reference.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "macvx.h"
#include "sa.h"

static const struct rhashtable_params macvx_rx_sc_params = {
	.key_len = sizeof(sci_t),
	.key_offset = offsetof(struct macvx_rx_sc, sci),
	.head_offset = offsetof(struct macvx_rx_sc, node),
	.automatic_shrinking = true,
};

/* SCIs are printed most significant byte first: MAC address, then port. */
static unsigned long long macvx_sci_to_u64(sci_t sci)
{
	return be64_to_cpu((__force __be64)sci);
}

static const char *macvx_secy_name(const struct macvx_secy *secy)
{
	const struct macvx_dev *mvx = container_of(secy, struct macvx_dev,
						   secy);

	return mvx->dev ? netdev_name(mvx->dev) : "(no device)";
}

int macvx_secy_init(struct macvx_secy *secy)
{
	int err;

	secy->stats = netdev_alloc_pcpu_stats(struct macvx_secy_stats);
	if (!secy->stats)
		return -ENOMEM;

	secy->tx_sc.stats = netdev_alloc_pcpu_stats(struct macvx_tx_sc_stats);
	if (!secy->tx_sc.stats) {
		err = -ENOMEM;
		goto err_secy_stats;
	}

	err = rhashtable_init(&secy->rx_scs, &macvx_rx_sc_params);
	if (err)
		goto err_tx_sc_stats;

	secy->n_rx_sc = 0;
	RCU_INIT_POINTER(secy->rx_sc_single, NULL);
	/* A non-NULL list head marks the SecY as initialised. */
	INIT_LIST_HEAD(&secy->rx_sc_list);
	return 0;

err_tx_sc_stats:
	free_percpu(secy->tx_sc.stats);
	secy->tx_sc.stats = NULL;
err_secy_stats:
	free_percpu(secy->stats);
	secy->stats = NULL;
	return err;
}

/* Operational as macsec computes it whenever its configuration changes: the
 * TX SA on the encoding AN exists and may send, whatever the protect flag.
 */
void macvx_secy_update_operational(struct macvx_secy *secy)
{
	ASSERT_RTNL();
	WRITE_ONCE(secy->operational, macvx_secy_operational(secy));
}

/* Operational as it is now: the data path may have exhausted the encoding
 * SA since the last configuration change, without touching the flag.
 */
bool macvx_secy_operational(const struct macvx_secy *secy)
{
	const struct macvx_tx_sc *tx_sc = &secy->tx_sc;
	struct macvx_tx_sa *sa;

	ASSERT_RTNL();
	sa = rtnl_dereference(tx_sc->sa[tx_sc->encoding_sa]);
	return sa && macvx_tx_sa_usable(sa);
}

/* ---- TX SA ---- */

static void macvx_tx_sa_free_rcu(struct rcu_head *head)
{
	struct macvx_tx_sa *sa = container_of(head, struct macvx_tx_sa, rcu);

	pr_debug("tx sa %p destroyed\n", sa);
	macvx_key_free(&sa->key);
	free_percpu(sa->stats);
	kfree_sensitive(sa);
}

void macvx_tx_sa_put(struct macvx_tx_sa *sa)
{
	if (refcount_dec_and_test(&sa->refcnt))
		call_rcu(&sa->rcu, macvx_tx_sa_free_rcu);
}

static void macvx_tx_sa_unlink(struct macvx_secy *secy, u8 an)
{
	struct macvx_tx_sa *sa = rtnl_dereference(secy->tx_sc.sa[an]);

	if (!sa)
		return;

	RCU_INIT_POINTER(secy->tx_sc.sa[an], NULL);
	WRITE_ONCE(sa->active, false);
	macvx_tx_sa_put(sa);
}

/* Set the key and the non-secret key material of a new SA. */
static int macvx_sa_key_init(struct macvx_secy *secy, struct macvx_key *key,
			     const struct macvx_sa_config *cfg)
{
	int err;

	err = macvx_key_init(key, cfg->key, secy->key_len, secy->icv_len);
	if (err)
		return err;

	memcpy(key->id, cfg->key_id, MACSEC_KEYID_LEN);
	if (secy->xpn) {
		key->ssci = cfg->ssci;
		memcpy(key->salt.bytes, cfg->salt, MACSEC_SALT_LEN);
	}
	return 0;
}

int macvx_tx_sa_add(struct macvx_secy *secy,
		    const struct macvx_sa_config *cfg)
{
	struct macvx_tx_sa *sa;
	int err;

	ASSERT_RTNL();
	if (rtnl_dereference(secy->tx_sc.sa[cfg->an]))
		return -EBUSY;

	sa = kzalloc(sizeof(*sa), GFP_KERNEL);
	if (!sa)
		return -ENOMEM;

	sa->stats = alloc_percpu(struct macsec_tx_sa_stats);
	if (!sa->stats) {
		err = -ENOMEM;
		goto err_free_sa;
	}

	err = macvx_sa_key_init(secy, &sa->key, cfg);
	if (err)
		goto err_free_stats;

	atomic64_set(&sa->next_pn, cfg->pn);
	sa->active = cfg->active;
	refcount_set(&sa->refcnt, 1);

	rcu_assign_pointer(secy->tx_sc.sa[cfg->an], sa);
	macvx_secy_update_operational(secy);
	pr_debug("tx sa %p created on %s an %u\n", sa, macvx_secy_name(secy),
		 cfg->an);
	return 0;

err_free_stats:
	free_percpu(sa->stats);
err_free_sa:
	kfree(sa);
	return err;
}

int macvx_tx_sa_del(struct macvx_secy *secy, u8 an)
{
	struct macvx_tx_sa *sa;

	ASSERT_RTNL();
	sa = rtnl_dereference(secy->tx_sc.sa[an]);
	if (!sa)
		return -ENODEV;
	if (macvx_tx_sa_usable(sa))
		return -EBUSY;

	macvx_tx_sa_unlink(secy, an);
	macvx_secy_update_operational(secy);
	return 0;
}

/**
 * macvx_tx_sa_update - set the next PN and/or the state of a TX SA
 * @secy: the SecY
 * @an: association number of an existing TX SA
 * @pn: new next PN, or NULL to keep it; the caller checked its range
 * @active: new state, or NULL to keep it
 *
 * macsec switches an SA off when its PN wraps and leaves it off when a new
 * PN is set. macvx marks it MACVX_SA_EXHAUSTED instead, so a new PN clears
 * the mark but also switches the SA off unless @active switches it on.
 * Switching an exhausted SA off and on again without a new PN keeps it
 * exhausted, so a PN is never sent twice with the same key.
 */
void macvx_tx_sa_update(struct macvx_secy *secy, u8 an,
			const u64 *pn, const bool *active)
{
	struct macvx_tx_sa *sa = rtnl_dereference(secy->tx_sc.sa[an]);

	ASSERT_RTNL();
	if (pn) {
		if (test_bit(MACVX_SA_EXHAUSTED, &sa->flags))
			WRITE_ONCE(sa->active, false);
		atomic64_set(&sa->next_pn, *pn);
		/* Store the new PN before the data path can find the SA usable. */
		clear_bit_unlock(MACVX_SA_EXHAUSTED, &sa->flags);
	}
	if (active)
		WRITE_ONCE(sa->active, *active);

	macvx_secy_update_operational(secy);
}

/* ---- RX SC ---- */

static void macvx_rx_sc_free_rcu(struct rcu_head *head)
{
	struct macvx_rx_sc *sc = container_of(head, struct macvx_rx_sc, rcu);

	pr_debug("rx sc %p destroyed\n", sc);
	free_percpu(sc->stats);
	kfree(sc);
}

static void macvx_rx_sc_put(struct macvx_rx_sc *sc)
{
	if (refcount_dec_and_test(&sc->refcnt))
		call_rcu(&sc->rcu, macvx_rx_sc_free_rcu);
}

/* Publish the RX SC for frames that carry no SCI: as in macsec, the SecY
 * must have exactly one RX SC, and that SC must be active.
 */
static void macvx_rx_sc_update_single(struct macvx_secy *secy)
{
	struct macvx_rx_sc *sc, *single = NULL;

	sc = list_first_entry_or_null(&secy->rx_sc_list, struct macvx_rx_sc,
				      list);
	if (sc && list_is_singular(&secy->rx_sc_list) && sc->active)
		single = sc;
	rcu_assign_pointer(secy->rx_sc_single, single);
}

struct macvx_rx_sc *macvx_rx_sc_find(struct macvx_secy *secy, sci_t sci)
{
	ASSERT_RTNL();
	return rhashtable_lookup_fast(&secy->rx_scs, &sci, macvx_rx_sc_params);
}

struct macvx_rx_sc *macvx_rx_sc_find_rcu(struct macvx_secy *secy, sci_t sci)
{
	return rhashtable_lookup(&secy->rx_scs, &sci, macvx_rx_sc_params);
}

struct macvx_rx_sc *macvx_rx_sc_single_rcu(struct macvx_secy *secy)
{
	return rcu_dereference(secy->rx_sc_single);
}

struct macvx_rx_sc *macvx_rx_sc_add(struct macvx_secy *secy, sci_t sci,
				    bool active)
{
	struct macvx_rx_sc *sc;
	int err;

	ASSERT_RTNL();
	if (macvx_rx_sc_find(secy, sci))
		return ERR_PTR(-EEXIST);

	sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	if (!sc)
		return ERR_PTR(-ENOMEM);

	sc->stats = netdev_alloc_pcpu_stats(struct macvx_rx_sc_stats);
	if (!sc->stats) {
		err = -ENOMEM;
		goto err_free_sc;
	}

	sc->sci = sci;
	sc->active = active;
	refcount_set(&sc->refcnt, 1);

	err = rhashtable_lookup_insert_fast(&secy->rx_scs, &sc->node,
					    macvx_rx_sc_params);
	if (err)
		goto err_free_stats;

	list_add_tail(&sc->list, &secy->rx_sc_list);
	if (active)
		WRITE_ONCE(secy->n_rx_sc, secy->n_rx_sc + 1);
	macvx_rx_sc_update_single(secy);

	pr_debug("rx sc %p created on %s sci %016llx\n", sc,
		 macvx_secy_name(secy), macvx_sci_to_u64(sci));
	return sc;

err_free_stats:
	free_percpu(sc->stats);
err_free_sc:
	kfree(sc);
	return ERR_PTR(err);
}

void macvx_rx_sc_set_active(struct macvx_secy *secy, struct macvx_rx_sc *sc,
			    bool active)
{
	ASSERT_RTNL();
	if (sc->active == active)
		return;

	WRITE_ONCE(sc->active, active);
	WRITE_ONCE(secy->n_rx_sc, active ? secy->n_rx_sc + 1 :
					   secy->n_rx_sc - 1);
	macvx_rx_sc_update_single(secy);
}

/* ---- RX SA ---- */

static void macvx_rx_sa_free_rcu(struct rcu_head *head)
{
	struct macvx_rx_sa *sa = container_of(head, struct macvx_rx_sa, rcu);
	struct macvx_rx_sc *sc = sa->sc;

	pr_debug("rx sa %p destroyed\n", sa);
	macvx_key_free(&sa->key);
	free_percpu(sa->stats);
	kfree_sensitive(sa);
	macvx_rx_sc_put(sc);
}

void macvx_rx_sa_put(struct macvx_rx_sa *sa)
{
	if (refcount_dec_and_test(&sa->refcnt))
		call_rcu(&sa->rcu, macvx_rx_sa_free_rcu);
}

static void macvx_rx_sa_unlink(struct macvx_secy *secy,
			       struct macvx_rx_sc *sc, u8 an)
{
	struct macvx_rx_sa *sa = rtnl_dereference(sc->sa[an]);

	if (!sa)
		return;

	RCU_INIT_POINTER(sc->sa[an], NULL);
	WRITE_ONCE(sa->active, false);
	macvx_rx_sa_put(sa);
}

int macvx_rx_sa_add(struct macvx_secy *secy, struct macvx_rx_sc *sc,
		    const struct macvx_sa_config *cfg)
{
	struct macvx_rx_sa *sa;
	int err;

	ASSERT_RTNL();
	if (rtnl_dereference(sc->sa[cfg->an]))
		return -EBUSY;

	sa = kzalloc(sizeof(*sa), GFP_KERNEL);
	if (!sa)
		return -ENOMEM;

	sa->stats = alloc_percpu(struct macsec_rx_sa_stats);
	if (!sa->stats) {
		err = -ENOMEM;
		goto err_free_sa;
	}

	err = macvx_sa_key_init(secy, &sa->key, cfg);
	if (err)
		goto err_free_stats;

	atomic64_set(&sa->next_pn, cfg->pn);
	sa->active = cfg->active;
	refcount_inc(&sc->refcnt);
	sa->sc = sc;
	refcount_set(&sa->refcnt, 1);

	rcu_assign_pointer(sc->sa[cfg->an], sa);
	pr_debug("rx sa %p created on %s sci %016llx an %u\n", sa,
		 macvx_secy_name(secy), macvx_sci_to_u64(sc->sci), cfg->an);
	return 0;

err_free_stats:
	free_percpu(sa->stats);
err_free_sa:
	kfree(sa);
	return err;
}

int macvx_rx_sa_del(struct macvx_secy *secy, struct macvx_rx_sc *sc, u8 an)
{
	struct macvx_rx_sa *sa;

	ASSERT_RTNL();
	sa = rtnl_dereference(sc->sa[an]);
	if (!sa)
		return -ENODEV;
	if (sa->active)
		return -EBUSY;

	macvx_rx_sa_unlink(secy, sc, an);
	return 0;
}

void macvx_rx_sa_update(struct macvx_rx_sc *sc, u8 an,
			const u64 *pn, const bool *active)
{
	struct macvx_rx_sa *sa = rtnl_dereference(sc->sa[an]);

	ASSERT_RTNL();
	if (pn) {
		bool back = *pn < (u64)atomic64_read(&sa->next_pn);
		unsigned int i;

		atomic64_set(&sa->next_pn, *pn);
		/* A PN moved back starts a new record of accepted PNs. Raising
		 * it keeps the record: those PNs were accepted with this key.
		 * NOTE: a frame received while the record is cleared may pass
		 * the duplicate check once more.
		 */
		if (back) {
			for (i = 0; i < MACVX_REPLAY_SLOTS; i++)
				atomic64_set(&sa->accepted[i], 0);
			clear_bit(MACVX_RX_SA_LAST_PN, &sa->flags);
		}
	}
	if (active)
		WRITE_ONCE(sa->active, *active);
}

/* Unlink an RX SC with all its SAs, active or not, and drop the SecY's
 * reference. The SC is freed after its last SA.
 */
void macvx_rx_sc_del(struct macvx_secy *secy, struct macvx_rx_sc *sc)
{
	u8 an;

	ASSERT_RTNL();
	rhashtable_remove_fast(&secy->rx_scs, &sc->node, macvx_rx_sc_params);
	list_del(&sc->list);
	if (sc->active)
		WRITE_ONCE(secy->n_rx_sc, secy->n_rx_sc - 1);
	WRITE_ONCE(sc->active, false);
	macvx_rx_sc_update_single(secy);

	for (an = 0; an < MACSEC_NUM_AN; an++)
		macvx_rx_sa_unlink(secy, sc, an);

	macvx_rx_sc_put(sc);
}

/* NOTE: the caller must make sure that no RCU reader of the data path can
 * still reach this SecY, because the statistics and the table are freed at
 * once. SCs and SAs themselves are freed after a grace period.
 */
void macvx_secy_free(struct macvx_secy *secy)
{
	struct macvx_rx_sc *sc, *tmp;
	u8 an;

	ASSERT_RTNL();
	if (!secy->rx_sc_list.next)
		return;

	list_for_each_entry_safe(sc, tmp, &secy->rx_sc_list, list)
		macvx_rx_sc_del(secy, sc);

	for (an = 0; an < MACSEC_NUM_AN; an++)
		macvx_tx_sa_unlink(secy, an);
	WRITE_ONCE(secy->operational, false);

	rhashtable_destroy(&secy->rx_scs);
	/* A second call, from the destructor after uninit, does nothing. */
	secy->rx_sc_list.next = NULL;
	secy->rx_sc_list.prev = NULL;
}

/* Free the SecY and TX SC statistics, which asynchronous completions may
 * still update after macvx_secy_free(); called once no reference on the
 * device is left. Safe to call twice.
 */
void macvx_secy_free_stats(struct macvx_secy *secy)
{
	free_percpu(secy->tx_sc.stats);
	secy->tx_sc.stats = NULL;
	free_percpu(secy->stats);
	secy->stats = NULL;
}

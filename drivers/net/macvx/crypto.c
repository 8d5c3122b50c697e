// SPDX-License-Identifier: GPL-2.0
/*
 * GCM-AES keys and preallocated requests.
 *
 * Each key owns one request per CPU, sized for its transform, so the data
 * path allocates nothing. The data path runs with BH disabled and the
 * gcm(aes) implementations complete synchronously whenever the FPU is
 * usable, so the request is normally free again before the next packet on
 * the same CPU. When an operation went asynchronous and still owns it, the
 * packet gets a request from the heap instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/gcm.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "crypto.h"

static unsigned int macvx_req_size(struct crypto_aead *tfm)
{
	return ALIGN(sizeof(struct macvx_req), CRYPTO_MINALIGN) +
	       sizeof(struct aead_request) + crypto_aead_reqsize(tfm);
}

static struct crypto_aead *macvx_tfm_alloc(const u8 *bytes, unsigned int len,
					   unsigned int icv_len)
{
	struct crypto_aead *tfm;
	int err;

	/* Asynchronous implementations are allowed: the fast x86 ones are
	 * registered as such, and complete inline when they can.
	 */
	tfm = crypto_alloc_aead("gcm(aes)", 0, 0);
	if (IS_ERR(tfm))
		return tfm;

	err = crypto_aead_setkey(tfm, bytes, len);
	if (!err)
		err = crypto_aead_setauthsize(tfm, icv_len);
	if (err) {
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

/* Check that a key length and ICV length are usable
 *
 * Allocates a throw-away transform, as the length checks belong to the
 * cipher implementation.
 */
int macvx_crypto_check(unsigned int key_len, unsigned int icv_len)
{
	u8 zero[32] = {};
	struct crypto_aead *tfm;

	if (key_len > sizeof(zero))
		return -EINVAL;
	tfm = macvx_tfm_alloc(zero, key_len, icv_len);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	crypto_free_aead(tfm);
	return 0;
}

/* Set up a key's transform and per-CPU requests
 *
 * The caller keeps ownership of @bytes and wipes them; the key material
 * lives on only inside the transform.
 */
int macvx_key_init(struct macvx_key *key, const u8 *bytes, unsigned int len,
		   unsigned int icv_len)
{
	struct crypto_aead *tfm;
	unsigned int size;
	int cpu;

	tfm = macvx_tfm_alloc(bytes, len, icv_len);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	size = macvx_req_size(tfm);
	key->reqs = __alloc_percpu_gfp(size, CRYPTO_MINALIGN, GFP_KERNEL);
	if (!key->reqs) {
		crypto_free_aead(tfm);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct macvx_req *r = per_cpu_ptr(key->reqs, cpu);

		sg_init_table(r->sg, MACVX_MAX_SG);
		aead_request_set_tfm(macvx_req_aead(r), tfm);
	}
	key->tfm = tfm;
	key->req_size = size;
	return 0;
}

/* Release a key; every request on it has completed
 *
 * The transform frees its expanded key with kfree_sensitive(). The per-CPU
 * requests held key-dependent GHASH state, so they are wiped as well.
 */
void macvx_key_free(struct macvx_key *key)
{
	int cpu;

	if (key->reqs) {
		for_each_possible_cpu(cpu)
			memzero_explicit(per_cpu_ptr(key->reqs, cpu),
					 key->req_size);
		free_percpu(key->reqs);
		key->reqs = NULL;
	}
	if (key->tfm) {
		crypto_free_aead(key->tfm);
		key->tfm = NULL;
	}
	memzero_explicit(&key->salt, sizeof(key->salt));
}

/* Get a request for @key on this CPU
 *
 * Must be called with BH disabled. Returns NULL only when the preallocated
 * request is busy and the fallback allocation failed.
 */
struct macvx_req *macvx_req_get(struct macvx_key *key)
{
	struct macvx_req *r = this_cpu_ptr(key->reqs);

	/* Pairs with the release in macvx_req_put(): the last user, maybe an
	 * asynchronous completion on another CPU, is done with the request.
	 */
	if (likely(!smp_load_acquire(&r->busy))) {
		r->busy = true;
		return r;
	}

	r = kmalloc(key->req_size, GFP_ATOMIC);
	if (!r)
		return NULL;
	r->heap = true;
	r->busy = true;
	sg_init_table(r->sg, MACVX_MAX_SG);
	aead_request_set_tfm(macvx_req_aead(r), key->tfm);
	return r;
}

/* Release a request; may run on another CPU after an async completion. */
void macvx_req_put(struct macvx_req *r)
{
	if (unlikely(r->heap)) {
		kfree_sensitive(r);
		return;
	}
	/* Everything done with the request happens before it is free again. */
	smp_store_release(&r->busy, false);
}

/* Build the GCM IV: SCI followed by the 32-bit PN (802.1AE 14.5), or for
 * XPN suites the SSCI and the 64-bit PN XORed with the salt (802.1AEbw
 * 14.7).
 */
void macvx_build_iv(u8 *iv, const struct macvx_key *key, sci_t sci,
		    u64 pn, bool xpn)
{
	if (xpn) {
		__be64 pn64 = cpu_to_be64(pn);
		int i;

		memcpy(iv, &key->ssci, sizeof(key->ssci));
		memcpy(iv + sizeof(key->ssci), &pn64, sizeof(pn64));
		for (i = 0; i < MACVX_IV_LEN; i++)
			iv[i] ^= key->salt.bytes[i];
	} else {
		__be32 pn32 = cpu_to_be32((u32)pn);

		memcpy(iv, &sci, sizeof(sci));
		memcpy(iv + sizeof(sci), &pn32, sizeof(pn32));
	}
}

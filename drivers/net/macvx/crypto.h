/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MACVX_CRYPTO_H
#define _MACVX_CRYPTO_H

#include <crypto/aead.h>
#include <linux/scatterlist.h>

#include "macvx.h"

#define MACVX_IV_LEN	12	/* GCM_AES_IV_SIZE */

/**
 * struct macvx_req - a GCM request with its scatterlist and IV
 * @heap: allocated for one packet because this CPU's preallocated request
 *	was still owned by an asynchronous operation
 * @busy: the preallocated request is in use; only for !@heap
 *
 * @sg is initialised with the request, so the data path only points it
 * at each frame.
 *
 * The aead_request and the transform's context follow, aligned to
 * CRYPTO_MINALIGN.
 */
struct macvx_req {
	struct scatterlist sg[MACVX_MAX_SG];
	u8 iv[MACVX_IV_LEN];
	bool heap;
	bool busy;
};

static inline struct aead_request *macvx_req_aead(struct macvx_req *r)
{
	return PTR_ALIGN((void *)(r + 1), CRYPTO_MINALIGN);
}

struct macvx_req *macvx_req_get(struct macvx_key *key);
void macvx_req_put(struct macvx_req *r);
void macvx_build_iv(u8 *iv, const struct macvx_key *key, sci_t sci,
		    u64 pn, bool xpn);

#endif /* _MACVX_CRYPTO_H */

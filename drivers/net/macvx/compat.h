/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels macvx builds for (6.1 to 6.12). Kbuild
 * tests the target tree and defines a COMPAT_CANNOT_* guard for each
 * interface that tree lacks. The rest of the driver uses the newer
 * interface through the helpers below.
 */
#ifndef _MACVX_COMPAT_H
#define _MACVX_COMPAT_H

#include <linux/crypto.h>
#include <linux/netdevice.h>

#ifndef COMPAT_CANNOT_USE_NET_GSO_H
#include <net/gso.h>
#endif

static inline void macvx_set_lltx(struct net_device *dev)
{
#ifdef COMPAT_CANNOT_USE_DEV_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/* Crypto completion callbacks take the request's data pointer since 6.3,
 * and the whole crypto_async_request before. A callback is declared as
 * fn(MACVX_CRYPTO_CB_ARG arg, int err) and finds its data with
 * macvx_crypto_cb_data(arg).
 */
#ifdef COMPAT_CANNOT_USE_CRYPTO_DATA_CALLBACK
#define MACVX_CRYPTO_CB_ARG struct crypto_async_request *

static inline void *macvx_crypto_cb_data(struct crypto_async_request *req)
{
	return req->data;
}
#else
#define MACVX_CRYPTO_CB_ARG void *

static inline void *macvx_crypto_cb_data(void *data)
{
	return data;
}
#endif

#endif /* _MACVX_COMPAT_H */

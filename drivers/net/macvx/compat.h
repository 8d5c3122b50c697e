/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels macvx builds for (6.1 to 6.12). Kbuild
 * tests the target tree and defines a COMPAT_CANNOT_* guard for each
 * interface that tree lacks; the rest of the driver uses the newer
 * interface through the helpers below.
 */
#ifndef _MACVX_COMPAT_H
#define _MACVX_COMPAT_H

#include <linux/crypto.h>
#include <linux/netdevice.h>

#if __has_include(<net/gso.h>)
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

/*
 * Crypto completion callbacks take the request's data pointer since 6.3
 * and the whole crypto_async_request before. MACVX_CRYPTO_DONE(fn) names a
 * callback for aead_request_set_callback() given fn(void *data, int err).
 */
#ifdef COMPAT_CANNOT_USE_CRYPTO_DATA_CALLBACK
#define MACVX_DECLARE_CRYPTO_DONE(fn)					\
	static void fn(void *data, int err);				\
	static void fn##_compat(struct crypto_async_request *req, int err) \
	{								\
		fn(req->data, err);					\
	}
#define MACVX_CRYPTO_DONE(fn) fn##_compat
#else
#define MACVX_DECLARE_CRYPTO_DONE(fn) static void fn(void *data, int err)
#define MACVX_CRYPTO_DONE(fn) fn
#endif

#endif /* _MACVX_COMPAT_H */

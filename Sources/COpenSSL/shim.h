#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/ec.h>
#include <openssl/bio.h>
#include <openssl/provider.h>
#include <openssl/crypto.h>

/* Swift cannot call OpenSSL's function-like macros (the STACK_OF helpers, BIO_get_mem_data), so these thin
 * static inline wrappers expose what KeyVaultCore needs. */

static inline int kvc_sk_X509_num(const STACK_OF(X509) *sk) {
    return sk == NULL ? 0 : sk_X509_num(sk);
}

static inline X509 *kvc_sk_X509_value(const STACK_OF(X509) *sk, int i) {
    return sk_X509_value(sk, i);
}

static inline STACK_OF(X509) *kvc_sk_X509_new_null(void) {
    return sk_X509_new_null();
}

/* Pushes `x` onto `sk`; on success the stack owns the reference. Returns the new count, 0 on failure. */
static inline int kvc_sk_X509_push(STACK_OF(X509) *sk, X509 *x) {
    return sk_X509_push(sk, x);
}

/* Frees the stack and every certificate in it. */
static inline void kvc_sk_X509_pop_free(STACK_OF(X509) *sk) {
    if (sk != NULL) {
        sk_X509_pop_free(sk, X509_free);
    }
}

/* The bytes held by a memory BIO. */
static inline long kvc_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

#endif

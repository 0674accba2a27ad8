#include "transport/tls/system_trust.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

namespace regmigrate::transport {

namespace {

struct StoreFree {
    void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
using StorePtr = std::unique_ptr<X509_STORE, StoreFree>;

// Holds the default CA file's certificates and CRLs. Built once; only read afterwards,
// so the contexts of several threads copy from it without a lock.
StorePtr load_default_file() {
    StorePtr store(X509_STORE_new());
    if (!store)
        return store;
    if (X509_LOOKUP* file = X509_STORE_add_lookup(store.get(), X509_LOOKUP_file())) {
        // A missing bundle only leaves the store empty, as with set_default_verify_paths.
        X509_LOOKUP_load_file(file, nullptr, X509_FILETYPE_DEFAULT);
    }
    ERR_clear_error();
    return store;
}

const X509_STORE* default_file_store() {
    static const StorePtr store = load_default_file();
    return store.get();
}

void copy_objects(const X509_STORE* from, X509_STORE* to) {
    STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(from);
    for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
        X509_OBJECT* object = sk_X509_OBJECT_value(objects, i);
        switch (X509_OBJECT_get_type(object)) {
            case X509_LU_X509:
                X509_STORE_add_cert(to, X509_OBJECT_get0_X509(object));
                break;
            case X509_LU_CRL:
                X509_STORE_add_crl(to, X509_OBJECT_get0_X509_CRL(object));
                break;
            default:
                break;
        }
    }
}

}  // namespace

void add_system_trust(X509_STORE* store) {
    if (const X509_STORE* file = default_file_store())
        copy_objects(file, store);
    if (X509_LOOKUP* dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir())) {
        X509_LOOKUP_add_dir(dir, nullptr, X509_FILETYPE_DEFAULT);
    }
    if (X509_LOOKUP* uri = X509_STORE_add_lookup(store, X509_LOOKUP_store())) {
        X509_LOOKUP_add_store(uri, nullptr);
    }
    ERR_clear_error();
}

}  // namespace regmigrate::transport

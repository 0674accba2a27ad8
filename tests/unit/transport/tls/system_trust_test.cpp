#include "transport/tls/system_trust.hpp"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <thread>
#include <vector>

using regmigrate::transport::add_system_trust;

namespace {

struct StoreFree {
    void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
using StorePtr = std::unique_ptr<X509_STORE, StoreFree>;

std::vector<X509*> certificates(X509_STORE* store) {
    std::vector<X509*> found;
    STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
        if (X509* cert = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i))) {
            found.push_back(cert);
        }
    }
    return found;
}

// ca-certificates is among tools/setup/install-deps.sh's packages, so the bundle is there.
TEST(SystemTrustTest, HoldsTheSameCertificatesAsOpenSslsDefaultPaths) {
    StorePtr ours(X509_STORE_new());
    StorePtr openssl(X509_STORE_new());
    add_system_trust(ours.get());
    ASSERT_EQ(X509_STORE_set_default_paths(openssl.get()), 1);

    const auto expected = certificates(openssl.get());
    const auto got = certificates(ours.get());
    ASSERT_FALSE(expected.empty()) << "the system CA bundle is empty";
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(X509_cmp(got[i], expected[i]), 0) << "certificate " << i;
    }
}

TEST(SystemTrustTest, StoresFilledOneAfterAnotherShareTheDecodedCertificates) {
    StorePtr first(X509_STORE_new());
    StorePtr second(X509_STORE_new());
    add_system_trust(first.get());
    add_system_trust(second.get());
    const auto a = certificates(first.get());
    const auto b = certificates(second.get());
    ASSERT_FALSE(a.empty());
    ASSERT_EQ(a.size(), b.size());
    // The same objects, not copies decoded again.
    for (std::size_t i = 0; i < a.size(); ++i)
        EXPECT_EQ(a[i], b[i]) << "certificate " << i;
}

TEST(SystemTrustTest, StoresFilledOnSeveralThreadsAtOnceAreComplete) {
    StorePtr reference(X509_STORE_new());
    ASSERT_EQ(X509_STORE_set_default_paths(reference.get()), 1);
    const std::size_t expected = certificates(reference.get()).size();

    constexpr int threads = 4;
    std::vector<StorePtr> stores;
    for (int i = 0; i < threads; ++i)
        stores.emplace_back(X509_STORE_new());
    std::vector<std::thread> workers;
    for (auto& store : stores) {
        workers.emplace_back([raw = store.get()] { add_system_trust(raw); });
    }
    for (auto& worker : workers)
        worker.join();
    for (auto& store : stores)
        EXPECT_EQ(certificates(store.get()).size(), expected);
}

}  // namespace

// TlsSessionCache with real OpenSSL handshakes between a client built by make_tls_context
// and an in-process OpenSSL server (TLS 1.3, its default tickets), over a memory BIO pair:
// no sockets.
#include "transport/tls/tls_session_cache.hpp"
#include "transport/tls/tls_options.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace regmigrate::transport {
namespace {

// A self-signed P-256 certificate for the server; the client does not verify it.
std::shared_ptr<SSL_CTX> server_context() {
    std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_sign(cert.get(), key.get(), EVP_sha256());
    SSL_CTX_use_certificate(ctx.get(), cert.get());
    SSL_CTX_use_PrivateKey(ctx.get(), key.get());
    return ctx;
}

class TlsSessionCacheTest : public ::testing::Test {
  protected:
    void SetUp() override {
        server_ = server_context();
        TlsOptions options;
        options.mode = TlsMode::insecure;
        auto made = make_tls_context(options);
        ASSERT_TRUE(made) << made.error().message;
        client_ = *made;
    }

    // One connection attached to the cache under key: handshake, then the client reads
    // what the server sent after it (TLS 1.3 tickets). True when it resumed a session.
    bool connect(const std::string& key) {
        std::unique_ptr<SSL, decltype(&SSL_free)> client(SSL_new(client_->native_handle()),
                                                         SSL_free);
        std::unique_ptr<SSL, decltype(&SSL_free)> server(SSL_new(server_.get()), SSL_free);
        BIO* client_end = nullptr;
        BIO* server_end = nullptr;
        BIO_new_bio_pair(&client_end, 0, &server_end, 0);
        SSL_set_bio(client.get(), client_end, client_end);
        SSL_set_bio(server.get(), server_end, server_end);
        SSL_set_connect_state(client.get());
        SSL_set_accept_state(server.get());
        cache_->attach(client.get(), key);
        bool client_done = false;
        bool server_done = false;
        for (int round = 0; round < 20 && !(client_done && server_done); ++round) {
            client_done = client_done || SSL_do_handshake(client.get()) == 1;
            server_done = server_done || SSL_do_handshake(server.get()) == 1;
        }
        EXPECT_TRUE(client_done && server_done);
        char byte;
        SSL_read(client.get(), &byte, 1);  // no data: processes the tickets, then wants more
        return SSL_session_reused(client.get()) == 1;
    }

    std::shared_ptr<SSL_CTX> server_;
    std::shared_ptr<boost::asio::ssl::context> client_;
    std::shared_ptr<TlsSessionCache> cache_ = std::make_shared<TlsSessionCache>();
};

TEST_F(TlsSessionCacheTest, FirstConnectionToAnOriginMakesAFullHandshake) {
    EXPECT_FALSE(connect("https://a:443"));
}

TEST_F(TlsSessionCacheTest, ConnectionsAfterTheFirstResumeItsSession) {
    ASSERT_FALSE(connect("https://a:443"));
    EXPECT_EQ(cache_->size(), 1u);
    EXPECT_TRUE(connect("https://a:443"));
    EXPECT_TRUE(connect("https://a:443"));
}

TEST_F(TlsSessionCacheTest, SessionsAreNeverOfferedToAnotherOrigin) {
    ASSERT_FALSE(connect("https://a:443"));
    EXPECT_FALSE(connect("https://a:8443"));
    EXPECT_FALSE(connect("https://b:443"));
    EXPECT_EQ(cache_->size(), 3u);
}

TEST_F(TlsSessionCacheTest, ForgottenSessionIsNotOfferedAgain) {
    ASSERT_FALSE(connect("https://a:443"));
    cache_->forget("https://a:443");
    EXPECT_FALSE(connect("https://a:443"));
}

}  // namespace
}  // namespace regmigrate::transport

// Credentials, client certificates and TLS leniency belong to one origin (scheme, host,
// port): every URL a server hands back — redirect Location, upload Location, token realm —
// is a boundary. The registries here are ScriptedHttpServers playing hostile registries
// (fakes built from the distribution spec: a Basic challenge, a 202 with a Location, a
// redirect, a Bearer challenge); "another origin" is a second server on another port.
// Also: a response body slower than its minimum rate ends at its total deadline although
// its idle timer never fires, and the v1 client refuses to send a password over plain HTTP
// to a non-loopback host.
#include "registry/content/sha256.hpp"
#include "registry/distribution/registry_client.hpp"
#include "registry/v1/v1_client.hpp"
#include "tests/support/run_coro.hpp"
#include "tests/support/scripted_http_server.hpp"
#include "tests/support/test_pki.hpp"
#include "transport/http/http_client.hpp"
#include "transport/http/memory_body_source.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <sstream>
#include <string>

namespace regmigrate::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using registry::Credentials;
using registry::RegistryClient;
using transport::ClientOptions;
using transport::HttpClient;
using transport::HttpRequest;
using transport::TlsMode;

const std::string blob = "a blob that belongs to the destination only";
const std::string basic_auth = Credentials{"pusher", "s3cret", ""}.basic_authorization();

std::string host_of(const ScriptedHttpServer& server) {
    return "127.0.0.1:" + std::to_string(server.port());
}

std::string path_of(const std::string& target) {
    return target.substr(0, target.find('?'));
}

// A registry that wants Basic credentials, then answers with `authorized`.
Responder basic_registry(Responder authorized) {
    return [authorized](const ScriptedRequest& request) {
        if (request.header("Authorization") != basic_auth) {
            return ScriptedReply{401, "", {{"WWW-Authenticate", "Basic realm=\"scripted\""}}};
        }
        return authorized(request);
    };
}

// Records what reaches "another origin" and answers 201/204 to anything.
Responder accept_anything() {
    return [](const ScriptedRequest& request) {
        return ScriptedReply{request.method == boost::beast::http::verb::delete_ ? 204 : 201, ""};
    };
}

std::size_t requests_with_authorization(const ScriptedHttpServer& server) {
    std::size_t count = 0;
    for (const auto& request : server.requests())
        count += request.header("Authorization").empty() ? 0 : 1;
    return count;
}

class OriginBoundaryTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    static ClientOptions options(const std::string& registry, TlsMode mode) {
        ClientOptions options;
        options.registry_authority = registry;
        options.tls.mode = mode;
        options.timeouts = {2000ms, 5000ms, 5000ms};
        return options;
    }

    std::shared_ptr<HttpClient> http_client(ClientOptions options) {
        auto made = HttpClient::create(io_.get_executor(), std::move(options));
        if (!made)
            throw std::runtime_error(made.error().message);
        return *made;
    }

    std::unique_ptr<RegistryClient> registry_client(const ScriptedHttpServer& server,
                                                    TlsMode mode = TlsMode::disabled) {
        return std::make_unique<RegistryClient>(http_client(options(host_of(server), mode)),
                                                host_of(server),
                                                Credentials{"pusher", "s3cret", ""});
    }

    static std::unique_ptr<TestPki> pki_;
    asio::io_context io_;
};

std::unique_ptr<TestPki> OriginBoundaryTest::pki_;

// ---- URLs the registry hands back ----

TEST_F(OriginBoundaryTest, UploadLocationOnAnotherOriginGetsNeitherBlobNorCredentials) {
    ScriptedHttpServer elsewhere(answer_each(accept_anything()));
    const std::string location = elsewhere.url("/v2/team/app/blobs/uploads/1");
    ScriptedHttpServer destination(
        answer_each(basic_registry([location](const ScriptedRequest& request) {
            if (path_of(request.target) == "/v2/team/app/blobs/uploads/")
                return ScriptedReply{202, "", {{"Location", location}}};
            return ScriptedReply{404, ""};
        })));
    auto client = registry_client(destination);
    transport::MemoryBodySource body(blob);

    auto uploaded = run_coro(
        io_, client->upload_blob("team/app", registry::sha256_digest(blob), blob.size(), body));

    ASSERT_FALSE(uploaded);
    EXPECT_NE(uploaded.error().message.find(elsewhere.url("")), std::string::npos)
        << uploaded.error().message;
    EXPECT_NE(uploaded.error().message.find(destination.url("")), std::string::npos)
        << uploaded.error().message;
    EXPECT_EQ(elsewhere.requests_received(), 0u);
}

TEST_F(OriginBoundaryTest, CancellingAnUploadNeverSendsTheDeleteToAnotherOrigin) {
    ScriptedHttpServer elsewhere(answer_each(accept_anything()));
    ScriptedHttpServer destination(answer_each(basic_registry([](const ScriptedRequest&) {
        return ScriptedReply{200, ""};
    })));
    auto client = registry_client(destination);
    // Learns the Basic challenge, so every later request to the registry is authorized.
    auto known = run_coro(io_, client->blob_size("team/app", registry::sha256_digest(blob)));
    ASSERT_TRUE(known) << known.error().message;
    registry::UploadSession session{boost::urls::url(elsewhere.url("/v2/team/app/blobs/uploads/1")),
                                    std::nullopt};

    auto cancel = [&]() -> asio::awaitable<int> {
        co_await client->cancel_upload("team/app", session);
        co_return 0;
    };
    run_coro(io_, cancel());

    EXPECT_EQ(elsewhere.requests_received(), 0u);
}

TEST_F(OriginBoundaryTest, UploadLocationOnTheRegistryIsUsedWithItsCredentials) {
    ScriptedHttpServer destination(answer_each(basic_registry([](const ScriptedRequest& request) {
        if (path_of(request.target) == "/v2/team/app/blobs/uploads/")
            return ScriptedReply{202, "", {{"Location", "/v2/team/app/blobs/uploads/1"}}};
        return ScriptedReply{201, ""};
    })));
    auto client = registry_client(destination);
    transport::MemoryBodySource body(blob);

    auto uploaded = run_coro(
        io_, client->upload_blob("team/app", registry::sha256_digest(blob), blob.size(), body));

    ASSERT_TRUE(uploaded) << uploaded.error().message;
    const auto requests = destination.requests();
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests.back().method, boost::beast::http::verb::put);
    EXPECT_EQ(requests.back().header("Authorization"), basic_auth);
    EXPECT_EQ(requests.back().body, blob);
}

// A source redirects a blob to another origin, whose own 401 names a token realm of its
// own: the registry's Basic credentials must not go there, and the registry keeps its
// Basic challenge.
TEST_F(OriginBoundaryTest, RedirectTargetsOwnChallengeIsNotAdoptedAsTheRegistrys) {
    ScriptedHttpServer elsewhere(answer_each([](const ScriptedRequest& request) {
        if (path_of(request.target) == "/token")
            return ScriptedReply{200, R"({"token":"stolen"})"};
        return ScriptedReply{
            401,
            "",
            {{"WWW-Authenticate", "Bearer realm=\"http://" + request.header("Host") +
                                      "/token\",service=\"elsewhere\""}}};
    }));
    const std::string digest = registry::sha256_digest(blob);
    const std::string storage = elsewhere.url("/storage/" + digest);
    ScriptedHttpServer source(answer_each(basic_registry([storage](const ScriptedRequest& request) {
        if (request.method == boost::beast::http::verb::head)
            return ScriptedReply{200, ""};
        return redirect_reply(307, storage);
    })));
    auto client = registry_client(source);
    // The registry's Basic challenge is learnt first, so the blob GET goes out authorized.
    auto known = run_coro(io_, client->blob_size("team/app", digest));
    ASSERT_TRUE(known) << known.error().message;

    auto opened = run_coro(io_, client->open_blob("team/app", digest));
    EXPECT_FALSE(opened);
    EXPECT_EQ(requests_with_authorization(elsewhere), 0u);
    for (const auto& request : elsewhere.requests())
        EXPECT_NE(path_of(request.target), "/token");

    // The registry still answers to Basic: its challenge was not replaced.
    auto size = run_coro(io_, client->blob_size("team/app", digest));
    EXPECT_TRUE(size) << size.error().message;
    EXPECT_EQ(requests_with_authorization(elsewhere), 0u);
}

TEST_F(OriginBoundaryTest, TokenGrantPostIsNotResentToAnotherOriginBy307) {
    ScriptedHttpServer elsewhere(answer_each(accept_anything()));
    const std::string target = elsewhere.url("/token");
    ScriptedHttpServer realm(
        answer_each([target](const ScriptedRequest&) { return redirect_reply(307, target); }));
    auto http = http_client(options(host_of(realm), TlsMode::disabled));
    auto grant = registry::refresh_token_request(realm.url("/token"), "scripted",
                                                 {"repository:team/app:pull"}, "refresh-secret");
    ASSERT_TRUE(grant) << grant.error().message;

    auto response = run_coro(io_, http->fetch(std::move(*grant), 64 * 1024));

    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 307);
    EXPECT_EQ(elsewhere.requests_received(), 0u);
}

// ---- TLS per origin ----

TEST_F(OriginBoundaryTest, InsecureRegistryDoesNotMakeARedirectTargetUnverified) {
    ScriptedHttpServer elsewhere(answer_each([](const ScriptedRequest&) {
                                     return ScriptedReply{200, "from elsewhere"};
                                 }),
                                 pki_->server());
    const std::string target = elsewhere.url("/storage/blob");
    ScriptedHttpServer registry_server(
        answer_each([target](const ScriptedRequest&) { return redirect_reply(307, target); }),
        pki_->server());
    // insecure, and the test CA not trusted: only the registry itself may skip verification.
    auto http = http_client(options(host_of(registry_server), TlsMode::insecure));
    HttpRequest request;
    request.url = boost::urls::url(registry_server.url("/v2/team/app/blobs/x"));

    auto response = run_coro(io_, http->fetch(std::move(request), 64 * 1024));

    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::tls) << response.error().message;
    EXPECT_EQ(registry_server.requests_received(), 1u);
    EXPECT_EQ(elsewhere.requests_received(), 0u);
}

TEST_F(OriginBoundaryTest, RedirectTargetIsVerifiedAgainstTheGivenCa) {
    ScriptedHttpServer elsewhere(answer_each([](const ScriptedRequest&) {
                                     return ScriptedReply{200, "from elsewhere"};
                                 }),
                                 pki_->server());
    const std::string target = elsewhere.url("/storage/blob");
    ScriptedHttpServer registry_server(
        answer_each([target](const ScriptedRequest&) { return redirect_reply(307, target); }),
        pki_->server());
    auto settings = options(host_of(registry_server), TlsMode::insecure);
    settings.tls.ca_file = pki_->ca().cert.string();
    auto http = http_client(settings);
    HttpRequest request;
    request.url = boost::urls::url(registry_server.url("/v2/team/app/blobs/x"));

    auto response = run_coro(io_, http->fetch(std::move(request), 64 * 1024));

    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "from elsewhere");
}

TEST_F(OriginBoundaryTest, InsecureRegistryDoesNotMakeAnotherTokenRealmUnverified) {
    ScriptedHttpServer realm(answer_each([](const ScriptedRequest&) {
                                 return ScriptedReply{200, R"({"token":"t"})"};
                             }),
                             pki_->server());
    const std::string realm_url = realm.url("/token");
    ScriptedHttpServer registry_server(
        answer_each([realm_url](const ScriptedRequest&) {
            return ScriptedReply{
                401, "", {{"WWW-Authenticate", "Bearer realm=\"" + realm_url + "\""}}};
        }),
        pki_->server());
    auto client = registry_client(registry_server, TlsMode::insecure);

    auto listed = run_coro(io_, client->list_tags("team/app"));

    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().kind, ErrorKind::tls) << listed.error().message;
    EXPECT_EQ(realm.requests_received(), 0u);
}

TEST_F(OriginBoundaryTest, ClientCertificateGoesToTheRegistryOnlyNotToARedirectTarget) {
    ScriptedHttpServer elsewhere(answer_each([](const ScriptedRequest&) {
                                     return ScriptedReply{200, "from elsewhere"};
                                 }),
                                 pki_->server(), pki_->ca().cert);
    const std::string target = elsewhere.url("/storage/blob");
    ScriptedHttpServer registry_server(
        answer_each([target](const ScriptedRequest&) { return redirect_reply(307, target); }),
        pki_->server(), pki_->ca().cert);
    auto settings = options(host_of(registry_server), TlsMode::enabled);
    settings.tls.ca_file = pki_->ca().cert.string();
    settings.tls.client_cert = pki_->client().cert.string();
    settings.tls.client_key = pki_->client().key.string();
    auto http = http_client(settings);
    HttpRequest request;
    request.url = boost::urls::url(registry_server.url("/v2/team/app/blobs/x"));

    auto response = run_coro(io_, http->fetch(std::move(request), 64 * 1024));

    ASSERT_TRUE(response) << response.error().message;
    ASSERT_EQ(registry_server.requests_received(), 1u);
    EXPECT_TRUE(registry_server.requests().front().client_certificate);
    ASSERT_EQ(elsewhere.requests_received(), 1u);
    EXPECT_FALSE(elsewhere.requests().front().client_certificate);
}

// ---- slow bodies ----

// A body of `pieces` pieces of 16 KiB, one every `gap`, announced with Content-Length or
// chunked. Each piece fills the client's read buffer, so the idle timer never fires: only a
// total deadline can end it early.
constexpr std::size_t piece_size = 16 * 1024;

asio::awaitable<void> drip(ScriptedConnection& connection, std::size_t pieces, bool chunked,
                           std::chrono::milliseconds gap) {
    co_await connection.read_request();
    // Built before co_await: GCC 12 mishandles temporaries inside a co_await expression.
    const std::string header =
        chunked ? std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                : "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(pieces * piece_size) +
                      "\r\n\r\n";
    const std::string data(piece_size, 'x');
    std::ostringstream chunk_size;
    chunk_size << std::hex << piece_size;
    const std::string piece = chunked ? chunk_size.str() + "\r\n" + data + "\r\n" : data;
    const std::string end = chunked ? "0\r\n\r\n" : "";
    co_await connection.send_raw(header);
    for (std::size_t sent = 0; sent < pieces; ++sent) {
        co_await connection.send_raw(piece);
        co_await connection.pause(gap);
    }
    co_await connection.send_raw(end);
    co_await connection.wait_for_client_close();
}

class SlowBodyTest : public OriginBoundaryTest {
  protected:
    // 40 pieces at 160 KiB/s take 4 s; the deadline is 200 ms + size / 1 MiB/s (825 ms for
    // the announced body); the idle timer (5 s) alone lets the whole body through.
    Expected<std::string> read_dripping(bool chunked) {
        ScriptedHttpServer server([chunked](ScriptedConnection& connection) {
            return drip(connection, 40, chunked, 100ms);
        });
        auto settings = options(host_of(server), TlsMode::disabled);
        settings.timeouts.body_floor = 200ms;
        settings.timeouts.body_min_rate = 1024 * 1024;
        auto http = http_client(settings);
        HttpRequest request;
        request.url = boost::urls::url(server.url("/v2/team/app/blobs/x"));
        auto response = run_coro(io_, http->send(std::move(request)));
        if (!response)
            return response.error();
        return run_coro(io_, response->read_all(1024 * 1024));
    }
};

TEST_F(SlowBodyTest, AnnouncedBodySlowerThanTheMinimumRateEndsAtItsTotalDeadline) {
    auto body = read_dripping(false);
    ASSERT_FALSE(body);
    EXPECT_EQ(body.error().kind, ErrorKind::timeout) << body.error().message;
    EXPECT_NE(body.error().message.find("too slow"), std::string::npos) << body.error().message;
}

TEST_F(SlowBodyTest, ChunkedBodySlowerThanTheMinimumRateEnds) {
    auto body = read_dripping(true);
    ASSERT_FALSE(body);
    EXPECT_EQ(body.error().kind, ErrorKind::timeout) << body.error().message;
    EXPECT_NE(body.error().message.find("too slow"), std::string::npos) << body.error().message;
}

// ---- plain HTTP ----

TEST_F(OriginBoundaryTest, V1ClientRefusesBasicOverPlainHttpToANonLoopbackHost) {
    // 192.0.2.1 (TEST-NET-1) is not loopback: the refusal comes before any connection.
    const std::string host = "192.0.2.1:5000";
    auto settings = options(host, TlsMode::disabled);
    settings.timeouts.connect = 200ms;
    auto http = http_client(settings);
    registry::V1Client v1(*http, host, Credentials{"puller", "s3cret", ""});

    auto tags = run_coro(io_, v1.list_tags(*registry::parse_v1_repository("library/app")));

    ASSERT_FALSE(tags);
    EXPECT_EQ(tags.error().kind, ErrorKind::unauthorized) << tags.error().message;
    EXPECT_NE(tags.error().message.find("--allow-plain-http-credentials"), std::string::npos)
        << tags.error().message;
    EXPECT_EQ(tags.error().message.find("s3cret"), std::string::npos);
}

TEST_F(OriginBoundaryTest, V1ClientSendsBasicOverPlainHttpToLoopback) {
    ScriptedHttpServer server(answer_each([](const ScriptedRequest&) {
        return ScriptedReply{
            200,
            R"({"latest":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})"};
    }));
    auto http = http_client(options(host_of(server), TlsMode::disabled));
    const Credentials puller{"puller", "s3cret", ""};
    registry::V1Client v1(*http, host_of(server), puller);

    auto tags = run_coro(io_, v1.list_tags(*registry::parse_v1_repository("library/app")));

    ASSERT_TRUE(tags) << tags.error().message;
    ASSERT_EQ(server.requests_received(), 1u);
    EXPECT_EQ(server.requests().front().header("Authorization"), puller.basic_authorization());
}

}  // namespace
}  // namespace regmigrate::testing

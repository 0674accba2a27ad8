// How the HTTP client behaves against a live peer: keep-alive and stale connections,
// deadlines, redirects and credentials, body caps, streamed uploads, the per-origin
// connection bound, and TLS verification. The peer is ScriptedHttpServer, so each test
// decides exactly what the server does on the wire.
#include "registry/content/sha256.hpp"
#include "tests/support/run_coro.hpp"
#include "tests/support/scripted_http_server.hpp"
#include "tests/support/test_pki.hpp"
#include "transport/http/http_client.hpp"
#include "transport/http/memory_body_source.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <limits>
#include <random>
#include <thread>

namespace regmigrate::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using transport::BodySource;
using transport::ClientOptions;
using transport::HttpClient;
using transport::HttpRequest;
using transport::HttpResponse;
using transport::ResponseStream;
using transport::TlsMode;
using Clock = std::chrono::steady_clock;

constexpr std::size_t body_cap = 1024 * 1024;

ScriptedReply ok(std::string body) {
    return ScriptedReply{200, std::move(body)};
}

HttpRequest get(const std::string& url) {
    HttpRequest request;
    request.url = boost::urls::url(url);
    return request;
}

// Polls a condition the server thread makes true; false if it never does.
template <class Condition>
bool wait_until(Condition condition, std::chrono::milliseconds limit = 5000ms) {
    const auto deadline = Clock::now() + limit;
    while (!condition()) {
        if (Clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

// Deterministic incompressible bytes for upload tests.
std::string random_bytes(std::size_t size) {
    std::mt19937 generator(42);
    std::string bytes(size, '\0');
    std::generate(bytes.begin(), bytes.end(), [&] { return static_cast<char>(generator()); });
    return bytes;
}

class TransportBehaviourTest : public ::testing::Test {
  protected:
    static ClientOptions plain_options() {
        ClientOptions options;
        options.tls.mode = TlsMode::disabled;
        options.timeouts = {2000ms, 5000ms, 5000ms};
        return options;
    }

    std::shared_ptr<HttpClient> make_client(ClientOptions options = plain_options()) {
        auto client = HttpClient::create(io_.get_executor(), std::move(options));
        if (!client) {
            throw std::runtime_error(client.error().message);
        }
        return *client;
    }

    Expected<HttpResponse> fetch(HttpClient& client, HttpRequest request,
                                 std::size_t cap = body_cap) {
        return run_coro(io_, client.fetch(std::move(request), cap));
    }

    Expected<ResponseStream> send(HttpClient& client, HttpRequest request) {
        return run_coro(io_, client.send(std::move(request)));
    }

    // A PUT whose source ends at 1,000 of the 5,000 bytes it announced.
    Expected<HttpResponse> put_cut_off_at_1000(HttpClient& client, const std::string& url) {
        const std::string data = random_bytes(1000);
        transport::MemoryBodySource source(data);
        HttpRequest request = get(url);
        request.method = http::verb::put;
        request.body_source = &source;
        request.content_length = 5000;
        return fetch(client, std::move(request));
    }

    asio::io_context io_;
};

// ---- keep-alive and stale connections ----

TEST_F(TransportBehaviourTest, SequentialRequestsReuseOneKeepAliveConnection) {
    ScriptedHttpServer server(answer_each([](const ScriptedRequest&) { return ok("hello"); }));
    auto client = make_client();
    for (int i = 0; i < 3; ++i) {
        auto response = fetch(*client, get(server.url("/v2/")));
        ASSERT_TRUE(response) << response.error().message;
        EXPECT_EQ(response->body, "hello");
    }
    EXPECT_EQ(server.requests_received(), 3u);
    EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(TransportBehaviourTest, PooledConnectionClosedByServerWhileIdleIsReplaced) {
    ScriptedHttpServer server(
        answer_each([](const ScriptedRequest& r) { return ok(r.target); }, /*close_after=*/1));
    auto client = make_client();
    ASSERT_TRUE(fetch(*client, get(server.url("/first"))));
    ASSERT_TRUE(wait_until([&] { return server.open_connections() == 0; }));
    std::this_thread::sleep_for(50ms);  // let the FIN reach the client's idle socket

    auto second = fetch(*client, get(server.url("/second")));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->body, "/second");
    EXPECT_EQ(server.connections_accepted(), 2u);
    EXPECT_EQ(server.requests_received(), 2u);  // nothing was sent on the dead connection
}

TEST_F(TransportBehaviourTest, GetFailingOnReusedConnectionIsRetriedOnAFreshOne) {
    // The first connection answers once, then takes the next request and hangs up without
    // answering, as a server whose keep-alive timer fires just as the request arrives.
    ScriptedHttpServer server([](ScriptedConnection& connection) -> asio::awaitable<void> {
        if (connection.index() == 0) {
            if (co_await connection.read_request()) {
                co_await connection.respond(ok("first"));
            }
            co_await connection.read_request();
            co_return;
        }
        while (auto request = co_await connection.read_request()) {
            co_await connection.respond(ok("answered on a fresh connection"));
        }
    });
    auto client = make_client();
    ASSERT_TRUE(fetch(*client, get(server.url("/first"))));

    auto second = fetch(*client, get(server.url("/second")));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->body, "answered on a fresh connection");
    EXPECT_EQ(server.connections_accepted(), 2u);
    EXPECT_EQ(server.requests_received(), 3u);
}

TEST_F(TransportBehaviourTest, FailureOnAFreshConnectionIsNotRetried) {
    ScriptedHttpServer server([](ScriptedConnection& connection) -> asio::awaitable<void> {
        co_await connection.read_request();  // and hang up without answering
    });
    auto client = make_client();
    auto response = fetch(*client, get(server.url("/v2/")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::network);
    EXPECT_EQ(server.connections_accepted(), 1u);
}

// ---- deadlines ----

TEST_F(TransportBehaviourTest, ResponseHeaderTimeoutFiresWhenServerStalls) {
    ScriptedHttpServer server([](ScriptedConnection& connection) -> asio::awaitable<void> {
        co_await connection.read_request();
        co_await connection.wait_for_client_close();
    });
    auto options = plain_options();
    options.timeouts.response_header = 300ms;
    auto client = make_client(options);

    const auto started = Clock::now();
    auto response = send(*client, get(server.url("/v2/")));
    const auto elapsed = Clock::now() - started;
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::timeout) << response.error().message;
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 2300ms);
}

TEST_F(TransportBehaviourTest, IdleTimeoutFiresBetweenBodyChunks) {
    ScriptedHttpServer server([](ScriptedConnection& connection) -> asio::awaitable<void> {
        co_await connection.read_request();
        co_await connection.send_raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
        co_await connection.wait_for_client_close();
    });
    auto options = plain_options();
    options.timeouts.idle = 300ms;
    auto client = make_client(options);
    auto response = send(*client, get(server.url("/v2/blob")));
    ASSERT_TRUE(response) << response.error().message;

    const auto started = Clock::now();
    auto body = run_coro(io_, response->read_all(body_cap));
    const auto elapsed = Clock::now() - started;
    ASSERT_FALSE(body);
    EXPECT_EQ(body.error().kind, ErrorKind::timeout) << body.error().message;
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 2300ms);
}

TEST_F(TransportBehaviourTest, BodyCutShortByTheServerIsANetworkError) {
    ScriptedHttpServer server([](ScriptedConnection& connection) -> asio::awaitable<void> {
        co_await connection.read_request();
        co_await connection.send_raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
    });
    auto client = make_client();
    auto response = fetch(*client, get(server.url("/v2/blob")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::network) << response.error().message;
}

// ---- redirects ----

TEST_F(TransportBehaviourTest, GetFollowsRedirectToTheFinalResponse) {
    ScriptedHttpServer server(answer_each([](const ScriptedRequest& request) {
        return request.target == "/start" ? redirect_reply(302, "/final") : ok("final body");
    }));
    auto client = make_client();
    auto response = fetch(*client, get(server.url("/start")));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "final body");
    EXPECT_EQ(response->url.buffer(), server.url("/final"));
}

TEST_F(TransportBehaviourTest, RedirectBodyIsDrainedSoTheConnectionIsReused) {
    ScriptedHttpServer server(answer_each([](const ScriptedRequest& request) {
        auto reply = redirect_reply(302, "/final");
        reply.body = "moved";
        return request.target == "/start" ? reply : ok("final body");
    }));
    auto client = make_client();
    ASSERT_TRUE(fetch(*client, get(server.url("/start"))));
    EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(TransportBehaviourTest, RedirectChainOfMaxRedirectsIsFollowed) {
    ScriptedHttpServer server(answer_each([](const ScriptedRequest& request) {
        const int hop = std::stoi(request.target.substr(std::strlen("/hop/")));
        return hop < 3 ? redirect_reply(307, "/hop/" + std::to_string(hop + 1)) : ok("arrived");
    }));
    auto options = plain_options();
    options.max_redirects = 3;
    auto client = make_client(options);
    auto response = fetch(*client, get(server.url("/hop/0")));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "arrived");
    EXPECT_EQ(server.requests_received(), 4u);
}

TEST_F(TransportBehaviourTest, RedirectLoopFailsAfterMaxRedirects) {
    ScriptedHttpServer server(
        answer_each([](const ScriptedRequest&) { return redirect_reply(302, "/loop"); }));
    auto options = plain_options();
    options.max_redirects = 3;
    auto client = make_client(options);
    auto response = fetch(*client, get(server.url("/loop")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::protocol);
    EXPECT_NE(response.error().message.find("redirects"), std::string::npos)
        << response.error().message;
    EXPECT_EQ(server.requests_received(), 4u);  // the first request and 3 redirects
}

TEST_F(TransportBehaviourTest, SeeOtherAfterStreamedPutIsFollowedWithABodilessGet) {
    ScriptedHttpServer server(answer_each([](const ScriptedRequest& request) {
        return request.method == http::verb::put ? redirect_reply(303, "/status") : ok("stored");
    }));
    auto client = make_client();
    const std::string data = random_bytes(1000);
    transport::MemoryBodySource source(data, data.size());
    HttpRequest request = get(server.url("/upload"));
    request.method = http::verb::put;
    request.body_source = &source;
    request.content_length = data.size();

    auto response = fetch(*client, std::move(request));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "stored");
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[1].method, http::verb::get);
    EXPECT_EQ(requests[1].body, "");
}

// ---- credentials across redirects ----

HttpRequest authorized_get(const std::string& url) {
    HttpRequest request = get(url);
    request.headers.set(http::field::authorization, "Bearer secret-token");
    return request;
}

TEST_F(TransportBehaviourTest, AuthorizationIsKeptOnSameOriginRedirect) {
    ScriptedHttpServer server(answer_each([](const ScriptedRequest& request) {
        return request.target == "/start" ? redirect_reply(302, "/final") : ok("");
    }));
    auto client = make_client();
    ASSERT_TRUE(fetch(*client, authorized_get(server.url("/start"))));
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[1].header("Authorization"), "Bearer secret-token");
}

TEST_F(TransportBehaviourTest, AuthorizationIsDroppedWhenRedirectGoesToAnotherPort) {
    ScriptedHttpServer storage(answer_each([](const ScriptedRequest&) { return ok("blob"); }));
    ScriptedHttpServer registry(answer_each(
        [&](const ScriptedRequest&) { return redirect_reply(307, storage.url("/blob")); }));
    auto client = make_client();
    auto response = fetch(*client, authorized_get(registry.url("/v2/app/blobs/x")));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "blob");
    ASSERT_EQ(registry.requests().size(), 1u);
    EXPECT_EQ(registry.requests()[0].header("Authorization"), "Bearer secret-token");
    ASSERT_EQ(storage.requests().size(), 1u);
    EXPECT_EQ(storage.requests()[0].header("Authorization"), "");
}

TEST_F(TransportBehaviourTest, AuthorizationIsDroppedWhenRedirectGoesToAnotherHost) {
    ScriptedHttpServer server(answer_each([&](const ScriptedRequest& request) {
        return request.target == "/start" ? redirect_reply(302, server.url("/final", "localhost"))
                                          : ok("");
    }));
    auto client = make_client();
    ASSERT_TRUE(fetch(*client, authorized_get(server.url("/start"))));
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[1].header("Host"), "localhost:" + std::to_string(server.port()));
    EXPECT_EQ(requests[1].header("Authorization"), "");
}

// ---- body caps ----

TEST_F(TransportBehaviourTest, ReadAllRefusesBodyOverTheCapWithTooLarge) {
    ScriptedHttpServer server(
        answer_each([](const ScriptedRequest&) { return ok(std::string(2000, 'x')); }));
    auto client = make_client();
    auto response = fetch(*client, get(server.url("/big")), 1000);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::too_large) << response.error().message;
}

TEST_F(TransportBehaviourTest, ReadAllRefusesChunkedBodyOverTheCapWithTooLarge) {
    ScriptedHttpServer server(answer_each([](const ScriptedRequest&) {
        auto reply = ok(std::string(2000, 'x'));
        reply.chunked = true;
        return reply;
    }));
    auto client = make_client();
    auto response = fetch(*client, get(server.url("/big")), 1000);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::too_large) << response.error().message;
}

TEST_F(TransportBehaviourTest, ReadAllAcceptsBodyExactlyAtTheCap) {
    ScriptedHttpServer server(
        answer_each([](const ScriptedRequest&) { return ok(std::string(1000, 'x')); }));
    auto client = make_client();
    auto response = fetch(*client, get(server.url("/exact")), 1000);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body.size(), 1000u);
}

// ---- streamed upload ----

TEST_F(TransportBehaviourTest, StreamedPutBodyArrivesIntactWithContentLength) {
    // The server hashes what it received and answers with the digest, as a registry does.
    ScriptedHttpServer server(answer_each([](const ScriptedRequest& request) {
        return ScriptedReply{
            201, "", {{"Docker-Content-Digest", registry::sha256_digest(request.body)}}};
    }));
    auto client = make_client();
    const std::string data = random_bytes(3 * 1024 * 1024 + 17);
    transport::MemoryBodySource source(data,
                                       10007);  // pieces that do not line up with any buffer size
    HttpRequest request = get(server.url("/v2/app/blobs/uploads/1?digest=x"));
    request.method = http::verb::put;
    request.body_source = &source;
    request.content_length = data.size();

    auto response = fetch(*client, std::move(request));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 201);
    EXPECT_EQ(transport::header_value(response->headers, "Docker-Content-Digest"),
              registry::sha256_digest(data));
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].header("Content-Length"), std::to_string(data.size()));
    EXPECT_EQ(requests[0].header("Transfer-Encoding"), "");
}

// ---- a request body cut off by its source ----

// The server's end of a request whose body never completes: its read ends when the client
// half-closes; it then takes `finishing` to wind up (as a registry's handler storing what
// it got), sets *answered, answers and closes.
asio::awaitable<void> answer_after_cut_off(ScriptedConnection& connection,
                                           std::atomic<bool>* answered,
                                           std::chrono::milliseconds finishing) {
    co_await connection.read_request();  // nullopt: the body was cut off
    co_await connection.pause(finishing);
    *answered = true;
    co_await connection.send_raw(
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    connection.close();
}

TEST_F(TransportBehaviourTest, BodyCutOffBySourceReturnsOnlyOnceTheServerAnswered) {
    std::atomic<bool> answered{false};
    ScriptedHttpServer server([&answered](ScriptedConnection& connection) {
        return answer_after_cut_off(connection, &answered, 300ms);
    });
    auto client = make_client();

    auto response = put_cut_off_at_1000(*client, server.url("/upload"));
    ASSERT_FALSE(response);
    EXPECT_NE(response.error().message.find("request body was 1000 bytes, announced 5000"),
              std::string::npos)
        << response.error().message;
    // Anything the caller does next about this request (a DELETE of the upload) reaches a
    // server that is done with it.
    EXPECT_TRUE(answered.load());
}

TEST_F(TransportBehaviourTest, BodyCutOffBySourceWaitsForASilentServerOnlyAShortGrace) {
    // Neither answers nor closes (until the server is destroyed with the test).
    ScriptedHttpServer server([](ScriptedConnection& connection) -> asio::awaitable<void> {
        co_await connection.read_request();
        co_await connection.pause(30s);
    });
    auto client = make_client();

    const auto started = Clock::now();
    auto response = put_cut_off_at_1000(*client, server.url("/upload"));
    ASSERT_FALSE(response);
    // The grace (2 s), not the 5 s response-header timeout, ended the wait.
    EXPECT_LT(Clock::now() - started, 4500ms);
}

// ---- connection bound ----

asio::awaitable<void> fetch_status(std::shared_ptr<HttpClient> client, std::string url,
                                   std::vector<int>& statuses) {
    auto response = co_await client->fetch(get(url), body_cap);
    statuses.push_back(response ? response->status : 0);
}

TEST_F(TransportBehaviourTest, PerOriginConnectionBoundHoldsUnderConcurrentRequests) {
    ScriptedHttpServer server(answer_each([](const ScriptedRequest&) { return ok("slow"); },
                                          std::numeric_limits<std::size_t>::max(), 150ms));
    auto options = plain_options();
    options.max_connections_per_origin = 2;
    auto client = make_client(options);
    std::vector<int> statuses;
    for (int i = 0; i < 6; ++i) {
        asio::co_spawn(io_, fetch_status(client, server.url("/slow"), statuses), asio::detached);
    }
    io_.run_for(30s);

    EXPECT_EQ(statuses, std::vector<int>(6, 200));
    EXPECT_EQ(server.requests_received(), 6u);
    // Exactly 2: the bound held, and the requests did run side by side up to it.
    EXPECT_EQ(server.max_concurrent_connections(), 2u);
}

// ---- connect failures ----

TEST_F(TransportBehaviourTest, ConnectionRefusedIsANetworkErrorNamingHostAndPort) {
    std::uint16_t closed_port = 0;
    {
        asio::ip::tcp::acceptor probe(io_, {asio::ip::address_v4::loopback(), 0});
        closed_port = probe.local_endpoint().port();
    }
    auto client = make_client();
    auto response = fetch(*client, get("http://127.0.0.1:" + std::to_string(closed_port) + "/v2/"));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::network);
    EXPECT_NE(
        response.error().message.find("connecting to 127.0.0.1:" + std::to_string(closed_port)),
        std::string::npos)
        << response.error().message;
}

// ---- TLS ----

class TransportTlsTest : public TransportBehaviourTest {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    static ClientOptions tls_options(TlsMode mode, bool trust_test_ca) {
        ClientOptions options = plain_options();
        options.tls.mode = mode;
        if (trust_test_ca) {
            options.tls.ca_file = pki_->ca().cert.string();
        }
        return options;
    }

    // A server certificate from the test CA whose only name is subject_alt_name.
    static CertFiles server_cert_for(const std::string& name, const std::string& subject_alt_name) {
        return pki_->issue(name, pki_->ca(),
                           {"subjectAltName=" + subject_alt_name, "extendedKeyUsage=serverAuth",
                            "keyUsage=critical,digitalSignature"});
    }

    static Responder hello() {
        return [](const ScriptedRequest&) { return ok("over tls"); };
    }

    static std::unique_ptr<TestPki> pki_;
};

std::unique_ptr<TestPki> TransportTlsTest::pki_;

TEST_F(TransportTlsTest, VerifiedTlsSucceedsWithTheTestCa) {
    ScriptedHttpServer server(answer_each(hello()), pki_->server());
    auto client = make_client(tls_options(TlsMode::enabled, true));
    auto response = fetch(*client, get(server.url("/v2/")));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "over tls");
}

TEST_F(TransportTlsTest, VerifiedTlsSucceedsByHostName) {
    ScriptedHttpServer server(answer_each(hello()), pki_->server());
    auto client = make_client(tls_options(TlsMode::enabled, true));
    auto response = fetch(*client, get(server.url("/v2/", "localhost")));
    ASSERT_TRUE(response) << response.error().message;
}

TEST_F(TransportTlsTest, BodyCutOffBySourceReturnsOnlyOnceTheServerAnswered) {
    std::atomic<bool> answered{false};
    ScriptedHttpServer server(
        [&answered](ScriptedConnection& connection) {
            return answer_after_cut_off(connection, &answered, 300ms);
        },
        pki_->server());
    auto client = make_client(tls_options(TlsMode::enabled, true));

    auto response = put_cut_off_at_1000(*client, server.url("/upload"));
    ASSERT_FALSE(response);
    EXPECT_TRUE(answered.load());
}

TEST_F(TransportTlsTest, VerificationFailsWithoutTheTestCa) {
    ScriptedHttpServer server(answer_each(hello()), pki_->server());
    auto client = make_client(tls_options(TlsMode::enabled, false));
    auto response = fetch(*client, get(server.url("/v2/")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::tls) << response.error().message;
    EXPECT_EQ(server.requests_received(), 0u);
}

TEST_F(TransportTlsTest, InsecureModeSucceedsWithoutTheTestCa) {
    ScriptedHttpServer server(answer_each(hello()), pki_->server());
    auto client = make_client(tls_options(TlsMode::insecure, false));
    auto response = fetch(*client, get(server.url("/v2/")));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "over tls");
}

TEST_F(TransportTlsTest, CertificateNotCoveringTheIpAddressIsRefused) {
    ScriptedHttpServer server(answer_each(hello()), server_cert_for("dns-only", "DNS:localhost"));
    auto client = make_client(tls_options(TlsMode::enabled, true));
    auto response = fetch(*client, get(server.url("/v2/", "127.0.0.1")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::tls) << response.error().message;
}

TEST_F(TransportTlsTest, CertificateNotCoveringTheHostNameIsRefused) {
    ScriptedHttpServer server(answer_each(hello()), server_cert_for("ip-only", "IP:127.0.0.1"));
    auto client = make_client(tls_options(TlsMode::enabled, true));
    auto response = fetch(*client, get(server.url("/v2/", "localhost")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::tls) << response.error().message;
}

}  // namespace
}  // namespace regmigrate::testing

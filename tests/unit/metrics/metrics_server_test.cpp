// The /metrics and /healthz server: the answers as a pure function, then the server over a
// loopback socket (as a scraper and a probe see it).
#include "metrics/metrics_server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <string>

namespace regmigrate::metrics {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

http::response<http::string_body> http_request(uint16_t port, const std::string& target,
                                               http::verb method = http::verb::get) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    http::request<http::empty_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(false);
    http::write(socket, req);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    if (method == http::verb::head) {
        http::response_parser<http::string_body> parser;
        parser.skip(true);
        http::read(socket, buffer, parser);
        return parser.release();
    }
    http::read(socket, buffer, res);
    return res;
}

HealthProbe answering(bool healthy, std::string reason) {
    return [=] { return HealthStatus{healthy, reason}; };
}

TEST(AnswerEndpoint, MetricsIsTheTextExposition) {
    Metrics m;
    m.manifest_pushed();
    const auto answer = answer_endpoint("GET", "/metrics", m, {});
    EXPECT_EQ(answer.status, 200u);
    EXPECT_EQ(answer.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(answer.body.find("regmigrate_manifests_pushed_total 1"), std::string::npos);
}

TEST(AnswerEndpoint, QueryStringIsIgnored) {
    Metrics m;
    EXPECT_EQ(answer_endpoint("GET", "/metrics?name[]=x", m, {}).status, 200u);
    EXPECT_EQ(answer_endpoint("GET", "/healthz?verbose", m, {}).status, 200u);
}

TEST(AnswerEndpoint, HealthyProbeIs200WithItsReason) {
    Metrics m;
    const auto answer = answer_endpoint("GET", "/healthz", m, answering(true, "round 2 running"));
    EXPECT_EQ(answer.status, 200u);
    EXPECT_EQ(answer.body, "round 2 running\n");
}

TEST(AnswerEndpoint, UnhealthyProbeIs503WithOneLineSayingWhy) {
    Metrics m;
    const auto answer =
        answer_endpoint("GET", "/healthz", m, answering(false, "round 3 failed (exit 1)"));
    EXPECT_EQ(answer.status, 503u);
    EXPECT_EQ(answer.body, "round 3 failed (exit 1)\n");
}

TEST(AnswerEndpoint, WithoutAProbeHealthIsOk) {
    Metrics m;
    const auto answer = answer_endpoint("GET", "/healthz", m, {});
    EXPECT_EQ(answer.status, 200u);
    EXPECT_EQ(answer.body, "ok\n");
}

TEST(AnswerEndpoint, HeadIsAnsweredLikeGet) {
    Metrics m;
    EXPECT_EQ(answer_endpoint("HEAD", "/healthz", m, answering(false, "x")).status, 503u);
    EXPECT_EQ(answer_endpoint("HEAD", "/metrics", m, {}).status, 200u);
}

TEST(AnswerEndpoint, OtherPathsAre404) {
    Metrics m;
    EXPECT_EQ(answer_endpoint("GET", "/", m, {}).status, 404u);
    EXPECT_EQ(answer_endpoint("GET", "/metrics/", m, {}).status, 404u);
    EXPECT_EQ(answer_endpoint("GET", "http://host/metrics", m, {}).status, 404u);
}

TEST(AnswerEndpoint, OtherMethodsAre405) {
    Metrics m;
    EXPECT_EQ(answer_endpoint("POST", "/metrics", m, {}).status, 405u);
    EXPECT_EQ(answer_endpoint("DELETE", "/healthz", m, {}).status, 405u);
}

TEST(AnswerEndpoint, AskedForMetricsItDoesNotAskTheProbe) {
    Metrics m;
    bool asked = false;
    answer_endpoint("GET", "/metrics", m, [&] {
        asked = true;
        return HealthStatus{};
    });
    EXPECT_FALSE(asked);
}

TEST(ParseListenAddress, HostAndPort) {
    const auto a = parse_listen_address("127.0.0.1:9100").value();
    EXPECT_EQ(a.host, "127.0.0.1");
    EXPECT_EQ(a.port, 9100);
    EXPECT_FALSE(a.ipv6);
}

TEST(ParseListenAddress, EmptyHostMeansEveryInterface) {
    const auto a = parse_listen_address(":9100").value();
    EXPECT_EQ(a.host, "");
    EXPECT_EQ(a.port, 9100);
}

TEST(ParseListenAddress, BracketedIpv6Host) {
    const auto a = parse_listen_address("[::1]:0").value();
    EXPECT_EQ(a.host, "::1");
    EXPECT_EQ(a.port, 0);
    EXPECT_TRUE(a.ipv6);
}

TEST(ParseListenAddress, MissingPortIsRejected) {
    const auto a = parse_listen_address("127.0.0.1");
    ASSERT_TRUE(a.has_error());
    EXPECT_EQ(a.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(a.error().message.find("'127.0.0.1'"), std::string::npos);
}

TEST(ParseListenAddress, PortOutOfRangeIsRejected) {
    EXPECT_TRUE(parse_listen_address("127.0.0.1:65536").has_error());
    EXPECT_TRUE(parse_listen_address("127.0.0.1:http").has_error());
}

TEST(MetricsServer, ServesTheRegistryAtSlashMetrics) {
    Metrics m;
    m.image_finished(ImageOutcome::copied);
    auto server = MetricsServer::start("127.0.0.1:0", m).value();
    ASSERT_NE(server->port(), 0);
    const auto res = http_request(server->port(), "/metrics");
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_NE(res.body().find("regmigrate_images_total{result=\"copied\"} 1"), std::string::npos)
        << res.body();
}

TEST(MetricsServer, ServesCurrentValuesOnEveryScrape) {
    Metrics m;
    auto server = MetricsServer::start("127.0.0.1:0", m).value();
    m.manifest_pushed();
    m.manifest_pushed();
    const auto res = http_request(server->port(), "/metrics");
    EXPECT_NE(res.body().find("regmigrate_manifests_pushed_total 2"), std::string::npos);
}

TEST(MetricsServer, MalformedAddressIsAnInvalidArgument) {
    Metrics m;
    const auto server = MetricsServer::start("not an address", m);
    ASSERT_TRUE(server.has_error());
    EXPECT_EQ(server.error().kind, ErrorKind::invalid_argument);
}

TEST(MetricsServer, PortInUseFailsWithAMessageNamingTheAddress) {
    Metrics m;
    auto first = MetricsServer::start("127.0.0.1:0", m).value();
    const std::string address = "127.0.0.1:" + std::to_string(first->port());
    const auto second = MetricsServer::start(address, m);
    ASSERT_TRUE(second.has_error());
    EXPECT_NE(second.error().message.find("'" + address + "'"), std::string::npos)
        << second.error().message;
}

TEST(MetricsServer, HealthzAnswersWhatTheProbeSaysNow) {
    Metrics m;
    bool healthy = true;
    auto server = MetricsServer::start("127.0.0.1:0", m, [&] {
                      return HealthStatus{healthy, healthy ? "fine" : "round 1 failed"};
                  }).value();
    const auto good = http_request(server->port(), "/healthz");
    EXPECT_EQ(good.result(), http::status::ok);
    EXPECT_EQ(good.body(), "fine\n");
    healthy = false;
    const auto bad = http_request(server->port(), "/healthz");
    EXPECT_EQ(bad.result(), http::status::service_unavailable);
    EXPECT_EQ(bad.body(), "round 1 failed\n");
}

TEST(MetricsServer, HeadGetsTheStatusAndLengthWithoutABody) {
    Metrics m;
    auto server = MetricsServer::start("127.0.0.1:0", m).value();
    const auto res = http_request(server->port(), "/metrics", http::verb::head);
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_GT(std::stoul(std::string(res[http::field::content_length])), 0u);
}

TEST(MetricsServer, ServesSeveralRequestsOnOneConnection) {
    Metrics m;
    auto server = MetricsServer::start("127.0.0.1:0", m).value();
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), server->port()});
    boost::beast::flat_buffer buffer;
    for (const char* target : {"/healthz", "/metrics", "/healthz"}) {
        http::request<http::empty_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        http::write(socket, req);
        http::response<http::string_body> res;
        http::read(socket, buffer, res);
        EXPECT_EQ(res.result(), http::status::ok) << target;
    }
}

TEST(MetricsServer, OversizedHeadersCloseTheConnectionUnanswered) {
    Metrics m;
    auto server = MetricsServer::start("127.0.0.1:0", m).value();
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), server->port()});
    const std::string request =
        "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(16 * 1024, 'a') +
        "\r\n\r\n";
    boost::system::error_code error;
    asio::write(socket, asio::buffer(request), error);
    std::string answer;
    asio::read(socket, asio::dynamic_buffer(answer), error);
    EXPECT_EQ(answer, "");
    EXPECT_TRUE(error == asio::error::eof || error == asio::error::connection_reset) << error;
}

TEST(MetricsServer, StopsWhileAClientHoldsAnIdleConnection) {
    Metrics m;
    auto server = MetricsServer::start("127.0.0.1:0", m).value();
    asio::io_context io;
    tcp::socket idle(io);
    idle.connect({asio::ip::make_address("127.0.0.1"), server->port()});
    server.reset();
    std::string answer;
    boost::system::error_code error;
    asio::read(idle, asio::dynamic_buffer(answer), error);
    EXPECT_TRUE(error);
}

}  // namespace
}  // namespace regmigrate::metrics

#include "metrics/metrics_outputs.hpp"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

namespace regmigrate::metrics {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// Accepts one connection on a free loopback port, records the request and answers it
// with a fixed status: a stand-in pushgateway.
class OneShotHttpServer {
  public:
    explicit OneShotHttpServer(http::status status)
        : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
          thread_([this, status] { serve(status); }) {}
    ~OneShotHttpServer() { join(); }

    uint16_t port() const { return acceptor_.local_endpoint().port(); }

    // Waits for the exchange to finish, then returns what the client sent.
    const http::request<http::string_body>& request() {
        join();
        return request_;
    }

  private:
    void join() {
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    void serve(http::status status) {
        tcp::socket socket = acceptor_.accept();
        boost::beast::flat_buffer buffer;
        http::request_parser<http::string_body> parser;
        http::read_header(socket, buffer, parser);
        if (parser.get()[http::field::expect] == "100-continue") {
            http::write(socket, http::response<http::empty_body>{http::status::continue_, 11});
        }
        http::read(socket, buffer, parser);
        request_ = parser.release();
        http::response<http::string_body> res{status, 11};
        res.keep_alive(false);
        res.prepare_payload();
        http::write(socket, res);
    }

    asio::io_context io_;
    tcp::acceptor acceptor_;
    http::request<http::string_body> request_;
    std::thread thread_;
};

uint16_t closed_port() {
    asio::io_context io;
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

TEST(TextExposition, EveryLineIsACommentOrASample) {
    Metrics m;
    m.http_request("GET", 200);
    m.observe_blob_transfer(1.5);
    std::istringstream in(m.text_exposition());
    const std::regex sample(R"([a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfa]+)");
    int samples = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        EXPECT_TRUE(std::regex_match(line, sample)) << line;
        ++samples;
    }
    EXPECT_GT(samples, 10);
}

TEST(ParsePushgatewayUrl, SplitsSchemeHostAndPort) {
    const auto t = parse_pushgateway_url("http://pushgw.example:9091").value();
    EXPECT_EQ(t.host, "http://pushgw.example");
    EXPECT_EQ(t.port, "9091");
    EXPECT_EQ(t.display, "http://pushgw.example:9091");
}

TEST(ParsePushgatewayUrl, MissingPortDefaultsFromTheScheme) {
    EXPECT_EQ(parse_pushgateway_url("http://pushgw").value().port, "80");
    EXPECT_EQ(parse_pushgateway_url("https://pushgw/").value().port, "443");
}

TEST(ParsePushgatewayUrl, CredentialsAreExtractedAndLeftOutOfTheDisplayUrl) {
    const auto t = parse_pushgateway_url("https://ops:s3cret@pushgw:9091").value();
    EXPECT_EQ(t.username, "ops");
    EXPECT_EQ(t.password, "s3cret");
    EXPECT_EQ(t.display.find("s3cret"), std::string::npos);
    EXPECT_EQ(t.display.find("ops"), std::string::npos);
}

TEST(ParsePushgatewayUrl, RoutePrefixFollowsThePort) {
    EXPECT_EQ(parse_pushgateway_url("http://h:9091/pushgateway/").value().port, "9091/pushgateway");
}

TEST(ParsePushgatewayUrl, Ipv6HostKeepsItsBrackets) {
    EXPECT_EQ(parse_pushgateway_url("http://[::1]:9091").value().host, "http://[::1]");
}

TEST(ParsePushgatewayUrl, RejectsOtherSchemesAndQueries) {
    EXPECT_EQ(parse_pushgateway_url("ftp://h:21").error().kind, ErrorKind::invalid_argument);
    EXPECT_TRUE(parse_pushgateway_url("http://h:9091/?x=1").has_error());
    EXPECT_TRUE(parse_pushgateway_url("pushgw:9091").has_error());
}

TEST(EncodeGroupingLabel, PlainValuesStayAsTheyAre) {
    EXPECT_EQ(encode_grouping_label("instance", "host-1.dc"),
              (std::pair<std::string, std::string>{"instance", "host-1.dc"}));
}

TEST(EncodeGroupingLabel, ValuesWithSlashesUseBase64Url) {
    // base64url("/var/tmp?") == "L3Zhci90bXA_"
    EXPECT_EQ(encode_grouping_label("dir", "/var/tmp?"),
              (std::pair<std::string, std::string>{"dir@base64", "L3Zhci90bXA_"}));
}

TEST(EncodeGroupingLabel, EmptyValueIsALoneEqualsSign) {
    EXPECT_EQ(encode_grouping_label("shard", ""),
              (std::pair<std::string, std::string>{"shard@base64", "="}));
}

TEST(PushToGateway, PutsTheExpositionUnderJobAndGroupingKey) {
    OneShotHttpServer gateway(http::status::ok);
    Metrics m;
    m.image_finished(ImageOutcome::copied);
    const auto pushed = push_to_gateway(m, "http://127.0.0.1:" + std::to_string(gateway.port()),
                                        "regmigrate", {{"instance", "node1"}, {"shard", "1/4"}});
    ASSERT_TRUE(pushed.has_value()) << pushed.error().message;
    const auto& req = gateway.request();
    EXPECT_EQ(req.method(), http::verb::put);
    EXPECT_EQ(req.target(), "/metrics/job/regmigrate/instance/node1/shard@base64/MS80");
    EXPECT_NE(req.body().find("regmigrate_images_total{result=\"copied\"} 1"), std::string::npos);
}

TEST(PushToGateway, SendsUrlCredentialsAsBasicAuth) {
    OneShotHttpServer gateway(http::status::ok);
    ASSERT_TRUE(push_to_gateway(Metrics{},
                                "http://ops:pw@127.0.0.1:" + std::to_string(gateway.port()),
                                "regmigrate", {})
                    .has_value());
    // base64("ops:pw") == "b3BzOnB3"
    EXPECT_EQ(gateway.request()[http::field::authorization], "Basic b3BzOnB3");
}

TEST(PushToGateway, ErrorStatusIsAnHttpErrorNamingTheUrlWithoutCredentials) {
    OneShotHttpServer gateway(http::status::internal_server_error);
    const std::string shown = "http://127.0.0.1:" + std::to_string(gateway.port());
    const auto pushed =
        push_to_gateway(Metrics{}, "http://ops:hunter2@127.0.0.1:" + std::to_string(gateway.port()),
                        "regmigrate", {});
    ASSERT_TRUE(pushed.has_error());
    EXPECT_EQ(pushed.error().kind, ErrorKind::http);
    EXPECT_EQ(pushed.error().http_status, 500);
    EXPECT_NE(pushed.error().message.find(shown), std::string::npos) << pushed.error().message;
    EXPECT_EQ(pushed.error().message.find("hunter2"), std::string::npos);
}

TEST(PushToGateway, UnreachableGatewayIsANetworkError) {
    const auto pushed = push_to_gateway(
        Metrics{}, "http://127.0.0.1:" + std::to_string(closed_port()), "regmigrate", {});
    ASSERT_TRUE(pushed.has_error());
    EXPECT_EQ(pushed.error().kind, ErrorKind::network);
}

TEST(PushToGateway, JobNameMustBeAPlainPathSegment) {
    const auto pushed = push_to_gateway(Metrics{}, "http://127.0.0.1:1", "a/b", {});
    ASSERT_TRUE(pushed.has_error());
    EXPECT_EQ(pushed.error().kind, ErrorKind::invalid_argument);
}

}  // namespace
}  // namespace regmigrate::metrics

// faultproxy: a loopback HTTP proxy in front of one registry that injects faults by rule
// (see fault_rule.hpp for the rule syntax), for the fault matrix tests.
#include "tools/faultproxy/proxy_server.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <iostream>
#include <optional>

namespace {

using namespace regmigrate::faultproxy;

// HOST:PORT of a loopback upstream; this tool never talks to anything else.
bool parse_upstream(const std::string& text, ProxyOptions& options, std::string& why) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
        why = "--upstream must be HOST:PORT";
        return false;
    }
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    boost::system::error_code ec;
    const auto address =
        boost::asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec || !address.is_loopback()) {
        why = "--upstream must be a loopback address (127.0.0.1, ::1 or localhost)";
        return false;
    }
    try {
        const int port = std::stoi(text.substr(colon + 1));
        if (port <= 0 || port > 65535)
            throw std::out_of_range("port");
        options.upstream_port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
        why = "--upstream has an invalid port";
        return false;
    }
    options.upstream_host = address.to_string();
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Forward HTTP from 127.0.0.1:PORT to a loopback registry, injecting faults by rule.\n"
        "Rule: KIND [method=VERB] [path=REGEX] [every=N | probability=P] [limit=N] [OPTION=VALUE]\n"
        "  KIND: 429 500 502 503 504 reset truncate flip stall drop\n"
        "  options: retry-after=S, retry-after-date=S (429/503), stall-ms=MS (stall),\n"
        "           at=FRACTION (reset/truncate/flip: where in the body, default 0.5)\n"
        "Latency: latency delay-ms=MS [connect-ms=MS] [method=VERB] [path=REGEX]\n"
        "  holds each matching request MS before it is forwarded or answered, and each new\n"
        "  upstream connection connect-ms (default: delay-ms) before it opens; bytes are not\n"
        "  slowed, and faults still fire on delayed requests\n"
        "Example: --fault '503 method=GET path=/blobs/ every=2 limit=3'\n"
        "         --fault 'latency delay-ms=50'"};
    ProxyOptions options;
    std::string upstream;
    std::vector<std::string> fault_texts;
    std::uint64_t seed = 1;
    std::size_t timeout_ms = static_cast<std::size_t>(options.io_timeout.count());
    bool quiet = false;
    app.add_option("--port", options.port, "port on 127.0.0.1 to listen on (0: any free port)")
        ->capture_default_str();
    app.add_option("--upstream", upstream, "the registry, HOST:PORT on loopback")->required();
    app.add_option("--fault", fault_texts,
                   "a fault or latency rule (repeatable; first fault rule to fire wins)");
    app.add_option("--seed", seed, "seed of probability rules")->capture_default_str();
    app.add_option("--max-body", options.max_body, "largest body held in memory, in bytes")
        ->check(CLI::Range(std::size_t{1}, std::size_t{4} << 30))
        ->capture_default_str();
    app.add_option("--max-connections", options.max_connections, "clients served at once")
        ->check(CLI::Range(1, 65536))
        ->capture_default_str();
    app.add_option("--timeout-ms", timeout_ms, "limit of every read, write and connect")
        ->check(CLI::Range(1, 600'000))
        ->capture_default_str();
    std::uint64_t min_upload_part = 0;
    app.add_option("--min-upload-part", min_upload_part,
                   "refuse chunked uploads whose parts but the last are smaller than this many "
                   "bytes, as Amazon ECR does (5242880)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 32));
    app.add_flag("--quiet", quiet, "do not log each injected fault");
    app.add_flag("--log-requests", options.log_requests,
                 "log each forwarded request (method, path, status) to stderr");
    CLI11_PARSE(app, argc, argv);
    if (min_upload_part > 0)
        options.min_upload_part = min_upload_part;

    std::string why;
    if (!parse_upstream(upstream, options, why)) {
        std::cerr << "faultproxy: " << why << "\n";
        return 2;
    }
    std::vector<FaultRule> rules;
    for (const auto& text : fault_texts) {
        auto rule = parse_fault_rule(text);
        if (!rule) {
            std::cerr << "faultproxy: " << rule.error().message << "\n";
            return 2;
        }
        rules.push_back(std::move(*rule));
    }
    options.io_timeout = std::chrono::milliseconds(timeout_ms);
    options.log_injections = !quiet;

    boost::asio::io_context io(1);
    FaultSchedule schedule(std::move(rules), seed);
    std::optional<ProxyServer> server;
    try {
        server.emplace(io, options, schedule);
        server->start();
        boost::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
        std::cout << "listening on 127.0.0.1:" << server->port() << std::endl;
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "faultproxy: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "faultproxy: " << server->clients_accepted() << " client connections, "
              << server->upstream_connections() << " upstream connections\n";
    for (std::size_t i = 0; i < schedule.size(); ++i) {
        std::cerr << "faultproxy: rule " << i + 1 << " fired " << schedule.injected(i)
                  << " times\n";
    }
    return 0;
}

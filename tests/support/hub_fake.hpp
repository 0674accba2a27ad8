// A small, faithful stand-in for Docker Hub, built from Docker's public documentation since
// the real one is out of reach here:
// - the listing API of hub.docker.com (https://docs.docker.com/reference/api/hub/latest/,
//   "List repositories in a namespace"): GET /v2/namespaces/{ns}/repositories and the older
//   GET /v2/repositories/{ns}/, ?page (default 1) & page_size (default 10, at most 100),
//   answering {"count", "next", "previous", "results": [{"name", "namespace", ...}]} with
//   absolute next/previous URLs; a page past the end is 404. In `legacy_only` mode the
//   namespaces endpoint answers 404, as Hub did before it existed.
// - auth.docker.io: our TokenServer with service "registry.docker.io", issuing anonymous
//   pull tokens (GET /token?service=registry.docker.io&scope=repository:NAME:pull).
// - registry-1.docker.io: a real docker-registry with token auth behind a proxy of ours
//   that adds the documented pull rate limit (https://docs.docker.com/docker-hub/usage/
//   pulls/): manifest GETs answered 200 count against `pull_limit` per sliding `window`,
//   manifest responses carry RateLimit-Limit: L;w=W and RateLimit-Remaining: R;w=W, HEAD
//   is free, and a GET beyond the budget gets 429 TOOMANYREQUESTS with Retry-After. It only
//   forwards GET and HEAD: anonymous clients of Hub only pull.
// Everything listens on 127.0.0.1 and stops with the object.
#pragma once

#include "tests/support/registry_process.hpp"
#include "tests/support/scripted_http_server.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/token_server.hpp"

#include <boost/url/params_view.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace regmigrate::testing {

struct HubFakeOptions {
    bool legacy_only = false;  // the namespaces endpoint answers 404
    // Hub caps page_size at 100; a lower cap makes a few repositories span several pages.
    std::size_t max_page_size = 100;
    std::uint64_t pull_limit = 0;  // manifest GETs per window; 0: unlimited, no RateLimit headers
    std::chrono::seconds window{21600};
    // 1-based numbers of the authorized manifest GETs answered 429 whatever the budget.
    std::set<std::size_t> throttled_pulls;
    std::chrono::seconds retry_after{1};  // announced with those scheduled 429s
};

// One page of the listing API, decided without sockets. `names` are the namespace's
// repositories (without the namespace); `base_url` is "http://HOST:PORT" + the path asked;
// `params` the query (page, page_size).
struct HubListingReply {
    int status = 200;
    std::string body;
};
HubListingReply hub_listing_page(const std::string& namespace_name,
                                 const std::vector<std::string>& names, std::string_view base_url,
                                 boost::urls::params_view params, std::size_t max_page_size = 100);

class HubFake {
  public:
    // Starts the backing registry without auth: push the namespace's images to seed_host(),
    // then open() the fake.
    HubFake(const TestPki& pki, HubFakeOptions options = {});
    ~HubFake();
    HubFake(const HubFake&) = delete;
    HubFake& operator=(const HubFake&) = delete;

    std::string seed_host() const { return registry_.host(); }
    // Reads what was seeded into the listing, restarts the registry behind token auth and
    // starts the token server, the registry proxy and the listing API.
    void open();

    std::string registry_host() const;  // the proxy, "127.0.0.1:PORT"
    std::string api_url() const;        // the listing API, "http://127.0.0.1:PORT"
    std::size_t pulls() const;          // manifest GETs answered 200 (what Hub counts)
    std::size_t throttled() const;      // 429 answers sent
    std::vector<std::string> listing_requests() const;  // targets, in arrival order

  private:
    static boost::asio::awaitable<void> serve_proxy(ScriptedConnection& connection, HubFake& fake);
    ScriptedReply answer_registry(const ScriptedRequest& request);
    ScriptedReply answer_listing(const ScriptedRequest& request) const;
    // The pull budget left at `now` (sliding window); call with mutex_ held.
    std::uint64_t remaining(std::chrono::steady_clock::time_point now);
    void add_rate_limit_headers(ScriptedReply& reply, std::uint64_t remaining) const;

    const TestPki& pki_;
    HubFakeOptions options_;
    RegistryProcess registry_;
    std::map<std::string, std::vector<std::string>> namespaces_;
    std::unique_ptr<TokenServer> tokens_;
    std::unique_ptr<ScriptedHttpServer> proxy_;
    std::unique_ptr<ScriptedHttpServer> listing_;

    mutable std::mutex mutex_;
    std::deque<std::chrono::steady_clock::time_point> pull_times_;  // within the window
    std::size_t pulls_ = 0;
    std::size_t manifest_gets_ = 0;
    std::size_t throttled_ = 0;
};

}  // namespace regmigrate::testing

// Link headers paginate catalog and tag lists. Whatever the registry sends, the next page
// must stay on the scheme, host and port we asked: that is where our credentials go.
#include "registry/distribution/link_header.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <boost/url/grammar/ci_string.hpp>
#include <boost/url/parse.hpp>

using regmigrate::fuzz::require;
using namespace regmigrate::registry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto request =
        boost::urls::parse_absolute_uri("https://registry.example:5000/v2/_catalog?n=100").value();
    const auto next = next_page_url(regmigrate::fuzz::as_text(data, size), request);
    if (!next) {
        require(!next.error().message.empty(), "a refused link says why");
        return 0;
    }
    if (!next->has_value()) {
        return 0;
    }
    const auto& url = **next;
    require(url.scheme_id() == request.scheme_id(), "the next page keeps the scheme");
    require(boost::urls::grammar::ci_is_equal(url.encoded_host(), request.encoded_host()),
            "the next page keeps the host");
    require(url.port_number() == request.port_number(), "the next page keeps the port");
    return 0;
}

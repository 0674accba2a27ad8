#include "registry/hub/hub_listing.hpp"

#include <gtest/gtest.h>
#include <boost/url/parse.hpp>

#include <string>

namespace regmigrate::registry {
namespace {

const auto request =
    boost::urls::parse_uri("https://hub.docker.com/v2/namespaces/acme/repositories?page_size=2")
        .value();

std::string first_page(std::string_view api, HubEndpoint endpoint, std::size_t page_size = 50) {
    auto url = hub_listing_url(api, "acme", endpoint, page_size);
    EXPECT_TRUE(url) << (url ? "" : url.error().message);
    return url ? std::string(url->buffer()) : "<error>";
}

HubPage page(std::string_view json) {
    auto parsed = parse_hub_page(json, "acme", request);
    EXPECT_TRUE(parsed) << json << ": " << (parsed ? "" : parsed.error().message);
    return parsed ? *parsed : HubPage{};
}

Error refusal(std::string_view json) {
    auto parsed = parse_hub_page(json, "acme", request);
    EXPECT_FALSE(parsed) << json << " was accepted";
    return parsed ? Error{} : parsed.error();
}

TEST(HubListingUrl, NamespacesEndpointCarriesPageSize) {
    EXPECT_EQ(first_page("https://hub.docker.com", HubEndpoint::namespaces),
              "https://hub.docker.com/v2/namespaces/acme/repositories?page_size=50");
}

TEST(HubListingUrl, OlderRepositoriesEndpointEndsWithSlash) {
    EXPECT_EQ(first_page("https://hub.docker.com", HubEndpoint::repositories),
              "https://hub.docker.com/v2/repositories/acme/?page_size=50");
}

TEST(HubListingUrl, KeepsTheBasePathOfAnApiBehindAPrefix) {
    EXPECT_EQ(first_page("http://127.0.0.1:8080/hub/", HubEndpoint::namespaces),
              "http://127.0.0.1:8080/hub/v2/namespaces/acme/repositories?page_size=50");
}

TEST(HubListingUrl, PageSizeIsCappedAtHubsMaximum) {
    EXPECT_EQ(first_page("https://hub.docker.com", HubEndpoint::namespaces, 1000),
              "https://hub.docker.com/v2/namespaces/acme/repositories?page_size=100");
}

TEST(HubListingUrl, RefusesAnApiThatIsNotAnHttpUrl) {
    for (const auto* api : {"hub.docker.com", "ftp://hub.docker.com", "https://hub.docker.com?x=1",
                            "https://user:pw@hub.docker.com"}) {
        EXPECT_FALSE(hub_listing_url(api, "acme", HubEndpoint::namespaces, 10)) << api;
    }
}

TEST(HubListingUrl, RefusesAnOrganizationThatIsNotOneComponent) {
    for (const auto* org : {"", "Acme", "acme/team", "../x", "acme?x"}) {
        EXPECT_FALSE(hub_listing_url("https://hub.docker.com", org, HubEndpoint::namespaces, 10))
            << org;
    }
}

TEST(HubPage, NamesResultsUnderTheOrganization) {
    const auto parsed = page(R"({"count": 3, "next": null, "previous": null, "results": [
        {"name": "api", "namespace": "acme", "repository_type": "image", "is_private": false},
        {"name": "web", "namespace": "acme"}]})");
    EXPECT_EQ(parsed.repositories, (std::vector<std::string>{"acme/api", "acme/web"}));
    EXPECT_FALSE(parsed.next);
}

TEST(HubPage, ResolvesAnAbsoluteNextOnTheSameOrigin) {
    const auto parsed = page(R"({"results": [], "next":
        "https://hub.docker.com/v2/namespaces/acme/repositories?page=2&page_size=2"})");
    ASSERT_TRUE(parsed.next);
    EXPECT_EQ(parsed.next->buffer(),
              "https://hub.docker.com/v2/namespaces/acme/repositories?page=2&page_size=2");
}

TEST(HubPage, ResolvesARelativeNext) {
    const auto parsed = page(R"({"results": [], "next": "?page=3&page_size=2"})");
    ASSERT_TRUE(parsed.next);
    EXPECT_EQ(parsed.next->buffer(),
              "https://hub.docker.com/v2/namespaces/acme/repositories?page=3&page_size=2");
}

TEST(HubPage, MissingResultsAndNextMeanAnEmptyLastPage) {
    const auto parsed = page(R"({"count": 0})");
    EXPECT_TRUE(parsed.repositories.empty());
    EXPECT_FALSE(parsed.next);
}

TEST(HubPage, RefusesNextOnAnotherHost) {
    const auto error = refusal(R"({"results": [], "next": "https://evil.example/v2/x?page=2"})");
    EXPECT_EQ(error.kind, ErrorKind::protocol);
    EXPECT_NE(error.message.find("another origin"), std::string::npos) << error.message;
}

TEST(HubPage, RefusesNextDowngradedToPlainHttp) {
    refusal(R"({"results": [], "next": "http://hub.docker.com/v2/namespaces/acme/repositories"})");
}

TEST(HubPage, RefusesNextOnAnotherPort) {
    refusal(R"({"results": [], "next": "https://hub.docker.com:8443/v2/x"})");
}

TEST(HubPage, RefusesANameThatWouldLeaveTheOrganization) {
    refusal(R"({"results": [{"name": "../../library/nginx"}]})");
    refusal(R"({"results": [{"name": "team/app"}]})");
    refusal(R"({"results": [{"name": "UPPER"}]})");
}

TEST(HubPage, RefusesMalformedPages) {
    refusal("not json");
    refusal("[]");
    refusal(R"({"results": {"name": "api"}})");
    refusal(R"({"results": [{"namespace": "acme"}]})");
    refusal(R"({"results": [], "next": 2})");
}

}  // namespace
}  // namespace regmigrate::registry

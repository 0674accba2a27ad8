#include "registry/distribution/link_header.hpp"

#include <gtest/gtest.h>
#include <boost/url/parse.hpp>

#include <string>

namespace regmigrate::registry {
namespace {

const auto request =
    boost::urls::parse_uri("https://reg.example.com:5000/v2/_catalog?n=100").value();

std::string next(std::string_view header) {
    auto result = next_page_url(header, request);
    EXPECT_TRUE(result) << header << ": " << (result ? "" : result.error().message);
    if (!result || !*result) {
        return "<none>";
    }
    return std::string((*result)->buffer());
}

Error refusal(std::string_view header) {
    auto result = next_page_url(header, request);
    EXPECT_FALSE(result) << header << " was accepted";
    return result ? Error{} : result.error();
}

TEST(LinkHeader, ResolvesDistributionRelativeNextLink) {
    EXPECT_EQ(next(R"(</v2/_catalog?last=b&n=100>; rel="next")"),
              "https://reg.example.com:5000/v2/_catalog?last=b&n=100");
}

TEST(LinkHeader, AcceptsUnquotedRel) {
    EXPECT_EQ(next("</v2/_catalog?last=c>; rel=next"),
              "https://reg.example.com:5000/v2/_catalog?last=c");
}

TEST(LinkHeader, RelIsCaseInsensitive) {
    EXPECT_EQ(next(R"(</v2/x>; REL="NEXT")"), "https://reg.example.com:5000/v2/x");
}

TEST(LinkHeader, FindsNextAmongSeveralLinks) {
    EXPECT_EQ(next(R"(</v2/first>; rel="first", </v2/second>; rel="next", </v2/last>; rel="last")"),
              "https://reg.example.com:5000/v2/second");
}

TEST(LinkHeader, FindsNextInARelList) {
    EXPECT_EQ(next(R"(</v2/p2>; rel="prefetch next")"), "https://reg.example.com:5000/v2/p2");
}

TEST(LinkHeader, NoNextLinkMeansNoMorePages) {
    EXPECT_EQ(next(R"(</v2/prev>; rel="prev")"), "<none>");
    EXPECT_EQ(next(""), "<none>");
    EXPECT_EQ(next("</v2/x>"), "<none>");
}

TEST(LinkHeader, NextSubstringIsNotANextRelation) {
    EXPECT_EQ(next(R"(</v2/x>; rel="nextpage")"), "<none>");
}

TEST(LinkHeader, CommasAndSemicolonsInsideTheUriAreNotSeparators) {
    EXPECT_EQ(next(R"(</v2/_catalog?last=a,b;c&n=2>; rel="next")"),
              "https://reg.example.com:5000/v2/_catalog?last=a,b;c&n=2");
}

TEST(LinkHeader, OtherParametersAreIgnored) {
    EXPECT_EQ(next(R"(</v2/y>; title="a, b; c"; rel="next"; type=text/plain)"),
              "https://reg.example.com:5000/v2/y");
}

TEST(LinkHeader, OnlyTheFirstRelParameterCounts) {
    EXPECT_EQ(next(R"(</v2/y>; rel="prev"; rel="next")"), "<none>");
}

TEST(LinkHeader, ResolvesPathRelativeAndDotSegments) {
    EXPECT_EQ(next(R"(<tags/list?last=z>; rel="next")"),
              "https://reg.example.com:5000/v2/tags/list?last=z");
    EXPECT_EQ(next(R"(<../v2/a/../b>; rel="next")"), "https://reg.example.com:5000/v2/b");
}

TEST(LinkHeader, QueryOnlyReferenceKeepsThePath) {
    EXPECT_EQ(next(R"(<?last=q&n=100>; rel="next")"),
              "https://reg.example.com:5000/v2/_catalog?last=q&n=100");
}

TEST(LinkHeader, AbsoluteLinkToTheSameOriginIsFollowed) {
    EXPECT_EQ(next(R"(<https://REG.example.com:5000/v2/_catalog?last=x>; rel="next")"),
              "https://REG.example.com:5000/v2/_catalog?last=x");
}

TEST(LinkHeader, DefaultPortIsTheSameOriginAsExplicitPort) {
    const auto base = boost::urls::parse_uri("https://reg.example.com/v2/_catalog").value();
    auto result = next_page_url(R"(<https://reg.example.com:443/v2/a>; rel="next")", base);
    ASSERT_TRUE(result);
    ASSERT_TRUE(*result);
}

TEST(LinkHeader, RefusesLinkToAnotherHost) {
    const auto error = refusal(R"(<https://evil.example.com:5000/v2/_catalog>; rel="next")");
    EXPECT_EQ(error.kind, ErrorKind::protocol);
    EXPECT_NE(error.message.find("evil.example.com"), std::string::npos);
}

TEST(LinkHeader, RefusesSchemeRelativeLinkToAnotherHost) {
    EXPECT_EQ(refusal(R"(<//evil.example.com/v2/x>; rel="next")").kind, ErrorKind::protocol);
}

TEST(LinkHeader, RefusesLinkToAnotherScheme) {
    EXPECT_EQ(refusal(R"(<http://reg.example.com:5000/v2/x>; rel="next")").kind,
              ErrorKind::protocol);
}

TEST(LinkHeader, RefusesLinkToAnotherPort) {
    refusal(R"(<https://reg.example.com:5001/v2/x>; rel="next")");
    refusal(R"(<https://reg.example.com/v2/x>; rel="next")");
}

TEST(LinkHeader, RefusesUserinfoTrickToAnotherHost) {
    refusal(R"(<https://reg.example.com:5000@evil.example.com/v2/x>; rel="next")");
}

TEST(LinkHeader, RefusesMalformedHeaders) {
    refusal(R"(/v2/x; rel="next")");
    refusal(R"(</v2/x; rel="next")");
    refusal(R"(</v2/x> rel="next")");
    refusal(R"(</v2/x>; rel="next)");
    refusal(R"(</v2/x>; ="next")");
}

TEST(LinkHeader, RefusesInvalidUriInNextLink) {
    refusal(R"(<http://[bad>; rel="next")");
}

}  // namespace
}  // namespace regmigrate::registry

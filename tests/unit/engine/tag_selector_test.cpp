#include "engine/tag_selector.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

boost::regex regex(std::string_view text) {
    return compile_regex(text, "test").value();
}
SemVerRange range(std::string_view text) {
    return SemVerRange::parse(text).value();
}

TEST(TagSelector, WithoutCriteriaSelectsEveryTag) {
    const TagSelector selector;
    EXPECT_TRUE(selector.matches("latest"));
    EXPECT_TRUE(selector.matches("1.0"));
}

TEST(TagSelector, ExactListSelectsOnlyListedTags) {
    const TagSelector selector{.exact = {"v1", "v2"}};
    EXPECT_TRUE(selector.matches("v2"));
    EXPECT_FALSE(selector.matches("v3"));
    EXPECT_FALSE(selector.matches("V1"));
}

TEST(TagSelector, PatternMustMatchTheWholeTag) {
    const TagSelector selector{.pattern = regex("v[0-9]+")};
    EXPECT_TRUE(selector.matches("v12"));
    EXPECT_FALSE(selector.matches("v12-debug"));
    EXPECT_FALSE(selector.matches("xv12"));
}

TEST(TagSelector, SemverSelectsVersionsInRange) {
    const TagSelector selector{.semver = range("^1.2")};
    EXPECT_TRUE(selector.matches("v1.4.0"));
    EXPECT_FALSE(selector.matches("2.0.0"));
}

TEST(TagSelector, SemverRejectsTagsThatAreNotVersions) {
    const TagSelector selector{.semver = range(">=0.0.0")};
    EXPECT_FALSE(selector.matches("latest"));
}

TEST(TagSelector, PatternAndSemverMustBothHold) {
    const TagSelector selector{.pattern = regex("v.*"), .semver = range(">=2")};
    EXPECT_TRUE(selector.matches("v2.1.0"));
    EXPECT_FALSE(selector.matches("2.1.0"));   // no v
    EXPECT_FALSE(selector.matches("v1.9.0"));  // below range
}

TEST(TagSelector, ExactAndPatternMustBothHold) {
    const TagSelector selector{.exact = {"v1", "stable"}, .pattern = regex("v.*")};
    EXPECT_TRUE(selector.matches("v1"));
    EXPECT_FALSE(selector.matches("stable"));
}

TEST(TagSelector, ExplicitOnlyWithJustAnExactList) {
    EXPECT_TRUE((TagSelector{.exact = {"v1"}}.explicit_only()));
    EXPECT_FALSE(TagSelector{}.explicit_only());
    EXPECT_FALSE((TagSelector{.exact = {"v1"}, .pattern = regex("v1")}.explicit_only()));
    EXPECT_FALSE((TagSelector{.exact = {"v1"}, .semver = range("1")}.explicit_only()));
}

TEST(CompileRegex, UsesPerlSyntax) {
    const auto compiled = regex(R"(\d+\.\d+(?:-rc\d)?)");
    EXPECT_TRUE(boost::regex_match(std::string("1.2-rc3"), compiled));
}

TEST(CompileRegex, ErrorNamesOriginAndRegex) {
    const auto compiled = compile_regex("v[0-9", "sync[0].tag_regex (line 12)");
    ASSERT_FALSE(compiled);
    EXPECT_EQ(compiled.error().kind, ErrorKind::invalid_argument);
    EXPECT_EQ(compiled.error().message.rfind("sync[0].tag_regex (line 12): ", 0), 0u)
        << compiled.error().message;
    EXPECT_NE(compiled.error().message.find("\"v[0-9\""), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::engine

#include "engine/plan/tag_selector.hpp"

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

TEST(TagSelector, ContainsSelectsTagsHoldingTheTextAnywhere) {
    const TagSelector selector{.contains = "1.2"};
    EXPECT_TRUE(selector.matches("1.2"));
    EXPECT_TRUE(selector.matches("v1.2.3-alpine"));
    EXPECT_FALSE(selector.matches("1.3"));
}

TEST(TagSelector, ContainsIsPlainTextNotARegex) {
    const TagSelector selector{.contains = "1.2"};
    EXPECT_FALSE(selector.matches("1x2"));
}

TEST(TagSelector, ContainsWithAnExactListIsNotExplicitOnly) {
    const TagSelector selector{.exact = {"v1"}, .contains = "v"};
    EXPECT_FALSE(selector.explicit_only());
}

boost::regex basic(std::string_view text) {
    return compile_basic_regex(text, "test").value();
}
bool searches(const boost::regex& regex, const std::string& text) {
    return boost::regex_search(text, regex);
}

TEST(CompileBasicRegex, BracketsAndStarsWorkAsInGrep) {
    const auto compiled = basic("app-[0-9]*$");
    EXPECT_TRUE(searches(compiled, "team/app-12"));
    EXPECT_FALSE(searches(compiled, "team/app-12x"));
}

TEST(CompileBasicRegex, PlusQuestionMarkBarAndParenthesesAreLiteral) {
    EXPECT_TRUE(searches(basic("c+"), "lang/c++"));
    EXPECT_FALSE(searches(basic("c+"), "lang/ccc"));
    EXPECT_TRUE(searches(basic("a|b"), "x/a|b"));
    EXPECT_FALSE(searches(basic("a|b"), "x/a"));
    EXPECT_TRUE(searches(basic("(x)"), "y/(x)"));
    EXPECT_FALSE(searches(basic("(x)"), "y/x"));
}

TEST(CompileBasicRegex, BackslashedGroupsAlternationAndRepeatsAsInGnuGrep) {
    const auto compiled = basic(R"(^\(web\|db\)-\?[0-9]\+$)");
    EXPECT_TRUE(searches(compiled, "web1"));
    EXPECT_TRUE(searches(compiled, "db-42"));
    EXPECT_FALSE(searches(compiled, "cache-1"));
    EXPECT_FALSE(searches(compiled, "db-"));
}

TEST(CompileBasicRegex, IntervalsUseBackslashedBraces) {
    const auto compiled = basic(R"(^v[0-9]\{2\}$)");
    EXPECT_TRUE(searches(compiled, "v12"));
    EXPECT_FALSE(searches(compiled, "v1"));
}

TEST(CompileBasicRegex, ErrorNamesOriginAndRegex) {
    const auto compiled = compile_basic_regex(R"(\(open)", "V1_REPO_FILTER");
    ASSERT_FALSE(compiled);
    EXPECT_EQ(compiled.error().kind, ErrorKind::invalid_argument);
    EXPECT_EQ(compiled.error().message.rfind("V1_REPO_FILTER: ", 0), 0u)
        << compiled.error().message;
}

}  // namespace
}  // namespace regmigrate::engine

#include "engine/plan/semver.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace regmigrate::engine {

void PrintTo(const SemVer& v, std::ostream* out) {
    *out << v.to_string();
}

namespace {

SemVer version(std::string_view text) {
    const auto parsed = parse_semver(text);
    EXPECT_TRUE(parsed) << text;
    return parsed.value_or(SemVer{});
}

bool in_range(std::string_view range, std::string_view tag) {
    const auto parsed = SemVerRange::parse(range);
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
    return parsed && parsed->contains(version(tag));
}

TEST(ParseSemver, ReadsMajorMinorPatch) {
    const auto v = version("1.2.3");
    EXPECT_EQ(v.major, 1u);
    EXPECT_EQ(v.minor, 2u);
    EXPECT_EQ(v.patch, 3u);
    EXPECT_TRUE(v.prerelease.empty());
}

TEST(ParseSemver, AcceptsLeadingV) {
    EXPECT_EQ(version("v2.0.1"), (SemVer{2, 0, 1, ""}));
}

TEST(ParseSemver, FillsMissingMinorAndPatchWithZero) {
    EXPECT_EQ(version("3"), (SemVer{3, 0, 0, ""}));
    EXPECT_EQ(version("v3.4"), (SemVer{3, 4, 0, ""}));
}

TEST(ParseSemver, ReadsPrerelease) {
    EXPECT_EQ(version("1.0.0-rc.1").prerelease, "rc.1");
}

TEST(ParseSemver, DropsBuildMetadata) {
    EXPECT_EQ(version("1.0.0-beta+exp.sha.5114f85"), (SemVer{1, 0, 0, "beta"}));
    EXPECT_EQ(version("1.0.0+20130313144700"), (SemVer{1, 0, 0, ""}));
}

TEST(ParseSemver, RejectsTagsThatAreNotVersions) {
    for (const auto* tag : {"latest", "", "v", "1.", ".1", "1..2", "1.2.3.4", "1.2.x", "1.2.3-",
                            "1.2.3+", "1.2.3-a..b", "1.2.3-ü", "V1.2.3", "-1.2.3", "1.2.3 "}) {
        EXPECT_FALSE(parse_semver(tag)) << tag;
    }
}

TEST(ParseSemver, RejectsLeadingZerosInNumbers) {
    EXPECT_FALSE(parse_semver("01.2.3"));
    EXPECT_FALSE(parse_semver("1.02"));
    EXPECT_FALSE(parse_semver("1.2.3-rc.01"));
}

TEST(ParseSemver, AcceptsLeadingZerosInAlphanumericPrereleaseAndBuild) {
    EXPECT_EQ(version("1.2.3-0a").prerelease, "0a");
    EXPECT_TRUE(parse_semver("1.2.3+001"));
}

TEST(ParseSemver, RejectsNumbersBeyond64Bits) {
    EXPECT_TRUE(parse_semver("18446744073709551615.0.0"));
    EXPECT_FALSE(parse_semver("18446744073709551616.0.0"));
}

TEST(SemverPrecedence, ComparesNumbersNumerically) {
    EXPECT_LT(version("1.9.0"), version("1.10.0"));
    EXPECT_LT(version("1.2.9"), version("1.3.0"));
    EXPECT_LT(version("2.0.0"), version("10.0.0"));
}

TEST(SemverPrecedence, PrereleaseSortsBeforeItsRelease) {
    EXPECT_LT(version("1.0.0-rc.1"), version("1.0.0"));
    EXPECT_GT(version("1.0.1-alpha"), version("1.0.0"));
}

TEST(SemverPrecedence, FollowsTheSemverSpecExampleChain) {
    const char* chain[] = {"1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                           "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0"};
    for (std::size_t i = 0; i + 1 < std::size(chain); ++i) {
        EXPECT_LT(version(chain[i]), version(chain[i + 1])) << chain[i] << " < " << chain[i + 1];
    }
}

TEST(SemverPrecedence, NumericIdentifiersSortBeforeAlphanumeric) {
    EXPECT_LT(version("1.0.0-999"), version("1.0.0-a"));
}

TEST(SemverPrecedence, IgnoresBuildMetadataAndLeadingV) {
    EXPECT_EQ(version("v1.2.3+build.7") <=> version("1.2.3"), std::strong_ordering::equal);
}

TEST(SemverToString, PrintsFullVersionWithPrerelease) {
    EXPECT_EQ(version("v1.2-rc.1").to_string(), "1.2.0-rc.1");
}

TEST(SemverRange, ComparatorsInAGroupMustAllHold) {
    EXPECT_TRUE(in_range(">=1.2.0 <2.0.0", "1.2.0"));
    EXPECT_TRUE(in_range(">=1.2.0 <2.0.0", "1.99.3"));
    EXPECT_FALSE(in_range(">=1.2.0 <2.0.0", "2.0.0"));
    EXPECT_FALSE(in_range(">=1.2.0 <2.0.0", "1.1.9"));
}

TEST(SemverRange, BareAndEqualsVersionMatchExactly) {
    EXPECT_TRUE(in_range("=1.4.2", "v1.4.2"));
    EXPECT_TRUE(in_range("1.4.2", "1.4.2"));
    EXPECT_FALSE(in_range("=1.4.2", "1.4.3"));
}

TEST(SemverRange, PartialEqualsMeansTheWholeSpan) {
    EXPECT_TRUE(in_range("=1.4", "1.4.9"));
    EXPECT_FALSE(in_range("=1.4", "1.5.0"));
    EXPECT_TRUE(in_range("2", "2.7.1"));
    EXPECT_FALSE(in_range("2", "3.0.0"));
}

TEST(SemverRange, GreaterThanPartialSkipsTheWholeSpan) {
    EXPECT_FALSE(in_range(">1", "1.9.9"));
    EXPECT_TRUE(in_range(">1", "2.0.0"));
    EXPECT_FALSE(in_range(">1.2", "1.2.5"));
    EXPECT_TRUE(in_range(">1.2", "1.3.0"));
    EXPECT_TRUE(in_range(">1.2.3", "1.2.4"));
    EXPECT_FALSE(in_range(">1.2.3", "1.2.3"));
}

TEST(SemverRange, LessOrEqualPartialIncludesTheWholeSpan) {
    EXPECT_TRUE(in_range("<=3.1", "3.1.7"));
    EXPECT_FALSE(in_range("<=3.1", "3.2.0"));
    EXPECT_TRUE(in_range("<=3.1.0", "3.1.0"));
    EXPECT_FALSE(in_range("<=3.1.0", "3.1.1"));
}

TEST(SemverRange, LessThanPartialStopsBeforeTheSpan) {
    EXPECT_FALSE(in_range("<1.2", "1.2.0"));
    EXPECT_TRUE(in_range("<1.2", "1.1.99"));
}

TEST(SemverRange, CaretAllowsChangesRightOfTheFirstNonZero) {
    EXPECT_TRUE(in_range("^1.2.3", "1.9.0"));
    EXPECT_FALSE(in_range("^1.2.3", "1.2.2"));
    EXPECT_FALSE(in_range("^1.2.3", "2.0.0"));
    EXPECT_TRUE(in_range("^0.2.3", "0.2.9"));
    EXPECT_FALSE(in_range("^0.2.3", "0.3.0"));
    EXPECT_TRUE(in_range("^0.0.3", "0.0.3"));
    EXPECT_FALSE(in_range("^0.0.3", "0.0.4"));
}

TEST(SemverRange, CaretOnPartialVersions) {
    EXPECT_TRUE(in_range("^1", "1.8.0"));
    EXPECT_FALSE(in_range("^1", "2.0.0"));
    EXPECT_TRUE(in_range("^0.0", "0.0.7"));
    EXPECT_FALSE(in_range("^0.0", "0.1.0"));
    EXPECT_TRUE(in_range("^0", "0.9.0"));
    EXPECT_FALSE(in_range("^0", "1.0.0"));
}

TEST(SemverRange, TildeAllowsPatchChanges) {
    EXPECT_TRUE(in_range("~1.2.3", "1.2.9"));
    EXPECT_FALSE(in_range("~1.2.3", "1.3.0"));
    EXPECT_FALSE(in_range("~1.2.3", "1.2.2"));
    EXPECT_TRUE(in_range("~1.2", "1.2.0"));
    EXPECT_FALSE(in_range("~1.2", "1.3.0"));
}

TEST(SemverRange, TildeOnMajorOnlyAllowsMinorChanges) {
    EXPECT_TRUE(in_range("~1", "1.5.0"));
    EXPECT_FALSE(in_range("~1", "2.0.0"));
}

TEST(SemverRange, OrGroupsMatchIfAnyMatches) {
    EXPECT_TRUE(in_range("^1.0.0 || ^3.0.0", "1.4.0"));
    EXPECT_TRUE(in_range("^1.0.0 || ^3.0.0", "3.1.0"));
    EXPECT_FALSE(in_range("^1.0.0 || ^3.0.0", "2.0.0"));
    EXPECT_TRUE(in_range("<1||>=5", "5.0.0"));
}

TEST(SemverRange, OperatorMayStandApartFromItsVersion) {
    EXPECT_TRUE(in_range(">= 1.2.0 < 2", "1.5.0"));
    EXPECT_FALSE(in_range(">= 1.2.0 < 2", "2.0.0"));
}

TEST(SemverRange, AcceptsLeadingVInComparators) {
    EXPECT_TRUE(in_range(">=v1.0.0", "1.0.0"));
}

TEST(SemverRange, ExcludesPrereleasesByDefault) {
    EXPECT_FALSE(in_range(">=1.0.0", "1.5.0-rc.1"));
    EXPECT_FALSE(in_range("^1.2.3", "1.3.0-beta"));
    EXPECT_FALSE(in_range("<2.0.0", "2.0.0-alpha"));
}

TEST(SemverRange, ComparatorWithPrereleaseAdmitsPrereleasesOfThatVersion) {
    EXPECT_TRUE(in_range(">=1.2.3-rc.1", "1.2.3-rc.2"));
    EXPECT_FALSE(in_range(">=1.2.3-rc.1", "1.2.3-beta"));  // beta < rc
    EXPECT_FALSE(in_range(">=1.2.3-rc.1", "1.2.4-rc.1"));
    EXPECT_TRUE(in_range(">=1.2.3-rc.1", "1.2.4"));
}

TEST(SemverRange, ExactPrereleaseMatchesItself) {
    EXPECT_TRUE(in_range("=2.0.0-rc.1", "2.0.0-rc.1"));
}

TEST(SemverRange, PrereleaseAdmissionIsPerGroup) {
    EXPECT_FALSE(in_range(">=1.0.0-rc.1 <1.0.0 || >=2.0.0", "2.1.0-beta"));
    EXPECT_TRUE(in_range(">=1.0.0-rc.1 <1.0.0 || >=2.0.0", "1.0.0-rc.5"));
}

TEST(SemverRangeParse, RejectsSpanPastTheLargestNumber) {
    EXPECT_FALSE(SemVerRange::parse(">18446744073709551615"));
    EXPECT_TRUE(SemVerRange::parse(">=18446744073709551615"));
}

TEST(SemverRangeParse, RejectsEmptyText) {
    EXPECT_FALSE(SemVerRange::parse("  "));
}

TEST(SemverRangeParse, RejectsEmptyOrGroup) {
    EXPECT_FALSE(SemVerRange::parse(">=1 ||"));
    EXPECT_FALSE(SemVerRange::parse("|| <2"));
    EXPECT_FALSE(SemVerRange::parse("1 || || 2"));
}

TEST(SemverRangeParse, ErrorNamesTheRangeAndTheBadVersion) {
    const auto parsed = SemVerRange::parse(">=1.0 <two");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(parsed.error().message.find("\">=1.0 <two\""), std::string::npos);
    EXPECT_NE(parsed.error().message.find("\"two\""), std::string::npos);
}

TEST(SemverRangeParse, RejectsOperatorWithoutVersion) {
    EXPECT_FALSE(SemVerRange::parse(">="));
    EXPECT_FALSE(SemVerRange::parse("1.0.0 <"));
}

TEST(SemverRangeParse, RejectsUnsupportedWildcards) {
    EXPECT_FALSE(SemVerRange::parse("1.2.x"));
    EXPECT_FALSE(SemVerRange::parse("*"));
}

}  // namespace
}  // namespace regmigrate::engine

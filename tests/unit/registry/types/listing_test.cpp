#include "registry/types/listing.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace regmigrate::registry {
namespace {

using Names = std::vector<std::string>;

Names parsed(std::string_view json, std::string_view key) {
    auto result = parse_string_list(json, key);
    EXPECT_TRUE(result) << json << ": " << (result ? "" : result.error().message);
    return result ? *result : Names{};
}

void expect_refused(std::string_view json, std::string_view key) {
    auto result = parse_string_list(json, key);
    ASSERT_FALSE(result) << json << " was accepted";
    EXPECT_EQ(result.error().kind, ErrorKind::protocol);
    EXPECT_NE(result.error().message.find(key), std::string::npos) << result.error().message;
}

TEST(Listing, ReadsCatalogRepositoriesInOrder) {
    EXPECT_EQ(parsed(R"({"repositories":["library/alpine","team/app","zeta"]})", "repositories"),
              (Names{"library/alpine", "team/app", "zeta"}));
}

TEST(Listing, ReadsTagsAndIgnoresOtherFields) {
    EXPECT_EQ(parsed(R"({"name":"library/alpine","tags":["3.19","latest"]})", "tags"),
              (Names{"3.19", "latest"}));
}

TEST(Listing, EmptyListIsEmpty) {
    EXPECT_TRUE(parsed(R"({"repositories":[]})", "repositories").empty());
}

TEST(Listing, NullListIsEmpty) {
    // docker-registry answers a repository whose tags were all deleted with "tags": null.
    EXPECT_TRUE(parsed(R"({"name":"library/alpine","tags":null})", "tags").empty());
}

TEST(Listing, MissingKeyIsEmpty) {
    EXPECT_TRUE(parsed(R"({"name":"x"})", "tags").empty());
}

TEST(Listing, DecodesEscapedStrings) {
    EXPECT_EQ(parsed(R"({"tags":["v1\u002e0"]})", "tags"), (Names{"v1.0"}));
}

TEST(Listing, NonStringEntryIsRefused) {
    expect_refused(R"({"tags":["1.0",2]})", "tags");
}

TEST(Listing, NullEntryIsRefused) {
    expect_refused(R"({"tags":[null]})", "tags");
}

TEST(Listing, ListThatIsNotAnArrayIsRefused) {
    expect_refused(R"({"tags":"latest"})", "tags");
}

TEST(Listing, BodyThatIsNotJsonIsRefused) {
    expect_refused("<html>502 Bad Gateway</html>", "repositories");
}

TEST(Listing, TruncatedJsonIsRefused) {
    expect_refused(R"({"repositories":["a","b")", "repositories");
}

TEST(Listing, EmptyBodyIsRefused) {
    expect_refused("", "repositories");
}

TEST(Listing, TopLevelArrayIsRefused) {
    expect_refused(R"(["a","b"])", "repositories");
}

// ---- names a registry lists are checked before URLs are built from them ----

void expect_name_refused(const std::string& name, std::string_view key) {
    auto checked = check_listed_names({"good", name}, key);
    ASSERT_FALSE(checked) << name << " was accepted";
    EXPECT_EQ(checked.error().kind, ErrorKind::protocol);
    EXPECT_NE(checked.error().message.find(name.substr(0, 20)), std::string::npos)
        << checked.error().message;
}

TEST(ListedNames, ValidRepositoriesAndTagsPass) {
    EXPECT_TRUE(check_listed_names({"library/alpine", "team/app-1", "a.b/c__d"}, "repositories"));
    EXPECT_TRUE(check_listed_names({"v1", "Latest", "_x", "1.0-rc.1"}, "tags"));
}

TEST(ListedNames, PathTraversalInARepositoryIsRefused) {
    expect_name_refused("../../etc", "repositories");
    expect_name_refused("team/../admin", "repositories");
}

TEST(ListedNames, UppercaseRepositoryIsRefused) {
    expect_name_refused("Team/App", "repositories");
}

TEST(ListedNames, OverLongRepositoryIsRefused) {
    expect_name_refused(std::string(256, 'a'), "repositories");
}

TEST(ListedNames, TagsWithSlashesDotsFirstOrOverLongAreRefused) {
    expect_name_refused("../v1", "tags");
    expect_name_refused(".hidden", "tags");
    expect_name_refused(std::string(129, 't'), "tags");
}

TEST(ListedNames, ControlCharactersNeverReachTheMessage) {
    auto checked = check_listed_names({"bad\x1b[2Jname"}, "tags");
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().message.find('\x1b'), std::string::npos) << checked.error().message;
}

}  // namespace
}  // namespace regmigrate::registry

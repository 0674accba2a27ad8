#include "registry/listing.hpp"

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

}  // namespace
}  // namespace regmigrate::registry

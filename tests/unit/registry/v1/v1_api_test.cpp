#include "registry/v1/v1_api.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

const std::string id_a(64, 'a');
const std::string id_b(64, 'b');

template <class T>
Error refusal(const Expected<T>& result) {
    EXPECT_FALSE(result) << "accepted";
    return result ? Error{} : result.error();
}

TEST(V1ImageId, SixtyFourLowercaseHexIsValid) {
    EXPECT_TRUE(is_valid_v1_image_id(id_a));
    EXPECT_TRUE(
        is_valid_v1_image_id("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
}

TEST(V1ImageId, OtherLengthsCaseAndCharactersAreInvalid) {
    EXPECT_FALSE(is_valid_v1_image_id(std::string(63, 'a')));
    EXPECT_FALSE(is_valid_v1_image_id(std::string(65, 'a')));
    EXPECT_FALSE(is_valid_v1_image_id(std::string(64, 'A')));
    EXPECT_FALSE(is_valid_v1_image_id(std::string(62, 'a') + "/."));
    EXPECT_FALSE(is_valid_v1_image_id(""));
}

TEST(V1Tag, WordCharacterThenDotsAndDashesIsValid) {
    EXPECT_TRUE(is_valid_v1_tag("latest"));
    EXPECT_TRUE(is_valid_v1_tag("V1.2-rc_3"));
    EXPECT_TRUE(is_valid_v1_tag(std::string(128, 't')));
}

TEST(V1Tag, LeadingPunctuationSlashesAndOverlongAreInvalid) {
    EXPECT_FALSE(is_valid_v1_tag(""));
    EXPECT_FALSE(is_valid_v1_tag(".hidden"));
    EXPECT_FALSE(is_valid_v1_tag("-x"));
    EXPECT_FALSE(is_valid_v1_tag("a/b"));
    EXPECT_FALSE(is_valid_v1_tag("a%2f"));
    EXPECT_FALSE(is_valid_v1_tag(std::string(129, 't')));
}

TEST(V1RepositoryName, NamespaceAndNameAreSplit) {
    auto repository = parse_v1_repository("acme/web.app-2");
    ASSERT_TRUE(repository) << repository.error().message;
    EXPECT_EQ(repository->name_space, "acme");
    EXPECT_EQ(repository->name, "web.app-2");
    EXPECT_EQ(repository->full(), "acme/web.app-2");
}

TEST(V1RepositoryName, BareNameIsInTheLibraryNamespace) {
    auto repository = parse_v1_repository("busybox");
    ASSERT_TRUE(repository) << repository.error().message;
    EXPECT_EQ(repository->full(), "library/busybox");
}

TEST(V1RepositoryName, HostileOrMalformedNamesAreRefused) {
    for (const char* name : {"acme/../x", "acme/.x", "acme/a/b", "Acme/x", "a/x", "acme/", "/x",
                             "acme/x?y", "acme/x%2e", "acme/x y", ""}) {
        const auto error = refusal(parse_v1_repository(name));
        EXPECT_EQ(error.kind, ErrorKind::invalid_argument) << name;
    }
}

TEST(V1SearchPage, NamesAndPagingAreRead) {
    auto page = parse_v1_search_page(
        R"({"num_pages": 3, "num_results": 5, "page": 2, "page_size": 2, "query": "",
            "results": [{"name": "acme/a", "description": ""}, {"name": "library/b"}]})");
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->names, (std::vector<std::string>{"acme/a", "library/b"}));
    EXPECT_EQ(page->page, 2u);
    EXPECT_EQ(page->num_pages, 3u);
}

TEST(V1SearchPage, WithoutPagingItIsTheOnlyPage) {
    auto page = parse_v1_search_page(R"({"query": "", "results": [{"name": "acme/a"}]})");
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->page, 1u);
    EXPECT_EQ(page->num_pages, 1u);
}

TEST(V1SearchPage, MalformedPagesAreProtocolErrors) {
    for (const char* json :
         {"not json", "[]", R"({"num_pages": 1})", R"({"results": [{"name": 7}]})",
          R"({"results": [{}]})", R"({"results": [], "page": 0})",
          R"({"results": [], "num_pages": -1})", R"({"results": [], "num_pages": "2"})"}) {
        EXPECT_EQ(refusal(parse_v1_search_page(json)).kind, ErrorKind::protocol) << json;
    }
}

TEST(V1Tags, ObjectFormMapsTagsToImageIdsSortedByTag) {
    auto tags = parse_v1_tags(R"({"latest": ")" + id_a + R"(", "1.0": ")" + id_b + R"("})");
    ASSERT_TRUE(tags) << tags.error().message;
    ASSERT_EQ(tags->size(), 2u);
    EXPECT_EQ((*tags)[0].name, "1.0");
    EXPECT_EQ((*tags)[0].image_id, id_b);
    EXPECT_EQ((*tags)[1].name, "latest");
    EXPECT_EQ((*tags)[1].image_id, id_a);
}

TEST(V1Tags, OlderListFormIsAccepted) {
    auto tags = parse_v1_tags(R"([{"layer": ")" + id_a + R"(", "name": "latest"}])");
    ASSERT_TRUE(tags) << tags.error().message;
    ASSERT_EQ(tags->size(), 1u);
    EXPECT_EQ((*tags)[0].name, "latest");
    EXPECT_EQ((*tags)[0].image_id, id_a);
}

TEST(V1Tags, ShortLayerIdLeavesTheImageIdToResolve) {
    auto tags = parse_v1_tags(R"([{"layer": "aaaaaaaa", "name": "latest"}])");
    ASSERT_TRUE(tags) << tags.error().message;
    EXPECT_EQ((*tags)[0].image_id, "");
}

TEST(V1Tags, InvalidListsAreProtocolErrors) {
    for (const std::string json :
         {std::string("nope"), std::string("42"), std::string(R"({"../x": ")") + id_a + "\"}",
          std::string(R"({"latest": 5})"), std::string(R"([{"layer": "x"}])")}) {
        EXPECT_EQ(refusal(parse_v1_tags(json)).kind, ErrorKind::protocol) << json;
    }
}

TEST(V1TagImage, JsonStringIdIsRead) {
    auto id = parse_v1_tag_image("\"" + id_a + "\"");
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(*id, id_a);
}

TEST(V1TagImage, AnythingButAnIdStringIsRefused) {
    EXPECT_FALSE(parse_v1_tag_image("\"../../etc\""));
    EXPECT_FALSE(parse_v1_tag_image("{}"));
    EXPECT_FALSE(parse_v1_tag_image("not json"));
}

TEST(V1Ancestry, NewestFirstChainIsRead) {
    auto ids = parse_v1_ancestry("[\"" + id_a + "\", \"" + id_b + "\"]", id_a);
    ASSERT_TRUE(ids) << ids.error().message;
    EXPECT_EQ(*ids, (std::vector<std::string>{id_a, id_b}));
}

TEST(V1Ancestry, ChainNotStartingWithTheImageIsRefused) {
    EXPECT_FALSE(parse_v1_ancestry("[\"" + id_b + "\"]", id_a));
    EXPECT_FALSE(parse_v1_ancestry("[]", id_a));
}

TEST(V1Ancestry, RepeatedOrInvalidIdsAreRefused) {
    EXPECT_FALSE(parse_v1_ancestry("[\"" + id_a + "\", \"" + id_a + "\"]", id_a));
    EXPECT_FALSE(parse_v1_ancestry("[\"" + id_a + "\", \"../x\"]", id_a));
    EXPECT_FALSE(parse_v1_ancestry("[\"" + id_a + "\", 3]", id_a));
    EXPECT_FALSE(parse_v1_ancestry("{}", id_a));
}

TEST(V1Ancestry, OverlongChainIsRefused) {
    std::string json = "[";
    for (std::size_t i = 0; i <= max_v1_ancestry; ++i) {
        char hex[65];
        std::snprintf(hex, sizeof hex, "%064zx", i);
        json += (i ? ",\"" : "\"") + std::string(hex) + "\"";
    }
    json += "]";
    std::string first(64, '0');
    EXPECT_NE(refusal(parse_v1_ancestry(json, first)).message.find("longer than"),
              std::string::npos);
}

const std::string image_json = R"({"id": ")" + id_a + R"(", "parent": ")" + id_b +
                               R"(", "created": "2015-03-01T10:00:00.000000000Z",
    "author": "ops", "comment": "built", "architecture": "amd64", "os": "linux", "Size": 12,
    "container_config": {"Cmd": ["/bin/sh", "-c", "echo hi > /greeting"]},
    "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"]}})";

TEST(V1ImageJson, ConversionFieldsAreRead) {
    auto image = parse_v1_image(image_json, id_a);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_EQ(image->id, id_a);
    EXPECT_EQ(image->parent, id_b);
    EXPECT_EQ(image->created, "2015-03-01T10:00:00.000000000Z");
    EXPECT_EQ(image->author, "ops");
    EXPECT_EQ(image->comment, "built");
    EXPECT_EQ(image->created_by, "/bin/sh -c echo hi > /greeting");
    EXPECT_EQ(image->json.at("Size").as_int64(), 12);
    EXPECT_EQ(image->json.at("config").at("Cmd").at(0).as_string(), "sh");
}

TEST(V1ImageJson, BaseImageHasNoParent) {
    auto image = parse_v1_image(R"({"id": ")" + id_a + "\"}", id_a);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_EQ(image->parent, "");
    EXPECT_EQ(image->created_by, "");
}

TEST(V1ImageJson, JsonNamingAnotherIdIsRefused) {
    EXPECT_NE(refusal(parse_v1_image(image_json, id_b)).message.find("another ID"),
              std::string::npos);
}

TEST(V1ImageJson, MalformedFieldsAreRefused) {
    const std::string head = R"({"id": ")" + id_a + "\", ";
    for (const std::string json :
         {head + R"("parent": "../x"})", head + R"("created": 5})", head + R"("author": []})",
          head + R"("container_config": {"Cmd": ["sh", 1]}})", std::string("[]"),
          std::string("nope")}) {
        EXPECT_EQ(refusal(parse_v1_image(json, id_a)).kind, ErrorKind::protocol) << json;
    }
}

TEST(V1Paths, PathsAreBuiltFromValidatedPieces) {
    const V1Repository repository{"acme", "web"};
    EXPECT_EQ(v1_tags_path(repository), "/v1/repositories/acme/web/tags");
    EXPECT_EQ(v1_tag_path(repository, "1.0"), "/v1/repositories/acme/web/tags/1.0");
    EXPECT_EQ(v1_image_path(id_a, "ancestry"), "/v1/images/" + id_a + "/ancestry");
}

}  // namespace
}  // namespace regmigrate::registry

#include "registry/types/media_types.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

TEST(MediaTypes, AcceptHeaderListsEveryManifestTypeCommaSeparated) {
    const std::string accept(manifest_accept_header());
    for (auto type :
         {media_type::docker_manifest, media_type::docker_manifest_list, media_type::oci_manifest,
          media_type::oci_index, media_type::docker_schema1, media_type::docker_schema1_signed}) {
        EXPECT_NE(accept.find(type), std::string::npos) << type;
    }
    EXPECT_EQ(accept.find(media_type::docker_config), std::string::npos);
    EXPECT_EQ(accept.find(",,"), std::string::npos);
    EXPECT_NE(accept.find("+json, application/"), std::string::npos);
    EXPECT_NE(accept.back(), ' ');
}

TEST(MediaTypes, ManifestTypesAreRecognised) {
    EXPECT_TRUE(is_manifest_media_type(media_type::docker_manifest));
    EXPECT_TRUE(is_manifest_media_type(media_type::oci_index));
    EXPECT_TRUE(is_manifest_media_type(media_type::docker_schema1_signed));
}

TEST(MediaTypes, ConfigAndLayerTypesAreNotManifests) {
    EXPECT_FALSE(is_manifest_media_type(media_type::docker_config));
    EXPECT_FALSE(is_manifest_media_type(media_type::oci_layer_gzip));
    EXPECT_FALSE(is_manifest_media_type("application/json"));
    EXPECT_FALSE(is_manifest_media_type(""));
}

TEST(MediaTypes, MatchingIsExact) {
    EXPECT_FALSE(is_manifest_media_type("application/vnd.oci.image.manifest.v1+json "));
    EXPECT_FALSE(is_manifest_media_type("application/vnd.oci.image.manifest.v1"));
}

TEST(MediaTypes, IndexTypesAreOciIndexAndDockerList) {
    EXPECT_TRUE(is_index_media_type(media_type::oci_index));
    EXPECT_TRUE(is_index_media_type(media_type::docker_manifest_list));
    EXPECT_FALSE(is_index_media_type(media_type::oci_manifest));
    EXPECT_FALSE(is_index_media_type(media_type::docker_manifest));
}

TEST(MediaTypes, Schema1TypesAreRecognised) {
    EXPECT_TRUE(is_schema1_media_type(media_type::docker_schema1));
    EXPECT_TRUE(is_schema1_media_type(media_type::docker_schema1_signed));
    EXPECT_FALSE(is_schema1_media_type(media_type::docker_manifest));
}

TEST(MediaTypes, ForeignLayerTypesAreRecognised) {
    EXPECT_TRUE(is_foreign_layer_media_type(media_type::docker_foreign_layer));
    EXPECT_TRUE(is_foreign_layer_media_type(media_type::oci_layer_nondistributable_gzip));
    EXPECT_FALSE(is_foreign_layer_media_type(media_type::oci_layer_gzip));
}

TEST(MediaTypes, StripsParametersAndSpaces) {
    EXPECT_EQ(strip_media_type_params("application/json; charset=utf-8"), "application/json");
    EXPECT_EQ(strip_media_type_params("  a/b  ;x=y;z=w"), "a/b");
    EXPECT_EQ(strip_media_type_params("\ta/b\t"), "a/b");
    EXPECT_EQ(strip_media_type_params("a/b"), "a/b");
}

TEST(MediaTypes, StripOfEmptyOrParameterOnlyIsEmpty) {
    EXPECT_EQ(strip_media_type_params(""), "");
    EXPECT_EQ(strip_media_type_params("   "), "");
    EXPECT_EQ(strip_media_type_params("; charset=utf-8"), "");
}

}  // namespace
}  // namespace regmigrate::registry

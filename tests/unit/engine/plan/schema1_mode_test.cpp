#include "engine/plan/schema1_mode.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

TEST(Schema1Mode, ParsesEachModeAndPrintsItBack) {
    for (const auto* text : {"keep", "convert", "auto"}) {
        auto mode = parse_schema1_mode(text);
        ASSERT_TRUE(mode) << text;
        EXPECT_EQ(to_string(*mode), text);
    }
}

TEST(Schema1Mode, AutoIsAutomatic) {
    EXPECT_EQ(parse_schema1_mode("auto").value(), Schema1Mode::automatic);
}

TEST(Schema1Mode, UnknownModeIsAUsageErrorNamingIt) {
    auto mode = parse_schema1_mode("v2s2");
    ASSERT_FALSE(mode);
    EXPECT_EQ(mode.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(mode.error().message.find("\"v2s2\""), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::engine

#include "transport/log.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace regmigrate {
namespace {

// Each test logs into its own tmpfile() and reads back what was written.
class LogTest : public ::testing::Test {
  protected:
    void SetUp() override { sink_ = std::tmpfile(); }
    void TearDown() override {
        log_configure(LogFormat::text, LogLevel::info, stderr);
        std::fclose(sink_);
    }

    std::string written() {
        std::fflush(sink_);
        std::rewind(sink_);
        std::string out;
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, sink_)) > 0) {
            out.append(buf, n);
        }
        return out;
    }

    std::vector<std::string> lines() {
        std::vector<std::string> out;
        std::istringstream in(written());
        for (std::string line; std::getline(in, line);) {
            out.push_back(line);
        }
        return out;
    }

    FILE* sink_ = nullptr;
};

TEST_F(LogTest, TextLineStartsWithUtcTimestampThenPaddedLevelThenMessage) {
    log_configure(LogFormat::text, LogLevel::debug, sink_);
    log(LogLevel::warn, "slow registry");
    const std::string out = written();
    EXPECT_TRUE(std::regex_match(
        out, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ warn  slow registry\n)")))
        << out;
}

TEST_F(LogTest, TextLevelsAlignMessagesInOneColumn) {
    EXPECT_EQ(format_log_text("T", LogLevel::debug, "m", {}), "T debug m");
    EXPECT_EQ(format_log_text("T", LogLevel::info, "m", {}), "T info  m");
    EXPECT_EQ(format_log_text("T", LogLevel::warn, "m", {}), "T warn  m");
    EXPECT_EQ(format_log_text("T", LogLevel::error, "m", {}), "T error m");
}

TEST_F(LogTest, TextPlainFieldValuesStayUnquoted) {
    EXPECT_EQ(format_log_text("T", LogLevel::info, "copied", {{"repo", "lib/alpine"}, {"n", "3"}}),
              "T info  copied repo=lib/alpine n=3");
}

TEST_F(LogTest, TextValuesWithSpacesAreQuoted) {
    EXPECT_EQ(format_log_text("T", LogLevel::info, "m", {{"error", "connection reset"}}),
              "T info  m error=\"connection reset\"");
}

TEST_F(LogTest, TextEmptyValueIsQuotedSoItStaysVisible) {
    EXPECT_EQ(format_log_text("T", LogLevel::info, "m", {{"tag", ""}}), "T info  m tag=\"\"");
}

TEST_F(LogTest, TextEscapesQuotesAndBackslashesInValues) {
    EXPECT_EQ(format_log_text("T", LogLevel::info, "m", {{"body", R"(say "hi" \o/)"}}),
              R"(T info  m body="say \"hi\" \\o/")");
}

TEST_F(LogTest, TextEscapesNewlinesInValuesAndMessages) {
    EXPECT_EQ(format_log_text("T", LogLevel::error, "line1\nline2", {{"body", "a\r\nb"}}),
              R"(T error line1\nline2 body="a\r\nb")");
}

TEST_F(LogTest, TextEscapesOtherControlCharactersAsHex) {
    EXPECT_EQ(format_log_text("T", LogLevel::info, "m", {{"v", std::string("a\x01z")}}),
              R"(T info  m v="a\x01z")");
}

TEST_F(LogTest, JsonLineParsesWithTimestampLevelMessageAndFields) {
    log_configure(LogFormat::json, LogLevel::info, sink_);
    log(LogLevel::info, "image copied", {{"repo", "team/api"}, {"bytes", "1024"}});
    const auto all = lines();
    ASSERT_EQ(all.size(), 1u);
    const auto obj = boost::json::parse(all[0]).as_object();
    EXPECT_TRUE(std::regex_match(std::string(obj.at("ts").as_string()),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    EXPECT_EQ(obj.at("level").as_string(), "info");
    EXPECT_EQ(obj.at("msg").as_string(), "image copied");
    EXPECT_EQ(obj.at("repo").as_string(), "team/api");
    EXPECT_EQ(obj.at("bytes").as_string(), "1024");
}

TEST_F(LogTest, JsonKeepsQuotesAndNewlinesInsideOneLine) {
    const std::string line =
        format_log_json("T", LogLevel::warn, "two\nlines", {{"v", "\"quoted\"\n"}});
    EXPECT_EQ(line.find('\n'), std::string::npos);
    const auto obj = boost::json::parse(line).as_object();
    EXPECT_EQ(obj.at("msg").as_string(), "two\nlines");
    EXPECT_EQ(obj.at("v").as_string(), "\"quoted\"\n");
}

TEST_F(LogTest, JsonFieldCannotOverwriteTheMessage) {
    const auto obj =
        boost::json::parse(format_log_json("T", LogLevel::info, "real", {{"msg", "fake"}}))
            .as_object();
    EXPECT_EQ(obj.at("msg").as_string(), "real");
}

TEST_F(LogTest, LinesBelowTheMinimumLevelAreDropped) {
    log_configure(LogFormat::text, LogLevel::warn, sink_);
    log(LogLevel::debug, "noise");
    log(LogLevel::info, "chatter");
    EXPECT_EQ(written(), "");
    EXPECT_FALSE(log_enabled(LogLevel::info));
}

TEST_F(LogTest, LinesAtOrAboveTheMinimumLevelAreWritten) {
    log_configure(LogFormat::text, LogLevel::warn, sink_);
    log(LogLevel::warn, "first");
    log(LogLevel::error, "second");
    const auto all = lines();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_NE(all[0].find("warn  first"), std::string::npos);
    EXPECT_NE(all[1].find("error second"), std::string::npos);
}

TEST_F(LogTest, ConcurrentWritersNeverInterleaveLines) {
    log_configure(LogFormat::json, LogLevel::info, sink_);
    constexpr int threads = 4;
    constexpr int per_thread = 200;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([t] {
            for (int i = 0; i < per_thread; ++i) {
                log(LogLevel::info, "tick",
                    {{"thread", std::to_string(t)}, {"payload", std::string(300, 'x')}});
            }
        });
    }
    for (auto& th : pool) {
        th.join();
    }
    const auto all = lines();
    ASSERT_EQ(all.size(), static_cast<std::size_t>(threads * per_thread));
    for (const auto& line : all) {
        EXPECT_EQ(boost::json::parse(line).as_object().at("msg").as_string(), "tick");
    }
}

TEST(ParseLogFormat, AcceptsTextAndJson) {
    EXPECT_EQ(parse_log_format("text").value(), LogFormat::text);
    EXPECT_EQ(parse_log_format("json").value(), LogFormat::json);
}

TEST(ParseLogFormat, RejectsOtherNamesAsInvalidArgumentNamingTheValue) {
    const auto parsed = parse_log_format("yaml");
    ASSERT_TRUE(parsed.has_error());
    EXPECT_EQ(parsed.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(parsed.error().message.find("'yaml'"), std::string::npos);
}

}  // namespace
}  // namespace regmigrate

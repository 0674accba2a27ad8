// `regmigrate sync --newer-than / --keep-last` (and the plan keys) against real registries:
// the source holds images whose configs carry chosen `created` dates, one without any, and
// an index whose children differ in age. The source's access log counts what a run read.
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/sync_cli.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace regmigrate::testing {
namespace {

// RFC 3339 of `days` days before now (UTC midnight of that day).
std::string days_ago(int days) {
    const auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) -
                     std::chrono::days(days);
    const std::chrono::year_month_day date{day};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT00:00:00Z", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++count;
    return count;
}

class RecencyTest : public ::testing::Test {
  protected:
    // One image per platform, each platform's config created at the given date ("": none).
    void push(const std::string& repository, const std::string& tag,
              const std::vector<std::string>& created, std::uint64_t seed) {
        auto plan = sample_image(repository, tag, fleet::ManifestFormat::oci, created.size(), seed);
        for (std::size_t i = 0; i < created.size(); ++i)
            plan.platforms[i].created = created[i];
        push_image(source_.host(), plan);
    }

    // team/app: four tags a month apart; team/db: three tags, 2025.
    void push_dated_repositories() {
        push("team/app", "v1", {"2026-01-01T00:00:00Z"}, 11);
        push("team/app", "v2", {"2026-02-01T00:00:00Z"}, 12);
        push("team/app", "v3", {"2026-03-01T00:00:00Z"}, 13);
        push("team/app", "v4", {"2026-04-01T00:00:00Z"}, 14);
        push("team/db", "a", {"2025-06-01T00:00:00Z"}, 21);
        push("team/db", "b", {"2025-07-01T00:00:00Z"}, 22);
        push("team/db", "c", {"2025-08-01T00:00:00Z"}, 23);
    }

    SyncOutcome sync(const std::vector<std::string>& options) {
        std::vector<std::string> all = plain_http();
        all.insert(all.end(), options.begin(), options.end());
        return cli_.run("sync", source_.host(), destination_.host(), all);
    }

    std::set<std::string> destination_images() const {
        auto images = list_tagged_images(destination_.host());
        EXPECT_TRUE(images) << images.error().message;
        return images ? *images : std::set<std::string>{};
    }

    // Blob GETs the source has served so far (configs while dating, blobs while copying).
    std::size_t source_blob_gets() const {
        std::ifstream in(source_.log_file());
        std::stringstream text;
        text << in.rdbuf();
        return count_of(text.str(), "\"GET /v2/team/app/blobs/");
    }

    RegistryProcess source_{RegistryOptions{.access_log = true}};
    RegistryProcess destination_;
    SyncCli cli_{REGMIGRATE_BINARY};
};

TEST_F(RecencyTest, KeepLastCopiesOnlyTheNewestOfEachRepository) {
    push_dated_repositories();
    const auto run = sync({"--keep-last", "2"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(),
              (std::set<std::string>{"team/app:v3", "team/app:v4", "team/db:b", "team/db:c"}));
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    EXPECT_EQ(run.metrics->sum("regmigrate_tags_left_out_total", {{"reason", "beyond_last"}}), 3);
}

TEST_F(RecencyTest, NewerThanADurationKeepsTheRecentImages) {
    push("team/app", "fresh", {days_ago(2)}, 1);
    push("team/app", "stale", {days_ago(200)}, 2);
    const auto run = sync({"--newer-than", "90d"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), std::set<std::string>{"team/app:fresh"});
}

TEST_F(RecencyTest, NewerThanADateAndKeepLastMustBothPass) {
    push_dated_repositories();
    const auto run = sync({"--newer-than", "2026-01-15", "--keep-last", "2"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), (std::set<std::string>{"team/app:v3", "team/app:v4"}));
}

TEST_F(RecencyTest, AnUndatedTagIsKeptAndCounted) {
    push("team/app", "old", {"2020-01-01T00:00:00Z"}, 1);
    push("team/app", "nodate", {""}, 2);
    const auto run = sync({"--newer-than", "2026-01-01"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), std::set<std::string>{"team/app:nodate"});
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    EXPECT_EQ(run.metrics->sum("regmigrate_tags_undated_total"), 1);
    EXPECT_EQ(run.metrics->sum("regmigrate_tags_left_out_total", {{"reason", "older"}}), 1);
}

TEST_F(RecencyTest, AnIndexIsDatedByItsNewestChild) {
    push("team/app", "multi", {"2020-01-01T00:00:00Z", "2026-05-01T00:00:00Z"}, 1);
    push("team/app", "oldmulti", {"2020-01-01T00:00:00Z", "2020-02-01T00:00:00Z"}, 2);
    const auto run = sync({"--newer-than", "2026-01-01"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), std::set<std::string>{"team/app:multi"});
}

TEST_F(RecencyTest, ARerunWithTheJournalReadsNoConfigAgain) {
    push_dated_repositories();
    const std::string journal = cli_.write_file("dates.journal", "").string();
    const auto first = sync({"--keep-last", "2", "--journal", journal});
    ASSERT_EQ(first.cli.exit_code, 0) << first.cli.describe();
    const std::size_t gets_after_first = source_blob_gets();
    // Dating read every tag's config; copying read the kept images' blobs.
    ASSERT_GT(gets_after_first, 4u);

    const auto rerun = sync({"--keep-last", "2", "--journal", journal});
    ASSERT_EQ(rerun.cli.exit_code, 0) << rerun.cli.describe();
    EXPECT_EQ(source_blob_gets(), gets_after_first);
    EXPECT_EQ(destination_images(),
              (std::set<std::string>{"team/app:v3", "team/app:v4", "team/db:b", "team/db:c"}));
}

TEST_F(RecencyTest, DryRunSaysWhatWasLeftOutAndWhy) {
    push_dated_repositories();
    push("team/app", "nodate", {""}, 5);
    const auto run = sync({"--dry-run", "--keep-last", "3", "--newer-than", "2026-01-15"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    const std::string app = source_.host() + "/team/app:";
    EXPECT_NE(run.cli.out.find(app + "v1 left out: created 2026-01-01, older than 2026-01-15"),
              std::string::npos)
        << run.cli.out;
    EXPECT_NE(run.cli.out.find(source_.host() +
                               "/team/db:c left out: created 2025-08-01, older than 2026-01-15"),
              std::string::npos)
        << run.cli.out;
    EXPECT_NE(run.cli.out.find("recency filters: 4 tags left out, 1 tags kept without a "
                               "readable date"),
              std::string::npos)
        << run.cli.out;
    EXPECT_TRUE(destination_images().empty());
}

TEST_F(RecencyTest, KeepLastBeyondTheNewestIsExplainedInADryRun) {
    push_dated_repositories();
    const auto run = sync({"--dry-run", "--keep-last", "3"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_NE(run.cli.out.find(source_.host() +
                               "/team/app:v1 left out: created 2026-01-01, beyond the last 3"),
              std::string::npos)
        << run.cli.out;
}

TEST_F(RecencyTest, PlanKeysFilterAsTheFlagsDo) {
    push_dated_repositories();
    const auto plan = cli_.write_file(
        "plan.yaml", "registries:\n  src: {host: " + source_.host() +
                         ", tls: disabled}\n  dst: {host: " + destination_.host() +
                         ", tls: disabled}\nsync:\n  - from: src\n    to: dst\n    keep_last: 1\n"
                         "    newer_than: 2025-07-15\n");
    const auto run = cli_.run_plan("sync", plan);
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), (std::set<std::string>{"team/app:v4", "team/db:c"}));
}

TEST_F(RecencyTest, VerifyChecksOnlyTheTagsTheFiltersKeep) {
    push_dated_repositories();
    ASSERT_EQ(sync({"--keep-last", "2"}).cli.exit_code, 0);
    std::vector<std::string> options = plain_http();
    const auto everything = cli_.run("verify", source_.host(), destination_.host(), options);
    EXPECT_EQ(everything.cli.exit_code, 1) << everything.cli.describe();
    options.insert(options.end(), {"--keep-last", "2"});
    const auto recent = cli_.run("verify", source_.host(), destination_.host(), options);
    EXPECT_EQ(recent.cli.exit_code, 0) << recent.cli.describe();
}

TEST_F(RecencyTest, MigrateTakesTheFiltersFromItsVariables) {
    push_dated_repositories();
    RegmigrateCli cli{REGMIGRATE_BINARY};
    const auto run = cli.run({"migrate", "--certs-dir", cli.certs_dir().string()},
                             {{"V1_REGISTRY", source_.host()},
                              {"V2_REGISTRY", destination_.host()},
                              {"USE_HTTP", "true"},
                              {"NO_LOGIN", "true"},
                              {"USER_PROMPT", "false"},
                              {"V1_KEEP_LAST", "1"},
                              {"V1_NEWER_THAN", "2025-07-15"}});
    ASSERT_EQ(run.exit_code, 0) << run.describe();
    EXPECT_EQ(destination_images(), (std::set<std::string>{"team/app:v4", "team/db:c"}));
}

TEST_F(RecencyTest, BadValuesExitTwoNamingTheFlag) {
    const auto age = sync({"--newer-than", "soon"});
    EXPECT_EQ(age.cli.exit_code, 2) << age.cli.describe();
    EXPECT_NE(age.cli.err.find("--newer-than: "), std::string::npos) << age.cli.err;
    EXPECT_NE(age.cli.err.find("is neither a duration"), std::string::npos) << age.cli.err;
    const auto count = sync({"--keep-last", "0"});
    EXPECT_EQ(count.cli.exit_code, 2) << count.cli.describe();
    EXPECT_NE(count.cli.err.find("--keep-last: must be at least 1"), std::string::npos)
        << count.cli.err;
}

}  // namespace
}  // namespace regmigrate::testing

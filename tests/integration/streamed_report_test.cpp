// A sync whose finished images' records go to disk (engine/run/record_spill.hpp) reports
// exactly what one holding them in memory reports: the same entries in the same order, the
// same counts. Runs of two records make the small fleet spill to several sorted runs.
#include "engine/run/sync_job.hpp"
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace regmigrate::testing {
namespace {

namespace json = boost::json;

engine::RegistrySide plain_side(const std::string& host) {
    engine::RegistrySide side;
    side.host = host;
    side.tls.mode = transport::TlsMode::disabled;
    return side;
}

class StreamedReportTest : public SyncFleetTest {
  protected:
    // The run's report into `to`, spilled or not; its JSON with the destination host replaced
    // by "DESTINATION" (each run goes to a registry of its own) and the duration zeroed.
    json::object run_into(const RegistryProcess& to, bool spill) {
        engine::SyncPlan plan;
        engine::SyncPair pair;
        pair.source = plain_side(source_.host());
        pair.destination = plain_side(to.host());
        plan.pairs.push_back(std::move(pair));
        engine::SyncOptions options;
        options.jobs = 4;
        options.preflight.enabled = false;
        if (spill)
            options.spill = engine::SyncOptions::RecordSpillSettings{spill_dir_.path(), 2};
        metrics::Metrics metrics;
        engine::SyncProgress progress;
        auto result = engine::run_sync(plan, options, metrics, progress);
        EXPECT_TRUE(result) << result.error().message;
        if (!result)
            return {};
        EXPECT_EQ(result->report.spilled != nullptr, spill);
        result->report.duration_seconds = 0;
        std::string text = result->report.to_json();
        for (std::size_t at; (at = text.find(to.host())) != std::string::npos;)
            text.replace(at, to.host().size(), "DESTINATION");
        return json::parse(text).as_object();
    }

    TempDir spill_dir_{"regmigrate-spill"};
    RegistryProcess second_destination_;
};

TEST_F(StreamedReportTest, SpilledRunReportsTheSameEntriesInTheSameOrderAsInMemory) {
    const auto in_memory = run_into(destination_, false);
    const auto spilled = run_into(second_destination_, true);
    ASSERT_EQ(in_memory.at("images").as_array().size(), fleet_.images);
    EXPECT_EQ(spilled.at("images"), in_memory.at("images"));
    EXPECT_EQ(spilled.at("summary").at("images_copied"),
              in_memory.at("summary").at("images_copied"));
}

TEST_F(StreamedReportTest, SpillLeavesNoFileBehind) {
    run_into(destination_, true);
    EXPECT_TRUE(std::filesystem::is_empty(spill_dir_.path()));
}

}  // namespace
}  // namespace regmigrate::testing

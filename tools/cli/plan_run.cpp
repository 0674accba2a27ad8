#include "tools/cli/plan_run.hpp"

#include "metrics/progress.hpp"
#include "tools/cli/terminal.hpp"
#include "transport/log.hpp"

#include <cstdio>

namespace regmigrate::cli {

Expected<engine::SyncResult> run_with_progress(const engine::SyncPlan& plan,
                                               const engine::SyncOptions& options,
                                               metrics::Metrics& metrics) {
    engine::SyncProgress progress;
    metrics::ProgressReporter reporter(
        [&] {
            const std::size_t total =
                progress.enumeration_done ? progress.images_planned.load() : 0;
            auto state = metrics::progress_from_snapshot(metrics.snapshot(), total, 0);
            state.images_done = progress.images_done;  // verify and dry runs copy nothing
            return state;
        },
        metrics::ProgressOptions{});
    auto result = engine::run_sync(plan, options, metrics, progress);
    reporter.stop();
    return result;
}

void print_dry_run(const engine::SyncResult& result) {
    auto listed = result.report.for_each_image([](const engine::ImageRecord& image) {
        std::printf("%s -> %s %s%s%s\n", image.source.c_str(), image.destination.c_str(),
                    image.digest.c_str(),
                    image.error.empty() ? "" : "  error: ", image.error.c_str());
    });
    if (!listed)
        log(LogLevel::error, listed.error().message);
    for (const auto& line : result.plan.left_out)
        std::printf("%s\n", line.c_str());
    if (result.plan.tags_left_out > 0 || result.plan.tags_undated > 0) {
        std::printf("recency filters: %zu tags left out, %zu tags kept without a readable date\n",
                    result.plan.tags_left_out, result.plan.tags_undated);
    }
    for (const auto& deletion : result.report.deletions) {
        std::printf("delete %s %s%s%s\n", deletion.destination.c_str(), deletion.digest.c_str(),
                    deletion.error.empty() ? "" : "  error: ", deletion.error.c_str());
    }
    std::printf("plan: %zu repositories, %zu tags, %zu images, %llu bytes to move after dedupe\n",
                result.plan.repositories, result.plan.images, result.plan.images,
                static_cast<unsigned long long>(result.plan.bytes_after_dedupe));
    std::fflush(stdout);
}

Expected<bool> confirm_plan(const engine::SyncPlan& plan, engine::SyncOptions options) {
    options.mode = engine::SyncMode::dry_run;
    metrics::Metrics scratch;
    auto preview = run_with_progress(plan, options, scratch);
    if (!preview)
        return preview.error();
    print_dry_run(*preview);
    return confirm("Proceed?");
}

}  // namespace regmigrate::cli

#include "tools/cli/recency_flags.hpp"

namespace regmigrate::cli {

void add_recency_flags(CLI::App& command, RecencyFlags& flags) {
    command
        .add_option("--newer-than", flags.newer_than,
                    "only tags whose image was created within DURATION "
                    "(90d, 36h, 30m, 2w) or since DATE (2026-09-01, RFC 3339); a tag "
                    "without a readable date is kept")
        ->type_name("DURATION|DATE");
    command
        .add_option("--keep-last", flags.keep_last,
                    "only the N most recently created tags of each repository")
        ->type_name("N");
}

Expected<void> apply_recency_flags(const RecencyFlags& flags, engine::SyncPlan& plan) {
    engine::RecencyFilter given;
    if (!flags.newer_than.empty()) {
        auto newer_than = engine::parse_newer_than(flags.newer_than);
        if (!newer_than)
            return with_context(newer_than.error(), "--newer-than");
        given.newer_than = std::move(*newer_than);
    }
    if (!flags.keep_last.empty()) {
        auto keep_last = engine::parse_keep_last(flags.keep_last);
        if (!keep_last)
            return with_context(keep_last.error(), "--keep-last");
        given.keep_last = *keep_last;
    }
    for (auto& pair : plan.pairs) {
        if (given.newer_than)
            pair.recency.newer_than = given.newer_than;
        if (given.keep_last)
            pair.recency.keep_last = given.keep_last;
    }
    return {};
}

}  // namespace regmigrate::cli

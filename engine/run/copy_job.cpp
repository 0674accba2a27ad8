#include "engine/run/copy_job.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "engine/copy/existing_image.hpp"
#include "engine/layout/layout_copy_ends.hpp"
#include "engine/referrers/referrer_copier.hpp"
#include "engine/run/exception_boundary.hpp"
#include "engine/run/failure_cause.hpp"
#include "engine/run/preflight.hpp"
#include "engine/run/run_to_completion.hpp"

#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <optional>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

struct ImageTask {
    std::string source_reference;  // tag or digest at the source
    std::string target;            // tag or digest at the destination ("" = by digest)
    std::optional<Error> refused;  // a listed tag that breaks the tag grammar: failed as is
};

asio::awaitable<Expected<std::vector<ImageTask>>> plan_tasks(const CopyJob& job,
                                                             const CopyEnds& ends) {
    std::vector<ImageTask> tasks;
    const std::string fixed_target = destination_identifier(job);
    if (const std::string source = source_identifier(job); !source.empty()) {
        const std::string source_tag = job.source_layout ? job.source_layout->tag : job.source.tag;
        tasks.push_back({source, fixed_target.empty() ? source_tag : fixed_target});
        co_return tasks;
    }
    auto tags = co_await list_source_tags(ends);
    if (!tags)
        co_return tags.error();
    const std::string listed_by =
        job.source_layout ? "oci:" + job.source_layout->directory + " index.json"
                          : job.source.registry + "/" + job.source.repository + " tag list";
    for (const auto& tag : *tags) {
        auto valid = registry::check_tag(tag, listed_by);
        tasks.push_back({tag, tag, valid ? std::nullopt : std::optional<Error>(valid.error())});
    }
    co_return tasks;
}

// The image copied, or under --skip-existing found already there (then `skipped` is set
// and nothing is written).
asio::awaitable<Expected<std::string>> copy_or_skip(const CopyJob& job, ImageCopier& copier,
                                                    CopyEnds& ends, const ImageTask& task,
                                                    ImageRecord& record, bool& skipped) {
    if (job.skip_existing && !ends.destination->fresh()) {
        auto existing = co_await find_existing_image(copier, *ends.source, task.source_reference,
                                                     *ends.destination, task.target);
        if (!existing)
            co_return existing.error();
        if (*existing) {
            record.source_digest = (*existing)->source_digest;
            skipped = true;
            co_return (*existing)->digest;
        }
    }
    co_return co_await copier.copy(*ends.source, task.source_reference, *ends.destination,
                                   task.target, &record.source_digest);
}

asio::awaitable<Expected<RunReport>> copy_all(const CopyJob& job, metrics::Metrics& metrics) {
    auto executor = co_await asio::this_coro::executor;
    auto ends = open_copy_ends(job, executor, metrics);
    if (!ends)
        co_return ends.error();

    auto tasks = co_await plan_tasks(job, **ends);
    if (!tasks)
        co_return tasks.error();

    BlobLedger ledger;
    TransferLimiter limiter(job.jobs, job.max_inflight_bytes);
    limiter.report_to(metrics);
    ImageCopier copier(ledger, limiter, metrics, job.copy);
    ReferrerTagCache referrer_tags;
    ReferrerCopier referrers(ledger, limiter, metrics, job.copy, job.referrers, referrer_tags);
    CopyEnds& opened = **ends;
    RunReport report;
    report.images.resize(tasks->size());

    // --jobs images at once, taken in order; all run on this one thread. An image's failure
    // is its record's, never the run's.
    const IndexedWork copy_image = [&](std::size_t index) -> asio::awaitable<Expected<void>> {
        const ImageTask& task = (*tasks)[index];
        ImageRecord& record = report.images[index];
        record.source = opened.source_name(task.source_reference);
        // Not a co_await inside ?: — GCC 12 mishandles the temporaries of that form.
        Expected<std::string> digest = make_error(ErrorKind::invalid_argument, "");
        bool skipped = false;
        if (task.refused) {
            digest = *task.refused;
        } else {
            const std::string what = "copying " + record.source;
            auto work = copy_or_skip(job, copier, opened, task, record, skipped);
            digest = co_await catching_exceptions(std::move(work), what);
        }
        if (digest && job.referrers.enabled) {
            auto attached = co_await referrers.copy_referrers(
                *opened.source_registry, *opened.destination_registry, *digest);
            if (!attached)
                digest = attached.error();
        }
        record.destination =
            opened.destination_name(task.target.empty() && digest ? *digest : task.target);
        if (digest) {
            record.digest = *digest;
            record.status = skipped ? ImageOutcome::skipped : ImageOutcome::copied;
            metrics.image_finished(record.status);
            metrics.mark_success();
        } else {
            record.status = ImageOutcome::failed;
            record.error = digest.error().message;
            record.failure_summary =
                summarize_failure(digest.error(), job.source.registry, job.destination.registry);
            metrics.image_finished(record.status);
        }
        co_return Expected<void>{};
    };
    // Only what escapes an image's own handling (an exception) ends the run.
    if (auto all = co_await for_each_bounded(tasks->size(), job.jobs, copy_image); !all)
        co_return all.error();
    co_return report;
}

}  // namespace

Expected<void> validate(const CopyJob& job) {
    if (source_identifier(job).empty() && !destination_identifier(job).empty()) {
        const std::string destination = job.destination_layout ? job.destination_layout->to_string()
                                                               : job.destination.to_string();
        return make_error(ErrorKind::invalid_argument,
                          "destination " + destination +
                              " names a tag, but the source names none (all tags are copied)");
    }
    if ((job.source_layout || job.destination_layout) && job.referrers.enabled) {
        return make_error(ErrorKind::invalid_argument,
                          "--referrers is not supported with an oci: layout");
    }
    return {};
}

Expected<RunReport> run_copy(const CopyJob& job, metrics::Metrics& metrics) {
    if (auto valid = validate(job); !valid)
        return valid.error();
    if (auto ready = run_preflight(preflight_targets(job), job.preflight); !ready)
        return ready.error();
    const auto started = std::chrono::steady_clock::now();
    auto outcome = run_to_completion<RunReport>(
        [&](asio::any_io_executor) { return copy_all(job, metrics); }, "copy");
    if (outcome) {
        outcome->totals = metrics.snapshot();
        outcome->duration_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }
    return outcome;
}

}  // namespace regmigrate::engine

#include "engine/copy_job.hpp"

#include "engine/run_to_completion.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <exception>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

struct ImageTask {
    std::string source_reference;  // tag or digest at the source
    std::string target;            // tag or digest at the destination ("" = by digest)
};

asio::awaitable<Expected<std::vector<ImageTask>>> plan_tasks(const CopyJob& job,
                                                             registry::RegistryClient& source) {
    std::vector<ImageTask> tasks;
    const std::string fixed_target = job.destination.identifier();
    if (!job.source.identifier().empty()) {
        const std::string target = fixed_target.empty() ? job.source.tag : fixed_target;
        tasks.push_back({job.source.identifier(), target});
        co_return tasks;
    }
    auto tags = co_await source.list_tags(job.source.repository);
    if (!tags)
        co_return tags.error();
    for (const auto& tag : *tags)
        tasks.push_back({tag, tag});
    co_return tasks;
}

asio::awaitable<Expected<RunReport>> copy_all(const CopyJob& job, metrics::Metrics& metrics) {
    auto executor = co_await asio::this_coro::executor;
    auto source = connect(job.source_side, executor, metrics);
    if (!source)
        co_return source.error();
    auto destination = connect(job.destination_side, executor, metrics);
    if (!destination)
        co_return destination.error();

    auto tasks = co_await plan_tasks(job, **source);
    if (!tasks)
        co_return tasks.error();

    BlobLedger ledger;
    TransferLimiter limiter(job.jobs, job.max_inflight_bytes);
    ImageCopier copier(ledger, limiter, metrics, job.copy);
    const Endpoint from{source->get(), job.source.repository};
    const Endpoint to{destination->get(), job.destination.repository};
    RunReport report;
    report.images.resize(tasks->size());
    std::size_t next = 0;
    std::size_t running = std::min(job.jobs == 0 ? 1 : job.jobs, tasks->size());

    // A fixed set of worker coroutines takes tasks in order; all run on this one thread.
    auto worker = [&]() -> asio::awaitable<void> {
        while (next < tasks->size()) {
            const std::size_t index = next++;
            const ImageTask& task = (*tasks)[index];
            ImageRecord& record = report.images[index];
            record.source =
                image_reference(from.client->host(), from.repository, task.source_reference);
            auto digest = co_await copier.copy(from, task.source_reference, to, task.target);
            record.destination =
                image_reference(to.client->host(), to.repository,
                                task.target.empty() && digest ? *digest : task.target);
            if (digest) {
                record.digest = *digest;
                record.status = "copied";
                metrics.image_finished("copied");
                metrics.mark_success();
            } else {
                record.status = "failed";
                record.error = digest.error().message;
                metrics.image_finished("failed");
            }
        }
        --running;
    };
    asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
    const std::size_t workers = running;
    for (std::size_t i = 0; i < workers; ++i) {
        asio::co_spawn(executor, worker, [&](std::exception_ptr error) {
            if (error)
                std::rethrow_exception(error);
            if (running == 0)
                all_done.cancel();
        });
    }
    if (workers > 0)
        co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return report;
}

}  // namespace

Expected<void> validate(const CopyJob& job) {
    if (job.source.identifier().empty() && !job.destination.identifier().empty()) {
        return make_error(ErrorKind::invalid_argument,
                          "destination " + job.destination.to_string() +
                              " names a tag, but the source names none (all tags are copied)");
    }
    return {};
}

Expected<RunReport> run_copy(const CopyJob& job, metrics::Metrics& metrics) {
    if (auto valid = validate(job); !valid)
        return valid.error();
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

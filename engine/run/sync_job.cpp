#include "engine/run/sync_job.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "engine/copy/byte_count.hpp"
#include "engine/copy/destination_inventory.hpp"
#include "engine/copy/digest_set.hpp"
#include "engine/copy/ecr_destination.hpp"
#include "engine/copy/ecr_repository_creator.hpp"
#include "engine/copy/existing_image.hpp"
#include "engine/copy/image_copier.hpp"
#include "engine/copy/image_verifier.hpp"
#include "engine/layout/layout_sink.hpp"
#include "engine/layout/layout_source.hpp"
#include "engine/layout/layout_sync.hpp"
#include "engine/prune/prune_phase.hpp"
#include "engine/referrers/referrer_copier.hpp"
#include "engine/referrers/referrer_verifier.hpp"
#include "engine/run/created_dates.hpp"
#include "engine/run/exception_boundary.hpp"
#include "engine/run/failure_cause.hpp"
#include "engine/run/run_retry_policy.hpp"
#include "engine/run/signal_stop.hpp"
#include "engine/run/tag_producer.hpp"
#include "engine/state/journal.hpp"
#include "engine/v1/v1_image_converter.hpp"
#include "engine/v1/v1_listing.hpp"
#include "metrics/recency_metrics.hpp"
#include "transport/async/loop_signal.hpp"
#include "transport/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

namespace regmigrate::engine {

namespace asio = boost::asio;
using registry::RegistryClient;

namespace {

// --jobs: how many images are worked on at once, at least one.
std::size_t job_count(const SyncOptions& options) {
    return std::max<std::size_t>(options.jobs, 1);
}

// The most blob transfers the run may have in flight: --max-transfers; else, tuned, twice
// --jobs (a distant registry wants more transfers in flight than images: each image's own
// steps are round trips too), or fixed, --jobs.
std::size_t transfer_bound(const SyncOptions& options) {
    if (options.max_transfers)
        return options.max_transfers;
    const std::size_t jobs = job_count(options);
    return options.adaptive_transfers ? 2 * jobs : jobs;
}

TransferLimiter transfer_limiter(const SyncOptions& options) {
    const std::size_t bound = transfer_bound(options);
    if (!options.adaptive_transfers)
        return TransferLimiter(bound, options.max_inflight_bytes);
    // Halfway: one round without pushback reaches the bound.
    return TransferLimiter(AdaptiveLimitOptions{.min = 1, .max = bound, .initial = bound / 2},
                           options.max_inflight_bytes);
}

// Connections per origin on each event loop, unless the plan sets them: enough for the
// loop's share of the images and of the transfers, and never below the client's default.
RegistrySide with_connection_bound(RegistrySide side, const SyncOptions& options,
                                   std::size_t threads) {
    if (side.max_connections)
        return side;
    const auto share = [threads](std::size_t n) { return (n + threads - 1) / threads; };
    side.max_connections = std::max(default_max_connections,
                                    share(job_count(options)) + share(transfer_bound(options)));
    return side;
}

struct RunState {
    RunState(const SyncPlan& p, const SyncOptions& o, metrics::Metrics& m, SyncProgress& g)
        : plan(p),
          options(o),
          metrics(m),
          progress(g),
          threads(std::clamp<std::size_t>(o.threads, 1, job_count(o))),
          queue(job_count(o) * 4),
          limiter(transfer_limiter(o)) {
        limiter.report_to(m);
    }

    const SyncPlan& plan;
    const SyncOptions& options;
    metrics::Metrics& metrics;
    SyncProgress& progress;
    std::size_t threads;  // event loops, each with its own clients
    TaskQueue queue;
    BlobLedger ledger;
    DestinationInventory inventory;  // destination repositories that existed at the start
    LayoutSyncState layouts;         // pairs with an oci:DIR side
    ReferrerTagCache referrer_tags;  // --referrers on registries without the referrers API
    TransferLimiter limiter;
    V1LayerCache v1_layers;        // what each v1 layer converted to, per source
    std::vector<bool> v1_sources;  // per pair: the source speaks only the v1 API
    std::shared_ptr<transport::RetryPolicy> retry = run_retry_policy(options.error_action, metrics);
    std::atomic<bool> aborted{false};
    std::atomic<bool> interrupted{false};  // a signal: start nothing new
    PrunePhase prune{plan};
    Journal* journal = nullptr;
    CreatedDates dates;  // for the recency filters; remembered in the journal
    std::optional<metrics::RecencyMetrics> recency_metrics;  // a pair has recency filters
    // Tags earlier runs completed (journal), by tag_key: the digest each was given.
    std::unordered_map<std::string, std::string> journaled_tags;
    // Per pair, for an ECR destination: its API, and the repositories ensured there.
    EcrApis ecr_apis;
    std::vector<std::unique_ptr<EcrRepositoryCreator>> ecr_creators;

    bool halted() const { return aborted || interrupted; }
    // An error past every per-image boundary: the run's fatal error (the first one kept),
    // and the run stops taking images.
    void abort_with(Error error) {
        {
            std::lock_guard lock(mutex);
            if (!fatal)
                fatal = std::move(error);
        }
        aborted = true;
        queue.close();
    }

    static std::string tag_key(const std::string& registry, const std::string& repository,
                               const std::string& tag) {
        return registry + '\n' + repository + '\n' + tag;
    }
    const std::string* journaled_tag(const std::string& registry, const std::string& repository,
                                     const std::string& tag) const {
        const auto found = journaled_tags.find(tag_key(registry, repository, tag));
        return found == journaled_tags.end() ? nullptr : &found->second;
    }
    void record_tag(const std::string& registry, const std::string& repository,
                    const std::string& tag, const std::string& digest) {
        if (journal)
            journal->record({JournalRecord::Kind::tag, registry, repository, tag, digest});
    }
    // Completed blobs are known present (neither uploaded nor HEADed again); from now on
    // every blob the ledger sees finished is recorded.
    void resume_from(Journal& opened) {
        journal = &opened;
        dates.resume_from(opened);
        std::size_t blobs = 0;
        for (const auto& done : opened.loaded().records) {
            if (done.kind == JournalRecord::Kind::blob) {
                ledger.seed(done.registry, done.digest, done.repository);
                ++blobs;
            } else if (done.kind == JournalRecord::Kind::tag) {
                journaled_tags[tag_key(done.registry, done.repository, done.tag)] = done.digest;
            }
        }
        if (!opened.loaded().records.empty()) {
            log(LogLevel::info, "resuming from journal",
                {{"journal", opened.path().string()},
                 {"blobs", std::to_string(blobs)},
                 {"tags", std::to_string(journaled_tags.size())},
                 {"dates", std::to_string(dates.size())}});
        }
        ledger.set_listener([this](const std::string& registry, const std::string& digest,
                                   const std::string& repository) {
            journal->record({JournalRecord::Kind::blob, registry, repository, {}, digest});
        });
    }

    std::mutex mutex;  // guards everything below
    std::vector<ImageRecord> records;
    std::vector<DeletionRecord> deletions;
    std::unique_ptr<RecordSpill> spill;  // null: every record stays in records
    std::optional<Error> fatal;
    DigestSet planned_blobs;  // destination host + digest, for dry runs
    DryRunTotals planned;

    void add(ImageRecord record) {
        std::lock_guard lock(mutex);
        if (!spill || record.is_failure() || record.status == ImageOutcome::not_attempted) {
            records.push_back(std::move(record));
            return;
        }
        if (auto spilled = spill->add(std::move(record)); !spilled)
            log(LogLevel::warn, spilled.error().message + "; keeping them in memory");
    }

    std::mutex breaker_mutex;  // guards breaker
    EndpointBreaker breaker{options.breaker};

    // Why no new image of the pair starts (a registry of it tripped the breaker), or nullopt.
    std::optional<std::string> stopped_by_breaker(const SyncPair& pair) {
        std::lock_guard lock(breaker_mutex);
        for (const auto* side : {&pair.source, &pair.destination}) {
            if (auto reason = breaker.tripped(side->host)) {
                return std::string(side == &pair.source ? "source " : "destination ") + side->host +
                       " stopped: " + *reason;
            }
        }
        return std::nullopt;
    }
    // Feeds an image attempt's outcome to the breaker; says once when it trips.
    void observe_attempt(const SyncPair& pair, const Expected<ImageOutcome>& outcome) {
        std::lock_guard lock(breaker_mutex);
        if (outcome) {
            breaker.on_success(pair.source.host);
            breaker.on_success(pair.destination.host);
            return;
        }
        const auto failing =
            failing_registry(outcome.error().message, pair.source.host, pair.destination.host);
        if (!failing)
            return;
        if (breaker.on_failure(*failing, classify_failure(outcome.error()),
                               EndpointBreaker::Clock::now())) {
            log(LogLevel::error, "registry failing the same way: no new images are started on it",
                {{"registry", *failing},
                 {"reason", breaker.tripped(*failing).value_or("")},
                 {"last_error", outcome.error().message}});
        }
    }
};

// One pair's clients and copiers on one event loop: HttpClient is single-threaded by design.
struct PairRuntime {
    std::unique_ptr<RegistryClient> source;       // null: an OCI layout
    std::unique_ptr<RegistryClient> destination;  // null: an OCI layout
    std::unique_ptr<ImageCopier> copier;
    std::unique_ptr<ReferrerCopier> referrers;  // null: no --referrers
    std::unique_ptr<registry::EcrApi> ecr;      // null: not ECR
    std::unique_ptr<V1ImageConverter> v1;       // null: not a v1 source
};

// Every pair's runtime on one event loop, by pair index.
struct LoopClients {
    std::vector<PairRuntime> pairs;
};

// The ECR API of a pair's destination on this loop; null when the destination is not ECR.
Expected<std::unique_ptr<registry::EcrApi>> connect_ecr(
    const std::optional<registry::EcrApiOptions>& api, const RegistrySide& destination,
    asio::any_io_executor executor) {
    if (!api)
        return std::unique_ptr<registry::EcrApi>();
    auto http = ecr_http_client(*api, destination, std::move(executor));
    if (!http)
        return http.error();
    return std::make_unique<registry::EcrApi>(std::move(*http), *api);
}

// A client for the side; null for an OCI layout side ("oci:DIR"), which has none.
Expected<std::unique_ptr<RegistryClient>> connect_side(const RegistrySide& side, RunState& state,
                                                       asio::any_io_executor executor) {
    if (layout_directory(side))
        return std::unique_ptr<RegistryClient>();
    const RegistrySide bounded = with_connection_bound(side, state.options, state.threads);
    return connect(with_retry_policy(bounded, state.retry), std::move(executor), state.metrics);
}

Expected<LoopClients> connect_all(RunState& state, asio::any_io_executor executor) {
    LoopClients clients;
    for (std::size_t index = 0; index < state.plan.pairs.size(); ++index) {
        const SyncPair& pair = state.plan.pairs[index];
        PairRuntime runtime;
        auto source = connect_side(pair.source, state, executor);
        if (!source)
            return source.error();
        runtime.source = std::move(*source);
        auto destination = connect_side(pair.destination, state, executor);
        if (!destination)
            return destination.error();
        runtime.destination = std::move(*destination);
        CopyOptions copy;
        copy.platform = pair.platform;
        copy.schema1 = pair.schema1;
        copy.image_parallelism = pair.image_parallelism.value_or(state.options.image_parallelism);
        // Layouts keep a ledger of their own: the journal records registry blobs only.
        BlobLedger& ledger =
            layout_directory(pair.destination) ? state.layouts.ledger() : state.ledger;
        runtime.copier = std::make_unique<ImageCopier>(ledger, state.limiter, state.metrics, copy);
        if (pair.referrers.enabled) {
            runtime.referrers =
                std::make_unique<ReferrerCopier>(state.ledger, state.limiter, state.metrics, copy,
                                                 pair.referrers, state.referrer_tags);
        }
        if (state.v1_sources[index]) {
            runtime.v1 = std::make_unique<V1ImageConverter>(v1_client(pair, *runtime.source),
                                                            state.v1_layers);
        }
        auto ecr = connect_ecr(state.ecr_apis[index], pair.destination, executor);
        if (!ecr)
            return ecr.error();
        runtime.ecr = std::move(*ecr);
        clients.pairs.push_back(std::move(runtime));
    }
    return clients;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
    asio::steady_timer timer(co_await asio::this_coro::executor, duration);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

// ECR refuses pushes to a repository that does not exist.
asio::awaitable<Expected<void>> ensure_ecr_repository(RunState& state, PairRuntime& runtime,
                                                      const ImageTask& task) {
    if (registry::EcrApi* ecr = runtime.ecr.get()) {
        auto ensured = co_await state.ecr_creators[task.pair]->ensure_repository(
            *ecr, task.destination_repository);
        if (!ensured)
            co_return ensured.error();
    }
    co_return Expected<void>{};
}

// Where one image is read from and written to: a registry repository, a layout, or (a v1
// source) the image converted as it is read.
struct ImageEnds {
    std::unique_ptr<ImageSource> source;
    std::unique_ptr<ImageSink> sink;
    bool journaled = false;  // a registry destination: the journal records its tags
};

asio::awaitable<Expected<ImageEnds>> open_image_ends(RunState& state, PairRuntime& runtime,
                                                     const ImageTask& task, ImageRecord& record) {
    const SyncPair& pair = state.plan.pairs[task.pair];
    ImageEnds ends;
    if (const auto directory = layout_directory(pair.destination)) {
        auto layout = state.layouts.open(*directory, task.destination_repository, true);
        if (!layout)
            co_return layout.error();
        ends.sink = std::make_unique<LayoutImageSink>(**layout, state.metrics);
    } else {
        RegistryClient& destination = *runtime.destination;
        // A repository created by this run holds no tag or blob this run did not push.
        const bool fresh =
            state.inventory.is_fresh(destination.host(), task.destination_repository);
        ends.sink =
            std::make_unique<RegistryImageSink>(destination, task.destination_repository, fresh);
        ends.journaled = true;
    }
    if (const auto directory = layout_directory(pair.source)) {
        auto layout = state.layouts.open(*directory, task.source_repository, false);
        if (!layout)
            co_return layout.error();
        ends.source = std::make_unique<LayoutImageSource>(**layout);
    } else if (runtime.v1) {
        // v1 serves no digests: the image is converted (reading only) to learn its digest.
        auto conversion = co_await runtime.v1->convert(task.source_repository, task.tag);
        if (!conversion)
            co_return conversion.error();
        record.digest = conversion->image.digest;
        ends.source =
            runtime.v1->source(*conversion, task.source_repository, runtime.source->retry_policy());
    } else {
        ends.source =
            std::make_unique<RegistryImageSource>(*runtime.source, task.source_repository);
    }
    co_return ends;
}

// One attempt: skipped when the destination already serves the source's digest (or an
// earlier run's journal says it does and the source has not changed), else copied.
asio::awaitable<Expected<ImageOutcome>> sync_once(RunState& state, LoopClients& clients,
                                                  const ImageTask& task, ImageRecord& record) {
    PairRuntime& runtime = clients.pairs[task.pair];
    auto ends = co_await open_image_ends(state, runtime, task, record);
    if (!ends)
        co_return ends.error();
    ImageSource& source = *ends->source;
    ImageSink& sink = *ends->sink;
    const std::string host = sink.ledger_registry();
    const std::string& repository = task.destination_repository;
    // Completed by an earlier run: what the source serves tells whether it still is.
    const std::string* done =
        ends->journaled ? state.journaled_tag(host, repository, task.tag) : nullptr;
    if (done) {
        auto here = co_await source.tag_digest(task.tag);
        if (!here)
            co_return here.error();
        if (*here && (*here)->digest == *done) {
            record.digest = *done;
            co_return ImageOutcome::skipped;
        }
    }
    if (state.options.skip_existing && !sink.fresh()) {
        auto present =
            co_await find_existing_image(*runtime.copier, source, task.tag, sink, task.tag);
        if (!present)
            co_return present.error();
        if (*present) {
            record.digest = (*present)->digest;
            record.source_digest = (*present)->source_digest;
            if (ends->journaled)
                state.record_tag(host, repository, task.tag, record.digest);
            co_return ImageOutcome::skipped;
        }
    }
    if (auto ensured = co_await ensure_ecr_repository(state, runtime, task); !ensured)
        co_return ensured.error();
    auto digest =
        co_await runtime.copier->copy(source, task.tag, sink, task.tag, &record.source_digest);
    if (!digest)
        co_return digest.error();
    record.digest = *digest;
    if (ends->journaled)
        state.record_tag(host, repository, task.tag, record.digest);
    co_return ImageOutcome::copied;
}

asio::awaitable<void> sync_image(RunState& state, LoopClients& clients, const ImageTask& task,
                                 ImageRecord& record) {
    const ErrorAction action =
        effective_error_action(state.options.error_action, static_cast<bool>(state.options.ask));
    for (int attempt = 1;; ++attempt) {
        // Named first: GCC 12 mishandles temporaries inside a co_await expression.
        const std::string what = "copying " + record.source;
        auto attempt_work = sync_once(state, clients, task, record);
        auto outcome = co_await catching_exceptions(std::move(attempt_work), what);
        state.observe_attempt(state.plan.pairs[task.pair], outcome);
        // Copied or already there, the image may have gained artifacts since.
        PairRuntime& runtime = clients.pairs[task.pair];
        if (outcome && runtime.referrers) {
            RegistryImageSource from(*runtime.source, task.source_repository);
            RegistryImageSink to(*runtime.destination, task.destination_repository);
            auto attached = co_await runtime.referrers->copy_referrers(from, to, record.digest);
            if (!attached)
                outcome = attached.error();
        }
        if (outcome) {
            record.status = *outcome;
            record.error.clear();
            state.metrics.image_finished(record.status);
            state.metrics.mark_success();
            co_return;
        }
        record.error = outcome.error().message;
        record.failure_summary =
            summarize_failure(outcome.error(), state.plan.pairs[task.pair].source.host,
                              state.plan.pairs[task.pair].destination.host);
        ErrorAction decided = action;
        if (action == ErrorAction::prompt)
            decided = state.options.ask(record);
        if (decided == ErrorAction::retry && !state.halted() &&
            !state.stopped_by_breaker(state.plan.pairs[task.pair]) &&
            (action == ErrorAction::prompt || attempt < state.options.retry_attempts)) {
            state.metrics.retry(outcome.error().retryable() ? "transient" : "image");
            co_await sleep_for(std::chrono::milliseconds(500) * (1 << std::min(attempt - 1, 5)));
            continue;
        }
        if (decided == ErrorAction::abort)
            state.aborted = true;
        record.status = ImageOutcome::failed;
        state.metrics.image_finished(record.status);
        co_return;
    }
}

// Dry run: what the plan would move, each blob counted once per destination registry.
asio::awaitable<void> size_image(RunState& state, RegistryClient& source,
                                 const std::string& destination_host, const std::string& repository,
                                 const std::string& reference, ImageRecord& record) {
    auto data = co_await source.get_manifest(repository, reference);
    if (!data) {
        record.status = ImageOutcome::failed;
        record.error = data.error().message;
        co_return;
    }
    if (record.digest.empty())
        record.digest = data->digest;
    for (const auto& child : data->manifest.manifests) {
        co_await size_image(state, source, destination_host, repository, child.digest, record);
    }
    std::lock_guard lock(state.mutex);
    for (const auto& blob : data->manifest.blobs()) {
        record.size = saturating_add(record.size, blob.size);
        if (state.planned_blobs.insert(destination_host, blob.digest)) {
            state.planned.bytes_after_dedupe =
                saturating_add(state.planned.bytes_after_dedupe, blob.size);
        }
    }
}

// verify --referrers: a matched image whose artifacts differ is reported as they do.
asio::awaitable<void> verify_image_referrers(RunState& state, LoopClients& clients,
                                             const ImageTask& task, ImageRecord& record) {
    const SyncPair& pair = state.plan.pairs[task.pair];
    PairRuntime& runtime = clients.pairs[task.pair];
    auto difference = co_await verify_referrers(*runtime.source, task.source_repository,
                                                *runtime.destination, task.destination_repository,
                                                record.digest, pair.referrers, state.referrer_tags);
    if (!difference) {
        record.status = ImageOutcome::failed;
        record.error = difference.error().message;
    } else if (*difference) {
        record.status = (*difference)->status;
        record.error = (*difference)->error;
    }
}

// verify: a v1 source's image is converted (reading only) and compared.
// An exception (a schema1 conversion reads and parses the source) fails this image only.
asio::awaitable<VerifyOutcome> verify_task(LoopClients& clients, const ImageTask& task,
                                           const SyncPair& pair) {
    PairRuntime& runtime = clients.pairs[task.pair];
    RegistryClient& destination = *runtime.destination;
    std::optional<Error> caught;
    try {
        if (V1ImageConverter* v1 = runtime.v1.get()) {
            co_return co_await v1->verify(task.source_repository, task.tag, destination,
                                          task.destination_repository);
        }
        co_return co_await verify_image(*runtime.source, destination, task, pair.platform,
                                        runtime.copier.get());
    } catch (...) {
        caught =
            error_from_current_exception("verifying " + task.source_repository + ":" + task.tag);
    }
    co_return VerifyOutcome{.status = ImageOutcome::failed, .error = caught->message};
}

asio::awaitable<void> worker(RunState& state, LoopClients& clients) {
    while (auto task = co_await state.queue.pop()) {
        state.metrics.set_queue_depth(static_cast<std::int64_t>(state.queue.size()));
        if (state.halted())
            continue;  // drain: tasks not started stay out of the report
        const SyncPair& pair = state.plan.pairs[task->pair];
        ImageRecord record;
        record.source = image_reference(pair.source.host, task->source_repository, task->tag);
        record.destination =
            image_reference(pair.destination.host, task->destination_repository, task->tag);
        if (auto stopped = state.options.mode == SyncMode::sync ? state.stopped_by_breaker(pair)
                                                                : std::nullopt) {
            record.status = ImageOutcome::not_attempted;
            record.error = *stopped;
            state.metrics.image_finished(record.status);
            state.add(std::move(record));
            ++state.progress.images_done;
            continue;
        }
        switch (state.options.mode) {
            case SyncMode::sync:
                co_await sync_image(state, clients, *task, record);
                break;
            case SyncMode::verify: {
                auto outcome = co_await verify_task(clients, *task, pair);
                record.status = outcome.status;
                record.digest = outcome.digest;
                record.source_digest = outcome.source_digest;
                record.error = outcome.error;
                if (outcome.status == ImageOutcome::matched && pair.referrers.enabled)
                    co_await verify_image_referrers(state, clients, *task, record);
                break;
            }
            case SyncMode::dry_run:
                if (clients.pairs[task->pair].v1) {
                    // v1 serves no digests: sizes need the layers
                    record.status = ImageOutcome::planned;
                    break;
                }
                try {
                    co_await size_image(state, *clients.pairs[task->pair].source,
                                        pair.destination.host, task->source_repository, task->tag,
                                        record);
                } catch (...) {
                    record.status = ImageOutcome::failed;
                    record.error = error_from_current_exception("sizing " + record.source).message;
                }
                break;
        }
        state.add(std::move(record));
        ++state.progress.images_done;
    }
}

// The creation dates of a repository's tags for the recency filters, read from the pair's
// source. A v1 source's images have no config to date them by: they are kept, undated.
asio::awaitable<std::vector<DatedTag>> date_source_tags(RunState& state, PairRuntime& runtime,
                                                        std::size_t index, std::string repository,
                                                        std::vector<std::string> tags) {
    std::unique_ptr<ImageSource> source;
    if (const auto directory = layout_directory(state.plan.pairs[index].source)) {
        if (auto layout = state.layouts.open(*directory, repository, false))
            source = std::make_unique<LayoutImageSource>(**layout);
    } else if (!state.v1_sources[index]) {
        source = std::make_unique<RegistryImageSource>(*runtime.source, repository);
    }
    if (!source) {
        std::vector<DatedTag> undated;
        for (auto& tag : tags)
            undated.push_back(DatedTag{std::move(tag), std::nullopt});
        co_return undated;
    }
    co_return co_await date_tags(*source, tags, job_count(state.options), state.dates);
}

void count_recency(RunState& state, const SyncPair& pair, const std::string& repository,
                   const RecencyDecision& decision) {
    for (const auto& tag : decision.left_out)
        state.recency_metrics->left_out(to_string(tag.reason));
    state.recency_metrics->undated(decision.undated);
    std::lock_guard lock(state.mutex);
    state.planned.tags_left_out += decision.left_out.size();
    state.planned.tags_undated += decision.undated;
    if (state.options.mode != SyncMode::dry_run)
        return;
    for (const auto& tag : decision.left_out) {
        state.planned.left_out.push_back(image_reference(pair.source.host, repository, tag.tag) +
                                         " left out: " + explain(tag, pair.recency));
    }
}

// Each destination registry's catalog, once; the gate opens however this ends.
asio::awaitable<void> read_inventory(RunState& state, LoopClients& clients,
                                     transport::LoopGate& gate) {
    struct OpenOnExit {
        transport::LoopGate& gate;
        ~OpenOnExit() { gate.open(); }
    } open_on_exit{gate};
    for (const auto& runtime : clients.pairs) {
        const auto& destination = runtime.destination;
        if (!destination || state.inventory.asked(destination->host()))
            continue;
        const auto catalog = co_await destination->list_repositories();
        state.inventory.record(destination->host(), catalog);
    }
}

asio::awaitable<void> producer(RunState& state, LoopClients& clients) {
    std::vector<RegistryClient*> sources;
    for (auto& runtime : clients.pairs)
        sources.push_back(runtime.source.get());
    ProducerHooks hooks;
    hooks.stopped = [&] { return state.halted(); };
    hooks.after_push = [&]() -> asio::awaitable<void> {
        const std::size_t planned = ++state.progress.images_planned;
        state.metrics.set_queue_depth(static_cast<std::int64_t>(state.queue.size()));
        const std::size_t batch = state.options.increment;
        if (batch == 0 || planned % batch != 0)
            co_return;
        // --increment: this batch finishes before the next one is queued.
        while (state.progress.images_done < planned && !state.halted()) {
            co_await sleep_for(std::chrono::milliseconds(10));
        }
    };
    hooks.listing_failed = [&](const SyncPair& pair, const std::string& repository,
                               const Error& error) {
        state.metrics.image_finished(ImageOutcome::failed);
        state.add(ImageRecord{
            .source = pair.source.host + "/" + repository,
            .destination = pair.destination.host + "/" + pair.destination_repository(repository),
            .status = ImageOutcome::failed,
            .error = error.message,
            .failure_summary = summarize_failure(error, pair.source.host, pair.destination.host)});
    };
    hooks.v1_source = [&](std::size_t pair) { return bool(state.v1_sources[pair]); };
    if (state.options.mode != SyncMode::verify)
        hooks.tags_listed = [&](std::size_t pair, const std::string& destination,
                                const Expected<std::vector<std::string>>& source_tags) {
            state.prune.listed(pair, destination, source_tags);
        };
    hooks.repository_seen = [&] {
        std::lock_guard lock(state.mutex);
        ++state.planned.repositories;
    };
    hooks.date_tags = [&](std::size_t pair, const std::string& repository,
                          const std::vector<std::string>& tags) {
        return date_source_tags(state, clients.pairs[pair], pair, repository, tags);
    };
    hooks.recency_decided = [&](const SyncPair& pair, const std::string& repository,
                                const RecencyDecision& decision) {
        count_recency(state, pair, repository, decision);
    };
    // The destinations' catalogs are read while the sources are listed; the first task
    // waits for them, since its sink asks whether its repository is fresh.
    transport::LoopGate inventory(co_await asio::this_coro::executor);
    const bool reads_inventory = state.options.mode == SyncMode::sync;
    if (reads_inventory)
        hooks.before_first_push = [&] { return inventory.wait(); };
    const IndexedWork start = [&](std::size_t step) -> asio::awaitable<Expected<void>> {
        if (step == 0) {
            if (reads_inventory)
                co_await read_inventory(state, clients, inventory);
            co_return Expected<void>{};
        }
        auto produced = co_await produce_tasks(state.plan, sources, state.queue, hooks);
        if (!produced) {
            std::lock_guard lock(state.mutex);
            state.fatal = produced.error();
        }
        co_return Expected<void>{};
    };
    if (auto started = co_await for_each_bounded(2, 2, start); !started) {
        // A step threw (for_each_bounded caught it): as an exception out of the producer.
        state.abort_with(started.error());
    }
    state.progress.enumeration_done = true;
    state.queue.close();
}

// --prune, once the producer and every worker ended: a run stopped, aborted or unable to
// enumerate a pair deletes nothing.
asio::awaitable<void> pruner(RunState& state, LoopClients& clients,
                             transport::LoopGate& workers_done) {
    co_await workers_done.wait();
    bool enumerated = false;
    {
        std::lock_guard lock(state.mutex);
        enumerated = !state.fatal;
    }
    if (state.halted() || !enumerated) {
        log(LogLevel::warn, "nothing pruned: the run was stopped or its plan not fully listed");
        co_return;
    }
    std::vector<RegistryClient*> destinations;
    for (auto& runtime : clients.pairs)
        destinations.push_back(runtime.destination.get());
    auto deletions = co_await state.prune.run(destinations, state.options.mode == SyncMode::dry_run,
                                              state.metrics, [&] { return state.halted(); });
    std::lock_guard lock(state.mutex);
    state.deletions = std::move(deletions);
}

// The journal of a sync run, or null. A default journal that cannot be opened costs only
// resumability: the run goes on without it.
Expected<std::unique_ptr<Journal>> open_journal(const SyncPlan& plan, const SyncOptions& options) {
    if (!options.journal || options.mode != SyncMode::sync)
        return std::unique_ptr<Journal>();
    auto opened = Journal::open(options.journal->path, journal_plan(plan));
    if (opened || !options.journal->is_default)
        return opened;
    log(LogLevel::warn, "running without a journal: " + opened.error().message);
    return std::unique_ptr<Journal>();
}

// Flushes the journal; a default one is removed once the run left nothing to resume.
void close_journal(Journal& journal, const SyncOptions& options, bool complete) {
    if (auto closed = journal.close(); !closed)
        log(LogLevel::warn, closed.error().message);
    if (complete && options.journal->is_default) {
        std::error_code ignored;
        std::filesystem::remove(journal.path(), ignored);
    }
}

// The event loops and the clients living on them, in one allocation so that a run whose
// loops were stopped with work pending can leave them be (see run_sync).
struct Runtime {
    std::vector<std::unique_ptr<asio::io_context>> loops;
    std::vector<LoopClients> clients;
};

// Where such a run leaves its runtime, never destroyed: still reachable, so that leak
// checkers (LSan, valgrind) do not report the deliberate abandon as a leak.
std::atomic<Runtime*> abandoned_runtime{nullptr};

}  // namespace

Expected<SyncResult> run_sync(const SyncPlan& given_plan, const SyncOptions& options,
                              metrics::Metrics& metrics, SyncProgress& progress) {
    const auto started = std::chrono::steady_clock::now();
    if (auto supported = check_layout_pairs(given_plan, options.mode); !supported)
        return supported.error();
    // ECR destinations get their login and chunk size here, on a copy; a dry run writes
    // nothing and needs neither.
    SyncPlan plan = given_plan;
    EcrApis ecr_apis(plan.pairs.size());
    if (options.mode != SyncMode::dry_run) {
        auto prepared = prepare_ecr_destinations(plan);
        if (!prepared)
            return prepared.error();
        ecr_apis = std::move(*prepared);
    }
    RunState state(plan, options, metrics, progress);
    if (std::any_of(plan.pairs.begin(), plan.pairs.end(),
                    [](const SyncPair& pair) { return pair.recency.active(); })) {
        state.recency_metrics.emplace(metrics);
    }
    if (options.spill) {
        auto spill = RecordSpill::create(options.spill->directory, options.spill->run_size);
        if (spill)
            state.spill = std::move(*spill);
        else
            log(LogLevel::warn, spill.error().message + "; keeping the records in memory");
    }
    for (std::size_t i = 0; i < plan.pairs.size(); ++i) {
        if (!ecr_apis[i]) {
            state.ecr_creators.emplace_back();
            continue;
        }
        state.ecr_creators.push_back(std::make_unique<EcrRepositoryCreator>(
            ecr_settings_of(plan.pairs[i].destination)->create_repositories));
    }
    state.ecr_apis = std::move(ecr_apis);
    const bool writes = options.mode != SyncMode::verify;
    const auto targets = preflight_targets(plan, writes, options.mode != SyncMode::dry_run);
    const auto apis = run_preflight(targets, options.preflight);
    if (!apis)
        return apis.error();
    for (const auto& pair : plan.pairs)
        state.v1_sources.push_back(source_speaks_v1(targets, *apis, pair.source.host));
    const std::size_t jobs = job_count(options);
    const std::size_t threads = state.threads;
    auto journal = open_journal(plan, options);
    if (!journal)
        return journal.error();
    if (*journal)
        state.resume_from(**journal);

    auto runtime = std::make_unique<Runtime>();
    auto& loops = runtime->loops;
    auto& clients = runtime->clients;
    for (std::size_t i = 0; i < threads; ++i) {
        loops.push_back(std::make_unique<asio::io_context>(1));
        auto connected = connect_all(state, loops.back()->get_executor());
        if (!connected)
            return connected.error();
        clients.push_back(std::move(*connected));
    }
    std::optional<SignalStop> stop;
    if (options.stop_on_signals) {
        std::vector<asio::io_context*> stoppable;
        for (auto& loop : loops)
            stoppable.push_back(loop.get());
        stop.emplace(std::move(stoppable), options.stop_grace,
                     [&state](int) { state.interrupted = true; });
    }
    const bool prunes = state.prune.enabled() && options.mode != SyncMode::verify;
    std::atomic<std::size_t> running{jobs + 1 + (prunes ? 1 : 0)};
    transport::LoopGate workers_done(loops[0]->get_executor());  // the producer and workers ended
    const auto ended = [&](std::exception_ptr error) {
        if (error) {
            // Past every per-image boundary: the run stops with an error, the process goes on.
            try {
                std::rethrow_exception(error);
            } catch (...) {
                state.abort_with(error_from_current_exception("sync"));
            }
        }
        const std::size_t left = --running;
        if (prunes && left == 1) {
            asio::post(*loops[0], [&] { workers_done.open(); });
        }
        if (left == 0 && stop)
            stop->release();
    };
    if (prunes)
        asio::co_spawn(*loops[0], pruner(state, clients[0], workers_done), ended);
    asio::co_spawn(*loops[0], producer(state, clients[0]), ended);
    for (std::size_t job = 0; job < jobs; ++job) {
        const std::size_t loop = job % threads;
        asio::co_spawn(*loops[loop], worker(state, clients[loop]), ended);
    }
    std::vector<std::thread> runners;
    for (std::size_t i = 1; i < threads; ++i)
        runners.emplace_back([&, i] { loops[i]->run(); });
    loops[0]->run();
    for (auto& runner : runners)
        runner.join();
    const int stop_signal = stop ? stop->signal() : 0;
    if (stop && stop->stopped_loops()) {
        // The coroutines stopped mid-flight hold these clients' sockets and pointers into
        // them; no order of destroying both is safe, and the process exits next: leave them.
        stop.reset();
        abandoned_runtime = runtime.release();
    }

    if (state.fatal && state.records.empty() && (!state.spill || state.spill->size() == 0))
        return *state.fatal;
    if (state.fatal) {
        state.records.push_back(
            ImageRecord{"", "", "", ImageOutcome::failed, state.fatal->message});
        metrics.image_finished(ImageOutcome::failed);
    }
    SyncResult result;
    result.report.images = std::move(state.records);
    result.report.deletions = std::move(state.deletions);
    std::sort(result.report.images.begin(), result.report.images.end(),
              [](const ImageRecord& a, const ImageRecord& b) { return a.source < b.source; });
    result.report.spilled = std::move(state.spill);
    result.report.totals = metrics.snapshot();
    result.report.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.plan = state.planned;
    if (state.recency_metrics) {
        log(LogLevel::info, "recency filters applied",
            {{"tags_left_out", std::to_string(result.plan.tags_left_out)},
             {"tags_kept_undated", std::to_string(result.plan.tags_undated)}});
    }
    if (options.mode == SyncMode::dry_run)
        result.report.bytes_after_dedupe = state.planned.bytes_after_dedupe;
    result.plan.images =
        result.report.images.size() + (result.report.spilled ? result.report.spilled->size() : 0);
    result.stop_signal = stop_signal;
    if (*journal) {
        close_journal(**journal, options,
                      stop_signal == 0 && !state.aborted && result.report.complete());
    }
    return result;
}

}  // namespace regmigrate::engine

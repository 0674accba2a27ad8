#include "metrics/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <limits>
#include <string>

namespace regmigrate::metrics {

namespace {

// The image outcomes of every run, exported at zero before the first; the others appear
// only in runs that have them.
constexpr std::array<ImageOutcome, 3> kDocumentedImageOutcomes{
    ImageOutcome::copied, ImageOutcome::skipped, ImageOutcome::failed};

prometheus::Labels result_label(auto outcome) {
    return {{"result", std::string(to_string(outcome))}};
}

prometheus::Family<prometheus::Counter>& counter_family(prometheus::Registry& registry,
                                                        const std::string& name,
                                                        const std::string& help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

prometheus::Gauge& single_gauge(prometheus::Registry& registry, const std::string& name,
                                const std::string& help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

const prometheus::Histogram::BucketBoundaries& blob_transfer_buckets() {
    static const prometheus::Histogram::BucketBoundaries buckets{
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
    return buckets;
}

template <typename Outcome, std::size_t N>
void Metrics::ResultCounters<Outcome, N>::init(prometheus::Family<prometheus::Counter>& f,
                                               const std::array<Outcome, N>& documented) {
    family = &f;
    outcomes = documented;
    for (std::size_t i = 0; i < N; ++i) {
        children[i] = &f.Add(result_label(documented[i]));
    }
}

template <typename Outcome, std::size_t N>
void Metrics::ResultCounters<Outcome, N>::increment(Outcome result) {
    for (std::size_t i = 0; i < N; ++i) {
        if (outcomes[i] == result) {
            children[i]->Increment();
            totals[i].fetch_add(1, std::memory_order_relaxed);
            return;
        }
    }
    // Family::Add returns the existing child after the first time.
    family->Add(result_label(result)).Increment();
}

template <typename Outcome, std::size_t N>
uint64_t Metrics::ResultCounters<Outcome, N>::total(Outcome result) const {
    for (std::size_t i = 0; i < N; ++i) {
        if (outcomes[i] == result) {
            return totals[i].load(std::memory_order_relaxed);
        }
    }
    return 0;
}

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
    auto& r = *registry_;
    images_.init(counter_family(r, "regmigrate_images_total", "Images finished, by result."),
                 kDocumentedImageOutcomes);
    blobs_.init(counter_family(r, "regmigrate_blobs_total",
                               "Blobs handled, by how they reached the destination."),
                all_blob_outcomes);
    deletions_.init(counter_family(r, "regmigrate_tag_deletions_total",
                                   "Destination tags gone from the source (--prune), by result."),
                    all_deletion_outcomes);
    bytes_ = &counter_family(r, "regmigrate_bytes_transferred_total",
                             "Blob bytes streamed from source to destination.")
                  .Add({});
    manifests_ =
        &counter_family(r, "regmigrate_manifests_pushed_total", "Manifests pushed.").Add({});
    schema1_conversions_ = &counter_family(r, "regmigrate_schema1_conversions_total",
                                           "Schema1 images pushed as their schema2 conversion.")
                                .Add({});
    http_family_ = &counter_family(r, "regmigrate_http_requests_total",
                                   "HTTP requests sent, by method and status code.");
    retries_family_ = &counter_family(r, "regmigrate_retries_total", "Retries, by reason.");
    auto& connections = counter_family(r, "regmigrate_connections_opened_total",
                                       "Connections opened, by scheme (http, https).");
    connections_ = {&connections.Add({{"scheme", "http"}}),
                    &connections.Add({{"scheme", "https"}})};
    auto& handshakes = counter_family(r, "regmigrate_tls_handshakes_total",
                                      "TLS handshakes, by kind: full, or resumed from a session "
                                      "of an earlier connection to the same origin.");
    for (const auto kind : {transport::TlsHandshake::full, transport::TlsHandshake::resumed}) {
        handshakes_[kind == transport::TlsHandshake::resumed] =
            &handshakes.Add({{"kind", std::string(transport::to_string(kind))}});
    }
    inflight_ =
        &single_gauge(r, "regmigrate_inflight_transfers", "Blob transfers in progress now.");
    queue_depth_ = &single_gauge(r, "regmigrate_queue_depth", "Image tasks waiting for a worker.");
    transfer_limit_ = &single_gauge(r, "regmigrate_transfer_limit",
                                    "Blob transfers allowed in flight now (adaptive or fixed).");
    transfer_limit_highest_ = &single_gauge(r, "regmigrate_transfer_limit_highest",
                                            "Highest transfer limit of this run.");
    transfer_limit_lowest_ =
        &single_gauge(r, "regmigrate_transfer_limit_lowest", "Lowest transfer limit of this run.");
    blob_seconds_ = &prometheus::BuildHistogram()
                         .Name("regmigrate_blob_transfer_seconds")
                         .Help("Time to stream one blob from source to destination.")
                         .Register(r)
                         .Add({}, blob_transfer_buckets());
    last_success_ = &single_gauge(r, "regmigrate_last_success_timestamp_seconds",
                                  "Unix time of the last successful run.");
}

void Metrics::image_finished(ImageOutcome result) {
    images_.increment(result);
}

void Metrics::blob_finished(BlobOutcome result) {
    blobs_.increment(result);
}

void Metrics::tag_deletion(DeletionOutcome result) {
    deletions_.increment(result);
}

void Metrics::add_bytes_transferred(uint64_t bytes) {
    bytes_->Increment(static_cast<double>(bytes));
    // The report's total saturates rather than wrapping: the sizes added are the ones
    // manifests announced (verified as they streamed, but a sum of many may still be huge).
    auto total = bytes_total_.load(std::memory_order_relaxed);
    while (!bytes_total_.compare_exchange_weak(total,
                                               bytes > std::numeric_limits<uint64_t>::max() - total
                                                   ? std::numeric_limits<uint64_t>::max()
                                                   : total + bytes,
                                               std::memory_order_relaxed)) {
    }
}

void Metrics::manifest_pushed() {
    manifests_->Increment();
    manifests_total_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::schema1_converted() {
    schema1_conversions_->Increment();
    schema1_conversions_total_.fetch_add(1, std::memory_order_relaxed);
}

std::optional<std::size_t> Metrics::http_slot(std::string_view method, int code) {
    if (code < 0 || code > kMaxCachedCode) {
        return std::nullopt;
    }
    for (std::size_t m = 0; m < kCachedMethods.size(); ++m) {
        if (kCachedMethods[m] == method) {
            return m * (kMaxCachedCode + 1) + static_cast<std::size_t>(code);
        }
    }
    return std::nullopt;
}

prometheus::Counter& Metrics::http_counter(std::string_view method, int code) {
    const auto slot = http_slot(method, code);
    if (slot) {
        if (auto* cached = http_cache_[*slot].load(std::memory_order_acquire)) {
            return *cached;
        }
    }
    // Family::Add is idempotent, so two threads racing here store the same pointer.
    auto& child =
        http_family_->Add({{"method", std::string(method)}, {"code", std::to_string(code)}});
    if (slot) {
        http_cache_[*slot].store(&child, std::memory_order_release);
    }
    return child;
}

void Metrics::http_request(std::string_view method, int code) {
    http_counter(method, code).Increment();
    http_total_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::retry(std::string_view reason) {
    // Retries are rare, so the family's own lookup is cheap enough here.
    retries_family_->Add({{"reason", std::string(reason)}}).Increment();
    retries_total_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::connection_opened(transport::TlsHandshake handshake) {
    const bool tls = handshake != transport::TlsHandshake::none;
    connections_[tls]->Increment();
    if (tls)
        handshakes_[handshake == transport::TlsHandshake::resumed]->Increment();
}

void Metrics::transfer_started() {
    inflight_->Increment();
    inflight_now_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::transfer_finished() {
    inflight_->Decrement();
    inflight_now_.fetch_sub(1, std::memory_order_relaxed);
}

void Metrics::set_queue_depth(int64_t depth) {
    queue_depth_->Set(static_cast<double>(depth));
    queue_depth_now_.store(depth, std::memory_order_relaxed);
}

void Metrics::set_transfer_limit(std::size_t limit) {
    const auto value = static_cast<double>(limit);
    std::lock_guard lock(transfer_limit_mutex_);
    transfer_limit_->Set(value);
    if (!transfer_limit_set_ || value > transfer_limit_highest_->Value())
        transfer_limit_highest_->Set(value);
    if (!transfer_limit_set_ || value < transfer_limit_lowest_->Value())
        transfer_limit_lowest_->Set(value);
    transfer_limit_set_ = true;
}

void Metrics::observe_blob_transfer(double seconds) {
    blob_seconds_->Observe(seconds);
}

void Metrics::mark_success() {
    last_success_->SetToCurrentTime();
}

Metrics::Snapshot Metrics::snapshot() const {
    Snapshot s;
    s.images_copied = images_.total(ImageOutcome::copied);
    s.images_skipped = images_.total(ImageOutcome::skipped);
    s.images_failed = images_.total(ImageOutcome::failed);
    s.blobs_uploaded = blobs_.total(BlobOutcome::uploaded);
    s.blobs_mounted = blobs_.total(BlobOutcome::mounted);
    s.blobs_existing = blobs_.total(BlobOutcome::existing);
    s.blobs_deduped = blobs_.total(BlobOutcome::deduped);
    s.bytes_transferred = bytes_total_.load(std::memory_order_relaxed);
    s.manifests_pushed = manifests_total_.load(std::memory_order_relaxed);
    s.schema1_conversions = schema1_conversions_total_.load(std::memory_order_relaxed);
    s.http_requests = http_total_.load(std::memory_order_relaxed);
    s.retries = retries_total_.load(std::memory_order_relaxed);
    s.inflight = inflight_now_.load(std::memory_order_relaxed);
    s.queue_depth = queue_depth_now_.load(std::memory_order_relaxed);
    s.tags_untagged = deletions_.total(DeletionOutcome::untagged);
    s.tags_deleted = deletions_.total(DeletionOutcome::deleted);
    return s;
}

uint64_t Metrics::Snapshot::blobs(BlobOutcome outcome) const {
    switch (outcome) {
        case BlobOutcome::uploaded:
            return blobs_uploaded;
        case BlobOutcome::mounted:
            return blobs_mounted;
        case BlobOutcome::existing:
            return blobs_existing;
        case BlobOutcome::deduped:
            return blobs_deduped;
    }
    return 0;
}

std::string Metrics::text_exposition() const {
    return prometheus::TextSerializer().Serialize(registry_->Collect());
}

std::shared_ptr<prometheus::Registry> Metrics::registry() const {
    return registry_;
}

}  // namespace regmigrate::metrics

// The migration's counters, gauges and histogram: one prometheus registry shared by the
// /metrics exposer, the textfile writer and the pushgateway, plus plain atomics mirroring
// the totals so progress rendering and tests read them without serialising the registry.
#pragma once

#include "metrics/outcome.hpp"
#include "transport/tls/tls_handshake.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::metrics {

// Upper bounds of regmigrate_blob_transfer_seconds, from a small config blob to a 300 s layer.
const prometheus::Histogram::BucketBoundaries& blob_transfer_buckets();

class Metrics {
  public:
    struct Snapshot {
        uint64_t images_copied = 0;
        uint64_t images_skipped = 0;
        uint64_t images_failed = 0;
        uint64_t blobs_uploaded = 0;
        uint64_t blobs_mounted = 0;
        uint64_t blobs_existing = 0;
        uint64_t blobs_deduped = 0;
        uint64_t bytes_transferred = 0;
        uint64_t manifests_pushed = 0;
        uint64_t schema1_conversions = 0;
        uint64_t http_requests = 0;
        uint64_t retries = 0;
        int64_t inflight = 0;
        int64_t queue_depth = 0;
        uint64_t tags_untagged = 0;  // --prune: destination tags deleted alone
        uint64_t tags_deleted = 0;   // --prune: destination tags deleted with their manifest

        // The blobs_* field counting outcome.
        uint64_t blobs(BlobOutcome outcome) const;
    };

    Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // copied, skipped and failed are exported from the start and in snapshot(); the other
    // outcomes (not_attempted) are exported once they happen.
    void image_finished(ImageOutcome result);
    void blob_finished(BlobOutcome result);
    // --prune: what became of one destination tag gone from the source.
    void tag_deletion(DeletionOutcome result);
    void add_bytes_transferred(uint64_t bytes);
    void manifest_pushed();
    // A schema1 image pushed as its schema2 conversion.
    void schema1_converted();
    // code 0 means no response (connection failed).
    void http_request(std::string_view method, int code);
    void retry(std::string_view reason);
    // A connection opened to a registry (or a token or redirect origin), and its handshake.
    void connection_opened(transport::TlsHandshake handshake);
    void transfer_started();
    void transfer_finished();
    void set_queue_depth(int64_t depth);
    // The blob transfers allowed in flight from now on (fixed, or the adaptive limit's
    // latest); the highest and lowest values of the run are kept beside it.
    void set_transfer_limit(std::size_t limit);
    void observe_blob_transfer(double seconds);
    // Sets regmigrate_last_success_timestamp_seconds to the current time.
    void mark_success();

    Snapshot snapshot() const;
    // The Prometheus text format (0.0.4) of everything in the registry.
    std::string text_exposition() const;
    std::shared_ptr<prometheus::Registry> registry() const;

  private:
    // Label children created up front for the documented outcomes, each paired with the
    // atomic that snapshot() reads; the label is the outcome's to_string.
    template <typename Outcome, std::size_t N>
    struct ResultCounters {
        prometheus::Family<prometheus::Counter>* family = nullptr;
        std::array<Outcome, N> outcomes{};
        std::array<prometheus::Counter*, N> children{};
        std::array<std::atomic<uint64_t>, N> totals{};

        void init(prometheus::Family<prometheus::Counter>& f,
                  const std::array<Outcome, N>& documented);
        void increment(Outcome result);
        uint64_t total(Outcome result) const;
    };

    // Hot-path cache for http_requests_total children: one slot per common method and
    // status code, filled on first use. Lookups are a single atomic load, no lock.
    static constexpr std::array<std::string_view, 6> kCachedMethods{"GET",  "HEAD",  "PUT",
                                                                    "POST", "PATCH", "DELETE"};
    static constexpr int kMaxCachedCode = 599;
    static std::optional<std::size_t> http_slot(std::string_view method, int code);
    prometheus::Counter& http_counter(std::string_view method, int code);

    std::shared_ptr<prometheus::Registry> registry_;

    ResultCounters<ImageOutcome, 3> images_;
    ResultCounters<BlobOutcome, all_blob_outcomes.size()> blobs_;
    ResultCounters<DeletionOutcome, all_deletion_outcomes.size()> deletions_;
    prometheus::Counter* bytes_ = nullptr;
    prometheus::Counter* manifests_ = nullptr;
    prometheus::Counter* schema1_conversions_ = nullptr;
    prometheus::Family<prometheus::Counter>* http_family_ = nullptr;
    prometheus::Family<prometheus::Counter>* retries_family_ = nullptr;
    // By scheme, http then https; TLS handshakes full then resumed.
    std::array<prometheus::Counter*, 2> connections_{};
    std::array<prometheus::Counter*, 2> handshakes_{};
    prometheus::Gauge* inflight_ = nullptr;
    prometheus::Gauge* queue_depth_ = nullptr;
    prometheus::Gauge* transfer_limit_ = nullptr;
    prometheus::Gauge* transfer_limit_highest_ = nullptr;
    prometheus::Gauge* transfer_limit_lowest_ = nullptr;
    std::mutex transfer_limit_mutex_;  // the three move together
    bool transfer_limit_set_ = false;
    prometheus::Histogram* blob_seconds_ = nullptr;
    prometheus::Gauge* last_success_ = nullptr;

    std::array<std::atomic<prometheus::Counter*>, kCachedMethods.size() * (kMaxCachedCode + 1)>
        http_cache_{};

    std::atomic<uint64_t> bytes_total_{0};
    std::atomic<uint64_t> manifests_total_{0};
    std::atomic<uint64_t> schema1_conversions_total_{0};
    std::atomic<uint64_t> http_total_{0};
    std::atomic<uint64_t> retries_total_{0};
    std::atomic<int64_t> inflight_now_{0};
    std::atomic<int64_t> queue_depth_now_{0};
};

}  // namespace regmigrate::metrics

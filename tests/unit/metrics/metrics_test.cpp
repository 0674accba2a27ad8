#include "metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace regmigrate::metrics {
namespace {

// The value of one series ("name{labels}") in a text exposition, or -1 when absent.
double series_value(const std::string& exposition, const std::string& series) {
    std::istringstream in(exposition);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(series + " ", 0) == 0) {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return -1;
}

bool has_family(const std::string& exposition, const std::string& name, const std::string& type) {
    return exposition.find("# TYPE " + name + " " + type + "\n") != std::string::npos;
}

TEST(Metrics, ExposesEveryDocumentedFamilyWithItsType) {
    Metrics m;
    // Labelled families without label values yet have no series to expose.
    m.http_request("GET", 200);
    m.retry("timeout");
    const std::string text = m.text_exposition();
    EXPECT_TRUE(has_family(text, "regmigrate_images_total", "counter"));
    EXPECT_TRUE(has_family(text, "regmigrate_blobs_total", "counter"));
    EXPECT_TRUE(has_family(text, "regmigrate_bytes_transferred_total", "counter"));
    EXPECT_TRUE(has_family(text, "regmigrate_manifests_pushed_total", "counter"));
    EXPECT_TRUE(has_family(text, "regmigrate_schema1_conversions_total", "counter"));
    EXPECT_TRUE(has_family(text, "regmigrate_http_requests_total", "counter"));
    EXPECT_TRUE(has_family(text, "regmigrate_retries_total", "counter"));
    EXPECT_TRUE(has_family(text, "regmigrate_inflight_transfers", "gauge"));
    EXPECT_TRUE(has_family(text, "regmigrate_queue_depth", "gauge"));
    EXPECT_TRUE(has_family(text, "regmigrate_transfer_limit", "gauge"));
    EXPECT_TRUE(has_family(text, "regmigrate_transfer_limit_highest", "gauge"));
    EXPECT_TRUE(has_family(text, "regmigrate_transfer_limit_lowest", "gauge"));
    EXPECT_TRUE(has_family(text, "regmigrate_blob_transfer_seconds", "histogram"));
    EXPECT_TRUE(has_family(text, "regmigrate_last_success_timestamp_seconds", "gauge"));
    EXPECT_TRUE(has_family(text, "regmigrate_connections_opened_total", "counter"));
    EXPECT_TRUE(has_family(text, "regmigrate_tls_handshakes_total", "counter"));
}

TEST(Metrics, DocumentedResultLabelsAreExportedAtZeroBeforeAnyEvent) {
    Metrics m;
    const std::string text = m.text_exposition();
    for (const char* result : {"copied", "skipped", "failed"}) {
        EXPECT_EQ(
            series_value(text, std::string("regmigrate_images_total{result=\"") + result + "\"}"),
            0)
            << result;
    }
    for (const char* result : {"uploaded", "mounted", "existing", "deduped"}) {
        EXPECT_EQ(
            series_value(text, std::string("regmigrate_blobs_total{result=\"") + result + "\"}"), 0)
            << result;
    }
}

TEST(Metrics, BytesTransferredSaturatesInsteadOfWrapping) {
    Metrics m;
    m.add_bytes_transferred(std::numeric_limits<std::uint64_t>::max() - 1);
    m.add_bytes_transferred(10);
    EXPECT_EQ(m.snapshot().bytes_transferred, std::numeric_limits<std::uint64_t>::max());
}

TEST(Metrics, ImageResultsAreCountedUnderTheirLabel) {
    Metrics m;
    m.image_finished(ImageOutcome::copied);
    m.image_finished(ImageOutcome::copied);
    m.image_finished(ImageOutcome::failed);
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, R"(regmigrate_images_total{result="copied"})"), 2);
    EXPECT_EQ(series_value(text, R"(regmigrate_images_total{result="failed"})"), 1);
    EXPECT_EQ(series_value(text, R"(regmigrate_images_total{result="skipped"})"), 0);
}

TEST(Metrics, BlobResultsAreCountedUnderTheirLabel) {
    Metrics m;
    m.blob_finished(BlobOutcome::mounted);
    m.blob_finished(BlobOutcome::deduped);
    m.blob_finished(BlobOutcome::deduped);
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, R"(regmigrate_blobs_total{result="mounted"})"), 1);
    EXPECT_EQ(series_value(text, R"(regmigrate_blobs_total{result="deduped"})"), 2);
}

TEST(Metrics, ImageOutcomeOutsideTheDocumentedThreeIsExportedOnceItHappens) {
    Metrics m;
    const std::string series = R"(regmigrate_images_total{result="not_attempted"})";
    EXPECT_EQ(series_value(m.text_exposition(), series), -1);
    m.image_finished(ImageOutcome::not_attempted);
    m.image_finished(ImageOutcome::not_attempted);
    EXPECT_EQ(series_value(m.text_exposition(), series), 2);
    const auto s = m.snapshot();
    EXPECT_EQ(s.images_copied + s.images_skipped + s.images_failed, 0u);
}

TEST(Metrics, SnapshotStartsAtZero) {
    Metrics m;
    const auto s = m.snapshot();
    EXPECT_EQ(s.images_copied, 0u);
    EXPECT_EQ(s.blobs_uploaded, 0u);
    EXPECT_EQ(s.bytes_transferred, 0u);
    EXPECT_EQ(s.http_requests, 0u);
    EXPECT_EQ(s.inflight, 0);
    EXPECT_EQ(s.queue_depth, 0);
}

TEST(Metrics, SnapshotMirrorsEveryCounter) {
    Metrics m;
    m.image_finished(ImageOutcome::copied);
    m.image_finished(ImageOutcome::skipped);
    m.image_finished(ImageOutcome::skipped);
    m.image_finished(ImageOutcome::failed);
    m.blob_finished(BlobOutcome::uploaded);
    m.blob_finished(BlobOutcome::mounted);
    m.blob_finished(BlobOutcome::existing);
    m.blob_finished(BlobOutcome::existing);
    m.blob_finished(BlobOutcome::deduped);
    m.manifest_pushed();
    m.http_request("GET", 200);
    m.http_request("PUT", 201);
    m.retry("429");
    const auto s = m.snapshot();
    EXPECT_EQ(s.images_copied, 1u);
    EXPECT_EQ(s.images_skipped, 2u);
    EXPECT_EQ(s.images_failed, 1u);
    EXPECT_EQ(s.blobs_uploaded, 1u);
    EXPECT_EQ(s.blobs_mounted, 1u);
    EXPECT_EQ(s.blobs_existing, 2u);
    EXPECT_EQ(s.blobs_deduped, 1u);
    EXPECT_EQ(s.manifests_pushed, 1u);
    EXPECT_EQ(s.http_requests, 2u);
    EXPECT_EQ(s.retries, 1u);
}

TEST(Metrics, SnapshotCountsEachBlobOutcomeUnderItsOwnField) {
    Metrics m;
    m.blob_finished(BlobOutcome::mounted);
    m.blob_finished(BlobOutcome::existing);
    m.blob_finished(BlobOutcome::existing);
    m.blob_finished(BlobOutcome::deduped);
    m.blob_finished(BlobOutcome::deduped);
    m.blob_finished(BlobOutcome::deduped);
    const auto s = m.snapshot();
    EXPECT_EQ(s.blobs(BlobOutcome::uploaded), s.blobs_uploaded);
    EXPECT_EQ(s.blobs(BlobOutcome::mounted), 1u);
    EXPECT_EQ(s.blobs(BlobOutcome::existing), 2u);
    EXPECT_EQ(s.blobs(BlobOutcome::deduped), 3u);
    EXPECT_EQ(s.blobs(BlobOutcome::uploaded), 0u);
}

TEST(Metrics, Schema1ConversionsCountInSnapshotAndExposition) {
    Metrics m;
    m.schema1_converted();
    m.schema1_converted();
    EXPECT_EQ(m.snapshot().schema1_conversions, 2u);
    EXPECT_EQ(series_value(m.text_exposition(), "regmigrate_schema1_conversions_total"), 2);
}

TEST(Metrics, BytesTransferredAccumulatesInSnapshotAndExposition) {
    Metrics m;
    m.add_bytes_transferred(1000);
    m.add_bytes_transferred(24);
    EXPECT_EQ(m.snapshot().bytes_transferred, 1024u);
    EXPECT_EQ(series_value(m.text_exposition(), "regmigrate_bytes_transferred_total"), 1024);
}

TEST(Metrics, ConnectionsAreCountedBySchemeAndTlsHandshakesByKind) {
    Metrics m;
    m.connection_opened(transport::TlsHandshake::none);
    m.connection_opened(transport::TlsHandshake::full);
    m.connection_opened(transport::TlsHandshake::resumed);
    m.connection_opened(transport::TlsHandshake::resumed);
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, R"(regmigrate_connections_opened_total{scheme="http"})"), 1);
    EXPECT_EQ(series_value(text, R"(regmigrate_connections_opened_total{scheme="https"})"), 3);
    EXPECT_EQ(series_value(text, R"(regmigrate_tls_handshakes_total{kind="full"})"), 1);
    EXPECT_EQ(series_value(text, R"(regmigrate_tls_handshakes_total{kind="resumed"})"), 2);
}

TEST(Metrics, HttpRequestsAreLabelledByMethodAndCode) {
    Metrics m;
    m.http_request("GET", 200);
    m.http_request("GET", 200);
    m.http_request("HEAD", 404);
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, R"(regmigrate_http_requests_total{code="200",method="GET"})"), 2);
    EXPECT_EQ(series_value(text, R"(regmigrate_http_requests_total{code="404",method="HEAD"})"), 1);
}

TEST(Metrics, UncommonMethodsAndCodesAreCountedToo) {
    Metrics m;
    m.http_request("OPTIONS", 204);
    m.http_request("GET", 0);
    m.http_request("GET", 999);
    m.http_request("GET", 999);
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, R"(regmigrate_http_requests_total{code="204",method="OPTIONS"})"),
              1);
    EXPECT_EQ(series_value(text, R"(regmigrate_http_requests_total{code="0",method="GET"})"), 1);
    EXPECT_EQ(series_value(text, R"(regmigrate_http_requests_total{code="999",method="GET"})"), 2);
    EXPECT_EQ(m.snapshot().http_requests, 4u);
}

TEST(Metrics, ConcurrentHttpRequestsAreAllCounted) {
    Metrics m;
    constexpr int threads = 4;
    constexpr int per_thread = 20000;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&m, t] {
            for (int i = 0; i < per_thread; ++i) {
                m.http_request(t % 2 == 0 ? "GET" : "PUT", 200 + (i % 3));
            }
        });
    }
    for (auto& th : pool) {
        th.join();
    }
    const std::string text = m.text_exposition();
    double sum = 0;
    for (const char* method : {"GET", "PUT"}) {
        for (int code = 200; code < 203; ++code) {
            sum += series_value(text, "regmigrate_http_requests_total{code=\"" +
                                          std::to_string(code) + "\",method=\"" + method + "\"}");
        }
    }
    EXPECT_EQ(sum, threads * per_thread);
    EXPECT_EQ(m.snapshot().http_requests, static_cast<uint64_t>(threads * per_thread));
}

TEST(Metrics, RetriesAreLabelledByReason) {
    Metrics m;
    m.retry("timeout");
    m.retry("timeout");
    m.retry("503");
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, R"(regmigrate_retries_total{reason="timeout"})"), 2);
    EXPECT_EQ(series_value(text, R"(regmigrate_retries_total{reason="503"})"), 1);
    EXPECT_EQ(m.snapshot().retries, 3u);
}

TEST(Metrics, InflightGaugeFollowsStartsAndFinishes) {
    Metrics m;
    m.transfer_started();
    m.transfer_started();
    m.transfer_started();
    m.transfer_finished();
    EXPECT_EQ(m.snapshot().inflight, 2);
    EXPECT_EQ(series_value(m.text_exposition(), "regmigrate_inflight_transfers"), 2);
}

TEST(Metrics, QueueDepthIsSetNotAccumulated) {
    Metrics m;
    m.set_queue_depth(40);
    m.set_queue_depth(7);
    EXPECT_EQ(m.snapshot().queue_depth, 7);
    EXPECT_EQ(series_value(m.text_exposition(), "regmigrate_queue_depth"), 7);
}

TEST(Metrics, TransferLimitIsTheLatestValueSet) {
    Metrics m;
    m.set_transfer_limit(8);
    m.set_transfer_limit(16);
    m.set_transfer_limit(12);
    EXPECT_EQ(series_value(m.text_exposition(), "regmigrate_transfer_limit"), 12);
}

TEST(Metrics, TransferLimitKeepsTheHighestAndLowestOfTheRun) {
    Metrics m;
    m.set_transfer_limit(8);
    m.set_transfer_limit(32);
    m.set_transfer_limit(4);
    m.set_transfer_limit(6);
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, "regmigrate_transfer_limit_highest"), 32);
    EXPECT_EQ(series_value(text, "regmigrate_transfer_limit_lowest"), 4);
}

TEST(Metrics, FirstTransferLimitIsBothHighestAndLowest) {
    Metrics m;
    m.set_transfer_limit(8);
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, "regmigrate_transfer_limit_highest"), 8);
    EXPECT_EQ(series_value(text, "regmigrate_transfer_limit_lowest"), 8);
}

TEST(Metrics, BlobTransferHistogramHasBucketsFromTenMillisecondsToFiveMinutes) {
    Metrics m;
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, R"(regmigrate_blob_transfer_seconds_bucket{le="0.01"})"), 0);
    EXPECT_EQ(series_value(text, R"(regmigrate_blob_transfer_seconds_bucket{le="1"})"), 0);
    EXPECT_EQ(series_value(text, R"(regmigrate_blob_transfer_seconds_bucket{le="300"})"), 0);
    EXPECT_EQ(series_value(text, R"(regmigrate_blob_transfer_seconds_bucket{le="+Inf"})"), 0);
    EXPECT_EQ(blob_transfer_buckets().front(), 0.01);
    EXPECT_EQ(blob_transfer_buckets().back(), 300);
}

TEST(Metrics, BlobTransferObservationsLandInCumulativeBuckets) {
    Metrics m;
    m.observe_blob_transfer(0.4);
    m.observe_blob_transfer(42);
    m.observe_blob_transfer(1000);
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, R"(regmigrate_blob_transfer_seconds_bucket{le="0.25"})"), 0);
    EXPECT_EQ(series_value(text, R"(regmigrate_blob_transfer_seconds_bucket{le="0.5"})"), 1);
    EXPECT_EQ(series_value(text, R"(regmigrate_blob_transfer_seconds_bucket{le="60"})"), 2);
    EXPECT_EQ(series_value(text, R"(regmigrate_blob_transfer_seconds_bucket{le="300"})"), 2);
    EXPECT_EQ(series_value(text, R"(regmigrate_blob_transfer_seconds_bucket{le="+Inf"})"), 3);
    EXPECT_EQ(series_value(text, "regmigrate_blob_transfer_seconds_count"), 3);
    EXPECT_DOUBLE_EQ(series_value(text, "regmigrate_blob_transfer_seconds_sum"), 1042.4);
}

TEST(Metrics, MarkSuccessStoresTheCurrentUnixTime) {
    Metrics m;
    EXPECT_EQ(series_value(m.text_exposition(), "regmigrate_last_success_timestamp_seconds"), 0);
    const auto now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    m.mark_success();
    EXPECT_NEAR(series_value(m.text_exposition(), "regmigrate_last_success_timestamp_seconds"), now,
                5.0);
}

TEST(Metrics, RegistryIsTheOneBehindTheExposition) {
    Metrics m;
    m.manifest_pushed();
    const auto families = m.registry()->Collect();
    bool found = false;
    for (const auto& family : families) {
        if (family.name == "regmigrate_manifests_pushed_total") {
            found = true;
            ASSERT_EQ(family.metric.size(), 1u);
            EXPECT_EQ(family.metric[0].counter.value, 1);
        }
    }
    EXPECT_TRUE(found);
}

TEST(Metrics, TagDeletionsAreCountedUnderTheirLabelFromZero) {
    Metrics m;
    for (const auto outcome : all_deletion_outcomes) {
        EXPECT_EQ(series_value(m.text_exposition(), "regmigrate_tag_deletions_total{result=\"" +
                                                        std::string(to_string(outcome)) + "\"}"),
                  0);
    }
    m.tag_deletion(DeletionOutcome::deleted);
    m.tag_deletion(DeletionOutcome::deleted);
    m.tag_deletion(DeletionOutcome::kept);
    const std::string text = m.text_exposition();
    EXPECT_EQ(series_value(text, R"(regmigrate_tag_deletions_total{result="deleted"})"), 2);
    EXPECT_EQ(series_value(text, R"(regmigrate_tag_deletions_total{result="kept"})"), 1);
}

TEST(Metrics, SnapshotCountsTagsUntaggedAndDeleted) {
    Metrics m;
    m.tag_deletion(DeletionOutcome::untagged);
    m.tag_deletion(DeletionOutcome::deleted);
    m.tag_deletion(DeletionOutcome::deleted);
    m.tag_deletion(DeletionOutcome::failed);
    const auto s = m.snapshot();
    EXPECT_EQ(s.tags_untagged, 1u);
    EXPECT_EQ(s.tags_deleted, 2u);
}

}  // namespace
}  // namespace regmigrate::metrics

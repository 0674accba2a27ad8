// The fixtures' reader of the Prometheus text format, which the sync tests trust to
// compare a metrics file with a report.
#include "tests/support/prometheus_text.hpp"

#include <gtest/gtest.h>

namespace regmigrate::testing {
namespace {

constexpr const char* kExposition = R"(# HELP regmigrate_blobs_total Blobs by outcome
# TYPE regmigrate_blobs_total counter
regmigrate_blobs_total{result="uploaded"} 52
regmigrate_blobs_total{result="mounted"} 40
regmigrate_http_requests_total{method="HEAD",code="200"} 18
regmigrate_http_requests_total{method="HEAD",code="404"} 2 1700000000000
regmigrate_http_requests_total{method="GET",code="200"} 7
regmigrate_bytes_transferred_total 2.849610e+05
odd_label{text="a \"quoted\", comma"} 1
)";

TEST(PrometheusTextTest, SumsSamplesWhoseLabelsIncludeTheAskedOnes) {
    const auto metrics = parse_metrics_text(kExposition).value();
    EXPECT_EQ(metrics.sum("regmigrate_http_requests_total", {{"method", "HEAD"}}), 20.0);
    EXPECT_EQ(metrics.sum("regmigrate_http_requests_total"), 27.0);
    EXPECT_EQ(metrics.sum("regmigrate_blobs_total", {{"result", "mounted"}}), 40.0);
}

TEST(PrometheusTextTest, ReadsScientificValuesAndUnlabelledSamples) {
    const auto metrics = parse_metrics_text(kExposition).value();
    EXPECT_EQ(metrics.sum("regmigrate_bytes_transferred_total"), 284961.0);
}

TEST(PrometheusTextTest, UnescapesQuotedLabelValues) {
    const auto metrics = parse_metrics_text(kExposition).value();
    EXPECT_EQ(metrics.sum("odd_label", {{"text", "a \"quoted\", comma"}}), 1.0);
}

TEST(PrometheusTextTest, AbsentMetricSumsToZero) {
    const auto metrics = parse_metrics_text(kExposition).value();
    EXPECT_FALSE(metrics.has("regmigrate_retries_total"));
    EXPECT_EQ(metrics.sum("regmigrate_retries_total"), 0.0);
}

TEST(PrometheusTextTest, MalformedSampleIsAProtocolErrorQuotingTheLine) {
    const auto metrics = parse_metrics_text("broken{result=\"x\" 1\n");
    ASSERT_FALSE(metrics);
    EXPECT_EQ(metrics.error().kind, ErrorKind::protocol);
    EXPECT_NE(metrics.error().message.find("broken{"), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::testing

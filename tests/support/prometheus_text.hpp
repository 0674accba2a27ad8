// The Prometheus text exposition format (0.0.4) read back for assertions: what a
// --metrics-file holds, parsed independently of the product's metrics code.
#pragma once

#include "transport/error.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::testing {

struct MetricSample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

class MetricsText {
  public:
    explicit MetricsText(std::vector<MetricSample> samples) : samples_(std::move(samples)) {}

    // Sum of every sample called `name` whose labels include all of `labels`; 0 when none.
    double sum(std::string_view name, const std::map<std::string, std::string>& labels = {}) const;
    bool has(std::string_view name) const;
    const std::vector<MetricSample>& samples() const { return samples_; }

  private:
    std::vector<MetricSample> samples_;
};

// Comments and blank lines are skipped; a malformed sample line is an ErrorKind::protocol
// error quoting it.
Expected<MetricsText> parse_metrics_text(std::string_view text);
// ErrorKind::io when the file cannot be read.
Expected<MetricsText> read_metrics_file(const std::filesystem::path& file);

}  // namespace regmigrate::testing

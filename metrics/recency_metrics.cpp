#include "metrics/recency_metrics.hpp"

#include <string>

namespace regmigrate::metrics {

RecencyMetrics::RecencyMetrics(Metrics& metrics) {
    auto& registry = *metrics.registry();
    left_out_ = &prometheus::BuildCounter()
                     .Name("regmigrate_tags_left_out_total")
                     .Help("Selected tags the recency filters left out, by reason.")
                     .Register(registry);
    // Both reasons exported from the start, so a dashboard sees zeros rather than nothing.
    left_out_->Add({{"reason", "older"}});
    left_out_->Add({{"reason", "beyond_last"}});
    undated_ = &prometheus::BuildCounter()
                    .Name("regmigrate_tags_undated_total")
                    .Help(
                        "Tags kept by the recency filters because their creation date could "
                        "not be read.")
                    .Register(registry)
                    .Add({});
}

void RecencyMetrics::left_out(std::string_view reason, std::uint64_t count) {
    left_out_->Add({{"reason", std::string(reason)}}).Increment(static_cast<double>(count));
}

void RecencyMetrics::undated(std::uint64_t count) {
    undated_->Increment(static_cast<double>(count));
}

}  // namespace regmigrate::metrics

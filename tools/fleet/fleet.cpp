#include "tools/fleet/fleet.hpp"

#include "tools/fleet/storage_writer.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

namespace regmigrate::fleet {

namespace {

// Plan indexes [begin, end) of each repository; plans are repository-major.
std::vector<std::pair<std::size_t, std::size_t>> repository_ranges(
    const std::vector<ImagePlan>& plans) {
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        if (i == 0 || plans[i].repository != plans[i - 1].repository) {
            ranges.emplace_back(i, i);
        }
        ranges.back().second = i + 1;
    }
    return ranges;
}

class FirstError {
  public:
    void set(Error error) {
        std::lock_guard lock(mutex_);
        if (!error_) {
            error_ = std::move(error);
        }
        failed_ = true;
    }
    bool failed() const { return failed_; }
    std::optional<Error> take() { return std::move(error_); }

  private:
    std::mutex mutex_;
    std::optional<Error> error_;
    std::atomic<bool> failed_{false};
};

}  // namespace

Expected<FleetSummary> write_fleet(const FleetSpec& spec, const SinkFactory& make_sink,
                                   unsigned jobs) {
    const std::vector<ImagePlan> plans = plan_fleet(spec);
    PushedBlobs blobs;
    FleetSummary summary;
    summary.images = plans.size();
    summary.tagged.resize(plans.size());
    if (plans.empty()) {
        return summary;
    }
    {
        const auto seeder = make_sink();
        ImagePusher pusher(*seeder, blobs);
        for (const auto& layer : plan_base_layers(spec)) {
            auto pushed = pusher.push_layer(plans.front().repository, layer, plans.front().format);
            if (!pushed) {
                return with_context(pushed.error(), "pushing base layers");
            }
        }
    }

    const auto ranges = repository_ranges(plans);
    std::atomic<std::size_t> next_range{0};
    FirstError first_error;
    auto work = [&] {
        const auto thread_sink = make_sink();
        ImagePusher pusher(*thread_sink, blobs);
        for (std::size_t r = next_range++; r < ranges.size() && !first_error.failed();
             r = next_range++) {
            for (std::size_t i = ranges[r].first; i < ranges[r].second; ++i) {
                auto pushed = pusher.push(plans[i]);
                if (!pushed) {
                    first_error.set(with_context(
                        pushed.error(), "pushing " + plans[i].repository + ":" + plans[i].tag));
                    return;
                }
                summary.tagged[i] = std::move(*pushed);
            }
        }
    };
    std::vector<std::jthread> threads;
    const unsigned thread_count =
        std::clamp<unsigned>(jobs, 1, static_cast<unsigned>(ranges.size()));
    for (unsigned t = 0; t < thread_count; ++t) {
        threads.emplace_back(work);
    }
    threads.clear();
    if (auto error = first_error.take()) {
        return *error;
    }
    for (const auto& plan : plans) {
        summary.manifests += plan.platforms.size() + (plan.multiarch() ? 1 : 0);
    }
    summary.unique_blobs = blobs.blob_count();
    summary.unique_blob_bytes = blobs.blob_bytes();
    return summary;
}

Expected<FleetSummary> push_fleet(const FleetSpec& spec, const WriterOptions& writer,
                                  unsigned jobs) {
    if (auto endpoint = split_host_port(writer.registry); !endpoint) {
        return endpoint.error();
    }
    return write_fleet(
        spec, [&writer] { return std::make_unique<RegistryWriter>(writer); }, jobs);
}

Expected<FleetSummary> store_fleet(const FleetSpec& spec, const std::filesystem::path& storage_root,
                                   unsigned jobs) {
    return write_fleet(
        spec, [&storage_root] { return std::make_unique<StorageWriter>(storage_root); }, jobs);
}

}  // namespace regmigrate::fleet

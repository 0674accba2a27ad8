#include "engine/run/created_dates.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "engine/copy/image_graph.hpp"
#include "transport/http/read_body.hpp"
#include "transport/log.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

// An index of indexes is legal; deeper than this is a loop or an attack.
constexpr std::size_t max_index_depth = 4;

asio::awaitable<Expected<std::string>> read_config(ImageSource& source,
                                                   const registry::Descriptor& config) {
    if (config.size > max_dated_config_bytes) {
        co_return make_error(ErrorKind::too_large, "config " + config.digest + " is " +
                                                       std::to_string(config.size) + " bytes");
    }
    auto reader = co_await source.open_blob(config.digest, config.size);
    if (!reader)
        co_return reader.error();
    std::string what = "config " + config.digest;
    co_return co_await transport::read_to_string((*reader)->body(), max_dated_config_bytes,
                                                 std::move(what),
                                                 static_cast<std::size_t>(config.size));
}

// An image's config `created`; a schema1 manifest has no config: it is undated.
asio::awaitable<Expected<std::optional<TimePoint>>> image_date(ImageSource& source,
                                                               const registry::Manifest& image) {
    if (!image.config)
        co_return std::optional<TimePoint>();
    auto config = co_await read_config(source, *image.config);
    if (!config)
        co_return config.error();
    co_return image_created(*config);
}

}  // namespace

std::string encode_created(std::optional<TimePoint> created) {
    return created ? std::to_string(created->time_since_epoch().count()) : "-";
}

std::optional<std::optional<TimePoint>> decode_created(std::string_view field) {
    if (field == "-")
        return std::optional<TimePoint>();
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), seconds);
    if (ec != std::errc() || end != field.data() + field.size() || field.empty())
        return std::nullopt;
    return std::optional<TimePoint>(TimePoint(std::chrono::seconds(seconds)));
}

std::optional<std::optional<TimePoint>> CreatedDates::find(const std::string& digest) const {
    std::lock_guard lock(mutex_);
    const auto found = dates_.find(digest);
    if (found == dates_.end())
        return std::nullopt;
    return found->second;
}

void CreatedDates::remember(const std::string& digest, std::optional<TimePoint> created) {
    Journal* journal = nullptr;
    {
        std::lock_guard lock(mutex_);
        if (!dates_.emplace(digest, created).second)
            return;
        journal = journal_;
    }
    if (journal) {
        JournalRecord record{.kind = JournalRecord::Kind::created, .digest = digest};
        record.created = encode_created(created);
        journal->record(record);
    }
}

void CreatedDates::resume_from(Journal& journal) {
    std::lock_guard lock(mutex_);
    for (const auto& record : journal.loaded().records) {
        if (record.kind != JournalRecord::Kind::created)
            continue;
        if (auto created = decode_created(record.created))
            dates_.emplace(record.digest, *created);
    }
    journal_ = &journal;
}

std::size_t CreatedDates::size() const {
    std::lock_guard lock(mutex_);
    return dates_.size();
}

asio::awaitable<Expected<std::optional<TimePoint>>> read_created(ImageSource& source,
                                                                 std::string reference) {
    auto data = co_await source.read_manifest(std::move(reference));
    if (!data)
        co_return data.error();
    if (!data->manifest.is_index())
        co_return co_await image_date(source, data->manifest);
    // The children one at a time, as the dates of several tags are read at once already.
    auto graph = co_await read_image_graph(source, *data, 1, max_index_depth);
    if (!graph)
        co_return graph.error();
    std::optional<TimePoint> newest;
    for (const auto& level : graph->levels) {
        for (const auto& child : level) {
            if (child.manifest.is_index())
                continue;
            auto created = co_await image_date(source, child.manifest);
            if (!created)
                co_return created.error();
            if (*created && (!newest || **created > *newest))
                newest = *created;
        }
    }
    co_return newest;
}

asio::awaitable<std::vector<DatedTag>> date_tags(ImageSource& source,
                                                 const std::vector<std::string>& tags,
                                                 std::size_t bound, CreatedDates& dates) {
    std::vector<DatedTag> dated;
    for (const auto& tag : tags)
        dated.push_back(DatedTag{tag, std::nullopt});
    const IndexedWork date = [&](std::size_t i) -> asio::awaitable<Expected<void>> {
        const auto unreadable = [&](const Error& error) {
            log(LogLevel::warn, "tag kept: its creation date cannot be read",
                {{"image", source.describe() + ":" + tags[i]}, {"error", error.message}});
        };
        auto head = co_await source.tag_digest(tags[i]);
        if (!head) {
            unreadable(head.error());
            co_return Expected<void>{};
        }
        // Gone since it was listed: the copy will say so.
        if (!*head)
            co_return Expected<void>{};
        const std::string digest = (*head)->digest;
        if (auto known = dates.find(digest)) {
            dated[i].created = *known;
            co_return Expected<void>{};
        }
        auto created = co_await read_created(source, digest);
        if (!created) {
            unreadable(created.error());
            co_return Expected<void>{};
        }
        dates.remember(digest, *created);
        dated[i].created = *created;
        co_return Expected<void>{};
    };
    // A step fails only by an exception; the tags it and those after it leave undated are
    // kept, as any tag whose date cannot be read.
    (void)co_await for_each_bounded(tags.size(), bound, date);
    co_return dated;
}

}  // namespace regmigrate::engine

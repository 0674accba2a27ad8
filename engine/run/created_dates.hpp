// The creation dates the recency filters decide on (engine/plan/recency_filter.hpp), read
// through an ImageSource: a tag's digest, then, unless that digest was dated before (by this
// run or, through the journal, an earlier one), its manifest, an index's children and each
// image's config. Only runs with a recency filter read any of it.
#pragma once

#include "engine/copy/image_source.hpp"
#include "engine/plan/recency_filter.hpp"
#include "engine/state/journal.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace regmigrate::engine {

// A created record's field: Unix seconds, or "-" for an image without a readable date.
std::string encode_created(std::optional<TimePoint> created);
// nullopt when the field is neither (a damaged record: the image is dated again).
std::optional<std::optional<TimePoint>> decode_created(std::string_view field);

// Creation dates by manifest digest; a digest names the same bytes for ever, so a date once
// read holds in every later run. Thread-safe.
class CreatedDates {
  public:
    // Known: the date, or an empty optional for an image that carries none.
    std::optional<std::optional<TimePoint>> find(const std::string& digest) const;
    // Remembers the date and records it in the journal (when resumed from one).
    void remember(const std::string& digest, std::optional<TimePoint> created);
    // Takes the created records of an earlier run; from now on remember() records there.
    void resume_from(Journal& journal);
    std::size_t size() const;

  private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::optional<TimePoint>> dates_;
    Journal* journal_ = nullptr;
};

// Configs larger than this are not read: no real one comes near it.
inline constexpr std::uint64_t max_dated_config_bytes = 4 * 1024 * 1024;

// The date of the image or index under reference: an image's config `created`, an index's
// newest child's (nullopt when none has one). An error when a manifest or config cannot be
// read (then nothing is remembered: the next run tries again).
boost::asio::awaitable<Expected<std::optional<TimePoint>>> read_created(ImageSource& source,
                                                                        std::string reference);

// The creation date of each tag, in the order given (nullopt where it cannot be read: the
// recency filters keep such a tag), at most `bound` tags read at once on the calling
// coroutine's single-threaded executor. A tag that cannot be read is logged as a warning.
boost::asio::awaitable<std::vector<DatedTag>> date_tags(ImageSource& source,
                                                        const std::vector<std::string>& tags,
                                                        std::size_t bound, CreatedDates& dates);

}  // namespace regmigrate::engine

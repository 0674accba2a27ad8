// The image records of a long run, kept on disk instead of in memory: a run of a million
// tags would otherwise hold a million records (about 1 KB each with their strings) until its
// report is written. Records are buffered up to a bound, sorted by source and appended to an
// unlinked temporary file as one sorted run; reading them back merges the runs (and what is
// still buffered) into a single sequence ordered by source, the report's order. Memory stays
// flat: the buffer, plus one file offset per run.
#pragma once

#include "engine/run/run_report.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace regmigrate::engine {

// One record as the spill file holds it: each string as a 32-bit length and its bytes, then
// the status (one byte) and the size (8 bytes). Decoding takes a record off the front of `in`;
// nullopt (in untouched) when in holds no complete record.
void encode_record(const ImageRecord& record, std::string& out);
std::optional<ImageRecord> decode_record(std::string_view& in);

class RecordSpill {
  public:
    // Records buffered before they are written out as one sorted run.
    static constexpr std::size_t default_run_size = 4096;

    // A temporary file in directory, unlinked at once: it never outlives the process, even a
    // killed one, and nobody else can open it.
    static Expected<std::unique_ptr<RecordSpill>> create(const std::filesystem::path& directory,
                                                         std::size_t run_size = default_run_size);
    ~RecordSpill();
    RecordSpill(const RecordSpill&) = delete;
    RecordSpill& operator=(const RecordSpill&) = delete;

    // Not thread-safe (the caller serializes). The error of a run that could not be written
    // is returned once; its records, and every later one, then stay in memory (none is lost).
    Expected<void> add(ImageRecord record);

    std::size_t size() const { return size_; }
    std::size_t count(ImageOutcome status) const;
    // Every record added, ordered by source (records with the same source in the order added).
    Expected<void> for_each(const std::function<void(const ImageRecord&)>& visit) const;

  private:
    RecordSpill(int fd, std::size_t run_size);
    Expected<void> write_run();

    int fd_;
    std::size_t run_size_;
    std::vector<ImageRecord> pending_;
    std::vector<std::uint64_t> run_ends_;  // file offset where each run ends
    std::size_t size_ = 0;
    std::array<std::size_t, 8> counts_{};  // by ImageOutcome (8 of them)
    bool broken_ = false;
};

}  // namespace regmigrate::engine

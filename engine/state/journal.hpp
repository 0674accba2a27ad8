// The resume journal of `regmigrate sync`: what earlier runs of the same plan completed,
// so a rerun after a crash or a signal neither moves nor re-checks it.
//
// File format (text, one record a line, append-only):
//   regmigrate-journal v1 plan=<id> pairs=<src>><dst>[,<src>><dst>...]
//   B <registry> <repository> <digest> <crc32>          a blob exists in that repository
//   T <registry> <repository> <tag> <digest> <crc32>    the tag points at that manifest
//   C <digest> <created> <crc32>   the source image with that manifest digest was created
//                                  then (Unix seconds; "-": it carries no readable date)
// Registry and repository are the destination's. A C record holds for ever: a digest names
// the same bytes everywhere. Fields never hold whitespace; crc32 (8
// hex digits) covers the line before it, so a line damaged by a crash is not trusted.
// A line without its '\n' (torn by a crash mid-write) is ignored and cut off before the
// next append; a complete line that does not decode is ignored and counted.
//
// Durability: records are buffered and written in batches, when the buffer reaches
// JournalOptions::flush_bytes, every flush_interval and on close. Each batch is write()n
// then fdatasync()ed. A SIGKILL therefore loses at most the records of the last
// flush_interval (the rerun re-checks those blobs with a HEAD, it does not move them);
// power loss loses at most the batch being synced.
#pragma once

#include "engine/plan/sync_plan.hpp"
#include "transport/error.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace regmigrate::engine {

struct JournalRecord {
    enum class Kind { blob, tag, created };
    Kind kind = Kind::blob;
    std::string registry;    // destination host[:port]; not in created records
    std::string repository;  // destination repository; not in created records
    std::string tag;         // tag records only
    std::string digest;      // the blob's, or the manifest's the tag points at or was dated
    std::string created;     // created records only: Unix seconds, or "-"

    bool operator==(const JournalRecord&) const = default;
};

// Longer lines are refused by both directions of the codec: no name gets near it.
inline constexpr std::size_t journal_max_line = 4096;

// Which plan a journal belongs to: the hash names the default file, the description
// makes a mismatch readable.
struct JournalPlan {
    std::string id;           // 16 hex digits of SHA-256 over the description
    std::string description;  // "src>dst,src>dst" over the plan's pairs, in order
};
JournalPlan journal_plan(const SyncPlan& plan);

// "regmigrate-journal v1 plan=<id> pairs=<description>\n"
std::string encode_journal_header(const JournalPlan& plan);
// One line without its '\n'.
Expected<JournalPlan> decode_journal_header(std::string_view line);

// One line ending in '\n'; ErrorKind::invalid_argument when a field is empty, holds
// whitespace or control characters, or the line would exceed journal_max_line.
Expected<std::string> encode_journal_record(const JournalRecord& record);
// One line without its '\n'; ErrorKind::protocol naming what is wrong.
Expected<JournalRecord> decode_journal_record(std::string_view line);

struct JournalContents {
    JournalPlan plan;  // empty id: no (complete) header yet
    std::vector<JournalRecord> records;
    std::size_t ignored_lines = 0;  // complete lines that did not decode
    std::size_t whole_bytes = 0;    // bytes up to the end of the last complete line
};
// A whole journal file. Text without a complete first line is an empty journal; a first
// line that is not a header is an ErrorKind::protocol error.
Expected<JournalContents> parse_journal(std::string_view text);

// $XDG_STATE_HOME/regmigrate/<id>.journal, else ~/.local/state/regmigrate/<id>.journal.
std::filesystem::path default_journal_path(const JournalPlan& plan);

struct JournalOptions {
    std::size_t flush_bytes = 64 * 1024;  // a batch this large is written at once
    std::chrono::milliseconds flush_interval{200};
};

class Journal {
  public:
    // Opens (creating it and its directory) and loads the journal at path, locked against
    // a concurrent run. A journal of another plan is an ErrorKind::invalid_argument error
    // naming both plans. A torn last line is cut off.
    static Expected<std::unique_ptr<Journal>> open(const std::filesystem::path& path,
                                                   const JournalPlan& plan,
                                                   JournalOptions options = {});
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    // What earlier runs recorded.
    const JournalContents& loaded() const { return loaded_; }
    const std::filesystem::path& path() const { return path_; }

    // Buffers one record; thread-safe. A record that does not encode is dropped with a
    // warning: losing it costs a rerun a check, never correctness.
    void record(const JournalRecord& record);
    // Writes and syncs what is buffered.
    Expected<void> flush();
    // Stops the interval flusher and flushes; idempotent.
    Expected<void> close();

  private:
    Journal(std::filesystem::path path, int fd, JournalContents loaded, JournalOptions options);
    void flush_periodically();

    std::filesystem::path path_;
    int fd_;
    JournalContents loaded_;
    JournalOptions options_;

    std::mutex write_mutex_;  // one batch on its way to the file at a time, in order
    std::mutex mutex_;        // guards the members below
    std::condition_variable wake_;
    std::string buffer_;
    bool closing_ = false;
    bool write_failed_ = false;  // warned once
    std::thread flusher_;
};

}  // namespace regmigrate::engine

#include "engine/run/record_spill.hpp"

#include "engine/state/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>

namespace regmigrate::engine {

namespace {

void put_string(std::string& out, std::string_view text) {
    const auto length = static_cast<std::uint32_t>(text.size());
    char bytes[4];
    std::memcpy(bytes, &length, sizeof bytes);
    out.append(bytes, sizeof bytes);
    out.append(text);
}

// Takes one length-prefixed string off the front of in; false when in is too short.
bool take_string(std::string_view& in, std::string& out) {
    std::uint32_t length = 0;
    if (in.size() < sizeof length)
        return false;
    std::memcpy(&length, in.data(), sizeof length);
    if (in.size() - sizeof length < length)
        return false;
    out.assign(in.substr(sizeof length, length));
    in.remove_prefix(sizeof length + length);
    return true;
}

Error spill_error(const std::string& step) {
    return make_error(ErrorKind::io, "cannot " + step + " the report's temporary records: " +
                                         std::strerror(errno));
}

// Bytes read from a run at once: the merge holds one such buffer per run (a million records
// make about 250 runs, 4 MiB of buffers).
constexpr std::size_t read_chunk = 16 * 1024;

// One sorted run of the file, read back record by record through a small buffer.
class RunReader {
  public:
    RunReader(int fd, std::uint64_t begin, std::uint64_t end) : fd_(fd), next_(begin), end_(end) {}

    // The next record; nullopt at the end of the run.
    Expected<std::optional<ImageRecord>> next() {
        while (true) {
            std::string_view rest(buffer_.data() + used_, buffer_.size() - used_);
            const std::size_t before = rest.size();
            if (auto record = decode_record(rest)) {
                used_ += before - rest.size();
                return record;
            }
            if (next_ == end_) {
                if (before == 0)
                    return std::optional<ImageRecord>();
                errno = EIO;
                return spill_error("read a truncated record of");
            }
            buffer_.erase(0, used_);
            used_ = 0;
            const std::size_t chunk =
                static_cast<std::size_t>(std::min<std::uint64_t>(end_ - next_, read_chunk));
            const std::size_t kept = buffer_.size();
            buffer_.resize(kept + chunk);
            const ssize_t got =
                ::pread(fd_, buffer_.data() + kept, chunk, static_cast<off_t>(next_));
            if (got < 0 && errno == EINTR) {
                buffer_.resize(kept);
                continue;
            }
            if (got <= 0) {
                if (got == 0)
                    errno = EIO;
                return spill_error("read");
            }
            buffer_.resize(kept + static_cast<std::size_t>(got));
            next_ += static_cast<std::uint64_t>(got);
        }
    }

  private:
    int fd_;
    std::uint64_t next_;
    std::uint64_t end_;
    std::string buffer_;
    std::size_t used_ = 0;
};

bool by_source(const ImageRecord& a, const ImageRecord& b) {
    return a.source < b.source;
}

}  // namespace

void encode_record(const ImageRecord& record, std::string& out) {
    for (const std::string* field :
         {&record.source, &record.destination, &record.digest, &record.error, &record.source_digest,
          &record.failure_summary}) {
        put_string(out, *field);
    }
    out.push_back(static_cast<char>(record.status));
    char size[sizeof record.size];
    std::memcpy(size, &record.size, sizeof size);
    out.append(size, sizeof size);
}

std::optional<ImageRecord> decode_record(std::string_view& in) {
    std::string_view rest = in;
    ImageRecord record;
    for (std::string* field : {&record.source, &record.destination, &record.digest, &record.error,
                               &record.source_digest, &record.failure_summary}) {
        if (!take_string(rest, *field))
            return std::nullopt;
    }
    if (rest.size() < 1 + sizeof record.size)
        return std::nullopt;
    record.status = static_cast<ImageOutcome>(static_cast<unsigned char>(rest.front()));
    std::memcpy(&record.size, rest.data() + 1, sizeof record.size);
    rest.remove_prefix(1 + sizeof record.size);
    in = rest;
    return record;
}

Expected<std::unique_ptr<RecordSpill>> RecordSpill::create(const std::filesystem::path& directory,
                                                           std::size_t run_size) {
    std::string name =
        (directory.empty() ? std::filesystem::path(".") : directory) / ".regmigrate-records.XXXXXX";
    const int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0)
        return spill_error("create (in " + directory.string() + ")");
    ::unlink(name.c_str());
    return std::unique_ptr<RecordSpill>(new RecordSpill(fd, std::max<std::size_t>(run_size, 1)));
}

RecordSpill::RecordSpill(int fd, std::size_t run_size) : fd_(fd), run_size_(run_size) {
    pending_.reserve(run_size_);
}

RecordSpill::~RecordSpill() {
    ::close(fd_);
}

std::size_t RecordSpill::count(ImageOutcome status) const {
    const auto index = static_cast<std::size_t>(status);
    return index < counts_.size() ? counts_[index] : 0;
}

Expected<void> RecordSpill::add(ImageRecord record) {
    const auto index = static_cast<std::size_t>(record.status);
    if (index < counts_.size())
        ++counts_[index];
    ++size_;
    pending_.push_back(std::move(record));
    if (broken_ || pending_.size() < run_size_)
        return {};
    auto written = write_run();
    broken_ = !written;
    return written;
}

Expected<void> RecordSpill::write_run() {
    std::stable_sort(pending_.begin(), pending_.end(), by_source);
    std::string bytes;
    for (const auto& record : pending_)
        encode_record(record, bytes);
    const std::uint64_t begin = run_ends_.empty() ? 0 : run_ends_.back();
    if (::lseek(fd_, static_cast<off_t>(begin), SEEK_SET) < 0 || !write_all(fd_, bytes))
        return spill_error("write");
    run_ends_.push_back(begin + bytes.size());
    pending_.clear();
    return {};
}

Expected<void> RecordSpill::for_each(const std::function<void(const ImageRecord&)>& visit) const {
    // The runs on file, then what is still buffered (sorted here, by index: this is const).
    std::vector<RunReader> runs;
    for (std::size_t run = 0; run < run_ends_.size(); ++run)
        runs.emplace_back(fd_, run == 0 ? 0 : run_ends_[run - 1], run_ends_[run]);
    std::vector<const ImageRecord*> buffered;
    for (const auto& record : pending_)
        buffered.push_back(&record);
    std::stable_sort(buffered.begin(), buffered.end(),
                     [](const ImageRecord* a, const ImageRecord* b) { return by_source(*a, *b); });
    std::size_t next_buffered = 0;

    // The head record of every source; the smallest source first, ties to the earlier run.
    const std::size_t sources = runs.size() + 1;
    std::vector<std::optional<ImageRecord>> heads(runs.size());
    const auto head = [&](std::size_t source) -> const ImageRecord& {
        return source < runs.size() ? *heads[source] : *buffered[next_buffered];
    };
    const auto later = [&](std::size_t a, std::size_t b) {
        const int order = head(a).source.compare(head(b).source);
        return order != 0 ? order > 0 : a > b;
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> queue(later);
    const auto advance = [&](std::size_t source) -> Expected<void> {
        if (source == runs.size()) {
            if (next_buffered < buffered.size())
                queue.push(source);
            return {};
        }
        auto record = runs[source].next();
        if (!record)
            return record.error();
        heads[source] = std::move(*record);
        if (heads[source])
            queue.push(source);
        return {};
    };
    for (std::size_t source = 0; source < sources; ++source) {
        if (auto started = advance(source); !started)
            return started.error();
    }
    while (!queue.empty()) {
        const std::size_t source = queue.top();
        queue.pop();
        visit(head(source));
        if (source == runs.size())
            ++next_buffered;
        if (auto advanced = advance(source); !advanced)
            return advanced.error();
    }
    return {};
}

}  // namespace regmigrate::engine

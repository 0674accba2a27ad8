#include "engine/state/journal.hpp"

#include "engine/state/file_io.hpp"
#include "engine/state/state_directory.hpp"
#include "registry/content/sha256.hpp"
#include "transport/log.hpp"

#include <boost/crc.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace regmigrate::engine {

namespace {

constexpr std::string_view header_magic = "regmigrate-journal v1";

std::string crc_hex(std::string_view text) {
    boost::crc_32_type crc;
    crc.process_bytes(text.data(), text.size());
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(crc.checksum()));
    return hex;
}

// Printable, no spaces: every field of a line is one of these.
bool is_field(std::string_view field) {
    if (field.empty())
        return false;
    for (const char c : field) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f)
            return false;
    }
    return true;
}

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t space = line.find(' ', start);
        fields.push_back(line.substr(start, space - start));
        if (space == std::string_view::npos)
            return fields;
        start = space + 1;
    }
}

Error io_error(const std::filesystem::path& path, const std::string& what) {
    return make_error(ErrorKind::io,
                      "journal " + path.string() + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

JournalPlan journal_plan(const SyncPlan& plan) {
    JournalPlan identity;
    for (const auto& pair : plan.pairs) {
        if (!identity.description.empty())
            identity.description += ',';
        identity.description += pair.source.host + '>' + pair.destination.host;
    }
    // Shards of one plan may run on one machine at once: each keeps its own journal.
    if (plan.shard.count > 1)
        identity.description += "@shard=" + plan.shard.to_string();
    identity.id = registry::sha256_digest(identity.description).substr(7, 16);
    return identity;
}

std::string encode_journal_header(const JournalPlan& plan) {
    return std::string(header_magic) + " plan=" + plan.id + " pairs=" + plan.description + '\n';
}

Expected<JournalPlan> decode_journal_header(std::string_view line) {
    const auto fields = split_fields(line);
    if (line.size() > journal_max_line || fields.size() != 4 ||
        std::string(fields[0]) + ' ' + std::string(fields[1]) != header_magic ||
        !fields[2].starts_with("plan=") || !fields[3].starts_with("pairs=")) {
        return make_error(ErrorKind::protocol, "not a regmigrate journal header");
    }
    JournalPlan plan{std::string(fields[2].substr(5)), std::string(fields[3].substr(6))};
    if (!is_field(plan.id) || !is_field(plan.description)) {
        return make_error(ErrorKind::protocol, "journal header names no plan");
    }
    return plan;
}

Expected<std::string> encode_journal_record(const JournalRecord& record) {
    std::vector<const std::string*> fields;
    std::string line;
    switch (record.kind) {
        case JournalRecord::Kind::blob:
            line = "B";
            fields = {&record.registry, &record.repository, &record.digest};
            break;
        case JournalRecord::Kind::tag:
            line = "T";
            fields = {&record.registry, &record.repository, &record.tag, &record.digest};
            break;
        case JournalRecord::Kind::created:
            line = "C";
            fields = {&record.digest, &record.created};
            break;
    }
    for (const auto* field : fields) {
        if (!is_field(*field)) {
            return make_error(ErrorKind::invalid_argument,
                              "journal record field \"" + *field + "\" is empty or holds spaces");
        }
        line += ' ' + *field;
    }
    line += ' ' + crc_hex(line) + '\n';
    if (line.size() > journal_max_line) {
        return make_error(ErrorKind::invalid_argument,
                          "journal record over " + std::to_string(journal_max_line) + " bytes");
    }
    return line;
}

Expected<JournalRecord> decode_journal_record(std::string_view line) {
    if (line.size() >= journal_max_line) {
        return make_error(ErrorKind::protocol,
                          "journal line over " + std::to_string(journal_max_line) + " bytes");
    }
    const auto fields = split_fields(line);
    JournalRecord record;
    if (fields[0] == "T" && fields.size() == 6) {
        record.kind = JournalRecord::Kind::tag;
    } else if (fields[0] == "C" && fields.size() == 4) {
        record.kind = JournalRecord::Kind::created;
    } else if (fields[0] != "B" || fields.size() != 5) {
        return make_error(ErrorKind::protocol,
                          "journal line is neither a blob, a tag nor a created record");
    }
    for (const auto field : fields) {
        if (!is_field(field))
            return make_error(ErrorKind::protocol, "journal line has an empty or bad field");
    }
    const std::string_view crc = fields.back();
    if (crc != crc_hex(line.substr(0, line.size() - crc.size() - 1))) {
        return make_error(ErrorKind::protocol, "journal line fails its checksum");
    }
    if (record.kind == JournalRecord::Kind::created) {
        record.digest = fields[1];
        record.created = fields[2];
    } else {
        record.registry = fields[1];
        record.repository = fields[2];
        if (record.kind == JournalRecord::Kind::tag)
            record.tag = fields[3];
        record.digest = fields[fields.size() - 2];
    }
    if (record.digest.find(':') == std::string::npos) {
        return make_error(ErrorKind::protocol, "journal line has no digest");
    }
    return record;
}

Expected<JournalContents> parse_journal(std::string_view text) {
    JournalContents contents;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string_view::npos;
         start = end + 1) {
        const std::string_view line = text.substr(start, end - start);
        if (start == 0) {
            auto plan = decode_journal_header(line);
            if (!plan)
                return plan.error();
            contents.plan = std::move(*plan);
        } else if (auto record = decode_journal_record(line)) {
            contents.records.push_back(std::move(*record));
        } else {
            ++contents.ignored_lines;
        }
        contents.whole_bytes = end + 1;
    }
    return contents;
}

std::filesystem::path default_journal_path(const JournalPlan& plan) {
    return state_directory() / (plan.id + ".journal");
}

Expected<std::unique_ptr<Journal>> Journal::open(const std::filesystem::path& path,
                                                 const JournalPlan& plan, JournalOptions options) {
    std::error_code made;
    if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path(), made);
    if (made) {
        return make_error(ErrorKind::io, "journal " + path.string() + ": " + made.message());
    }
    // Never through a symlink, and readable by its owner only (it names every repository
    // and tag of the plan); a journal left by an older version is narrowed to 0600 too.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return io_error(path, errno == ELOOP ? "is a symlink, not opened" : "cannot open");
    }
    auto fail = [&](Error error) {
        ::close(fd);
        return error;
    };
    if (::fchmod(fd, 0600) != 0)
        return fail(io_error(path, "cannot make private"));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        return fail(make_error(ErrorKind::invalid_argument,
                               "journal " + path.string() + " is in use by another run"));
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto contents = parse_journal(text.str());
    if (!contents) {
        return fail(make_error(ErrorKind::invalid_argument,
                               "journal " + path.string() + ": " + contents.error().message));
    }
    if (!contents->plan.id.empty() && contents->plan.id != plan.id) {
        return fail(make_error(ErrorKind::invalid_argument,
                               "journal " + path.string() + " belongs to plan " +
                                   contents->plan.description + ", not " + plan.description +
                                   ": pass another --journal or remove it"));
    }
    // Cut a torn last line off so the next record starts on a line of its own.
    if (::ftruncate(fd, static_cast<off_t>(contents->whole_bytes)) != 0 ||
        ::lseek(fd, 0, SEEK_END) < 0) {
        return fail(io_error(path, "cannot truncate"));
    }
    if (contents->plan.id.empty()) {
        contents->plan = plan;
        if (!write_all(fd, encode_journal_header(plan)) || ::fdatasync(fd) != 0) {
            return fail(io_error(path, "cannot write"));
        }
    }
    if (contents->ignored_lines > 0) {
        log(LogLevel::warn, "journal lines ignored (damaged)",
            {{"journal", path.string()}, {"lines", std::to_string(contents->ignored_lines)}});
    }
    return std::unique_ptr<Journal>(new Journal(path, fd, std::move(*contents), options));
}

Journal::Journal(std::filesystem::path path, int fd, JournalContents loaded, JournalOptions options)
    : path_(std::move(path)), fd_(fd), loaded_(std::move(loaded)), options_(options) {
    flusher_ = std::thread([this] { flush_periodically(); });
}

Journal::~Journal() {
    (void)close();
    ::close(fd_);  // also releases the lock
}

void Journal::record(const JournalRecord& record) {
    auto line = encode_journal_record(record);
    if (!line) {
        log(LogLevel::warn, "journal record dropped", {{"error", line.error().message}});
        return;
    }
    std::size_t buffered = 0;
    {
        std::lock_guard lock(mutex_);
        buffer_ += *line;
        buffered = buffer_.size();
    }
    // The flusher writes full batches; should it fall behind, callers write themselves so
    // the buffer stays bounded.
    if (buffered >= 4 * options_.flush_bytes) {
        (void)flush();
    } else if (buffered >= options_.flush_bytes) {
        wake_.notify_one();
    }
}

Expected<void> Journal::flush() {
    std::lock_guard writing(write_mutex_);
    std::string batch;
    {
        std::lock_guard lock(mutex_);
        batch.swap(buffer_);
    }
    if (batch.empty())
        return {};
    if (!write_all(fd_, batch) || ::fdatasync(fd_) != 0) {
        auto error = io_error(path_, "cannot write");
        std::lock_guard lock(mutex_);
        if (!write_failed_) {
            write_failed_ = true;
            log(LogLevel::warn, error.message);
        }
        return error;
    }
    return {};
}

void Journal::flush_periodically() {
    std::unique_lock lock(mutex_);
    while (!closing_) {
        wake_.wait_for(lock, options_.flush_interval,
                       [&] { return closing_ || buffer_.size() >= options_.flush_bytes; });
        lock.unlock();
        (void)flush();
        lock.lock();
    }
}

Expected<void> Journal::close() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    wake_.notify_one();
    if (flusher_.joinable())
        flusher_.join();
    return flush();
}

}  // namespace regmigrate::engine

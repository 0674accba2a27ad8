#include "transport/log.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>

namespace regmigrate {
namespace {

struct LoggerState {
    std::mutex mutex;  // guards sink and serialises writes
    FILE* sink = stderr;
    // Read without the mutex: lines are built outside the lock, and filtered-out calls
    // cost one atomic load.
    std::atomic<LogFormat> format{LogFormat::text};
    std::atomic<LogLevel> min_level{LogLevel::info};
};

LoggerState& state() {
    static LoggerState s;
    return s;
}

std::string utc_timestamp() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf, n);
}

bool is_control(char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

void append_escaped_char(std::string& out, char c) {
    switch (c) {
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        default:
            if (is_control(c)) {
                static constexpr char hex[] = "0123456789abcdef";
                out += "\\x";
                out += hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
                out += hex[static_cast<unsigned char>(c) & 0xf];
            } else {
                out += c;
            }
    }
}

// The message stays unquoted, but control characters must not break the one-line rule.
void append_message(std::string& out, std::string_view message) {
    for (char c : message) {
        if (is_control(c)) {
            append_escaped_char(out, c);
        } else {
            out += c;
        }
    }
}

bool needs_quotes(std::string_view value) {
    if (value.empty()) {
        return true;
    }
    for (char c : value) {
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || is_control(c)) {
            return true;
        }
    }
    return false;
}

void append_value(std::string& out, std::string_view value) {
    if (!needs_quotes(value)) {
        out += value;
        return;
    }
    out += '"';
    for (char c : value) {
        append_escaped_char(out, c);
    }
    out += '"';
}

}  // namespace

std::string_view log_level_name(LogLevel level) {
    switch (level) {
        case LogLevel::debug:
            return "debug";
        case LogLevel::info:
            return "info";
        case LogLevel::warn:
            return "warn";
        case LogLevel::error:
            return "error";
    }
    return "info";
}

std::string format_log_text(std::string_view timestamp, LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields) {
    std::string line;
    line.reserve(64 + message.size());
    line += timestamp;
    line += ' ';
    const std::string_view name = log_level_name(level);
    line += name;
    // Pad the level to a fixed width so messages line up in a terminal.
    line.append(6 - name.size(), ' ');
    append_message(line, message);
    for (const auto& [key, value] : fields) {
        line += ' ';
        line += key;
        line += '=';
        append_value(line, value);
    }
    return line;
}

std::string format_log_json(std::string_view timestamp, LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields) {
    boost::json::object obj;
    obj["ts"] = timestamp;
    obj["level"] = log_level_name(level);
    obj["msg"] = message;
    for (const auto& [key, value] : fields) {
        // emplace keeps the first value, so a field cannot overwrite ts, level or msg.
        obj.emplace(key, value);
    }
    return boost::json::serialize(obj);
}

void log_configure(LogFormat format, LogLevel min_level, FILE* sink) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.format.store(format, std::memory_order_relaxed);
    s.sink = sink;
    s.min_level.store(min_level, std::memory_order_relaxed);
}

bool log_enabled(LogLevel level) {
    return level >= state().min_level.load(std::memory_order_relaxed);
}

void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
    if (!log_enabled(level)) {
        return;
    }
    auto& s = state();
    const std::string ts = utc_timestamp();
    std::string line = s.format.load(std::memory_order_relaxed) == LogFormat::json
                           ? format_log_json(ts, level, message, fields)
                           : format_log_text(ts, level, message, fields);
    line += '\n';
    std::lock_guard lock(s.mutex);
    std::fwrite(line.data(), 1, line.size(), s.sink);
    std::fflush(s.sink);
}

Expected<LogFormat> parse_log_format(std::string_view name) {
    if (name == "text") {
        return LogFormat::text;
    }
    if (name == "json") {
        return LogFormat::json;
    }
    return make_error(ErrorKind::invalid_argument,
                      "unknown log format '" + std::string(name) + "' (expected text or json)");
}

bool stderr_is_terminal() {
    return ::isatty(::fileno(stderr)) == 1;
}

}  // namespace regmigrate

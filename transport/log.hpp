// A small structured logger: one line per event, as logfmt-style text or as JSON objects.
#pragma once

#include "transport/error.hpp"

#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace regmigrate {

enum class LogFormat { text, json };
enum class LogLevel { debug, info, warn, error };

using LogField = std::pair<std::string_view, std::string>;

// Process-wide settings; safe to call while other threads log. The sink is not owned.
void log_configure(LogFormat format, LogLevel min_level, FILE* sink = stderr);

// Writes one line if level >= the configured minimum. Each line goes out with a single
// fwrite under one mutex, so concurrent lines never interleave.
void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

// True when a log line at this level would be written; lets callers skip building fields.
bool log_enabled(LogLevel level);

// "text" or "json", as given to --log-format.
Expected<LogFormat> parse_log_format(std::string_view name);

std::string_view log_level_name(LogLevel level);

bool stderr_is_terminal();

// Pure formatters behind log(); `timestamp` is an RFC 3339 UTC time. No trailing newline.
std::string format_log_text(std::string_view timestamp, LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields);
std::string format_log_json(std::string_view timestamp, LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields);

}  // namespace regmigrate

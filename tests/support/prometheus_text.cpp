#include "tests/support/prometheus_text.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace regmigrate::testing {

namespace {

Error malformed(std::string_view line) {
    return make_error(ErrorKind::protocol,
                      "metrics: malformed sample \"" + std::string(line) + "\"");
}

bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == ':';
}

// Reads `{a="x",b="y"}` starting at line[pos] == '{'; leaves pos after the '}'.
bool read_labels(std::string_view line, std::size_t& pos, std::map<std::string, std::string>& out) {
    ++pos;
    while (pos < line.size() && line[pos] != '}') {
        const std::size_t name_start = pos;
        while (pos < line.size() && name_char(line[pos])) {
            ++pos;
        }
        const std::string name(line.substr(name_start, pos - name_start));
        if (name.empty() || line.substr(pos, 2) != "=\"") {
            return false;
        }
        pos += 2;
        std::string value;
        for (; pos < line.size() && line[pos] != '"'; ++pos) {
            if (line[pos] != '\\') {
                value += line[pos];
                continue;
            }
            if (++pos == line.size()) {
                return false;
            }
            value += line[pos] == 'n' ? '\n' : line[pos];
        }
        if (pos == line.size()) {
            return false;
        }
        ++pos;  // closing quote
        if (pos < line.size() && line[pos] == ',') {
            ++pos;
        }
        out.emplace(name, std::move(value));
    }
    if (pos == line.size()) {
        return false;
    }
    ++pos;
    return true;
}

bool read_value(std::string_view text, double& out) {
    if (text == "+Inf" || text == "-Inf" || text == "NaN") {
        out = text == "NaN" ? std::nan("") : (text[0] == '-' ? -HUGE_VAL : HUGE_VAL);
        return true;
    }
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

Expected<MetricSample> parse_sample(std::string_view line) {
    MetricSample sample;
    std::size_t pos = 0;
    while (pos < line.size() && name_char(line[pos])) {
        ++pos;
    }
    sample.name = std::string(line.substr(0, pos));
    if (sample.name.empty()) {
        return malformed(line);
    }
    if (pos < line.size() && line[pos] == '{' && !read_labels(line, pos, sample.labels)) {
        return malformed(line);
    }
    if (pos == line.size() || line[pos] != ' ') {
        return malformed(line);
    }
    std::string_view rest = line.substr(pos + 1);
    // An optional timestamp follows the value.
    rest = rest.substr(0, rest.find(' '));
    if (!read_value(rest, sample.value)) {
        return malformed(line);
    }
    return sample;
}

}  // namespace

double MetricsText::sum(std::string_view name,
                        const std::map<std::string, std::string>& labels) const {
    double total = 0;
    for (const auto& sample : samples_) {
        if (sample.name != name) {
            continue;
        }
        bool all = true;
        for (const auto& [label, value] : labels) {
            const auto found = sample.labels.find(label);
            all = all && found != sample.labels.end() && found->second == value;
        }
        if (all) {
            total += sample.value;
        }
    }
    return total;
}

bool MetricsText::has(std::string_view name) const {
    for (const auto& sample : samples_) {
        if (sample.name == name) {
            return true;
        }
    }
    return false;
}

Expected<MetricsText> parse_metrics_text(std::string_view text) {
    std::vector<MetricSample> samples;
    std::istringstream lines{std::string(text)};
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line.front() == '#') {
            continue;
        }
        auto sample = parse_sample(line);
        if (!sample) {
            return sample.error();
        }
        samples.push_back(std::move(*sample));
    }
    return MetricsText(std::move(samples));
}

Expected<MetricsText> read_metrics_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return make_error(ErrorKind::io, "metrics: cannot read " + file.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_metrics_text(text.str());
}

}  // namespace regmigrate::testing

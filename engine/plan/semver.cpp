#include "engine/plan/semver.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace regmigrate::engine {

namespace {

bool is_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_identifier_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string_view::npos)
            return parts;
        start = end + 1;
    }
}

// A version number: digits without leading zeros, within 64 bits.
std::optional<std::uint64_t> parse_number(std::string_view text) {
    if (!is_digits(text) || (text.size() > 1 && text[0] == '0'))
        return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// Dot-separated non-empty [0-9A-Za-z-]+ identifiers; numeric ones without leading zeros
// when `numeric_rule` (prerelease), any digits otherwise (build metadata).
bool valid_identifiers(std::string_view text, bool numeric_rule) {
    for (const auto id : split(text, '.')) {
        if (id.empty() || !std::all_of(id.begin(), id.end(), is_identifier_char))
            return false;
        if (numeric_rule && is_digits(id) && id.size() > 1 && id[0] == '0')
            return false;
    }
    return true;
}

// A version that may omit MINOR and PATCH; `parts` says how many were given, which ranges
// need (">1" is not ">1.0.0").
struct PartialVersion {
    SemVer version;
    int parts = 0;
};

std::optional<PartialVersion> parse_partial(std::string_view text) {
    if (!text.empty() && text.front() == 'v')
        text.remove_prefix(1);
    const auto plus = text.find('+');
    if (plus != std::string_view::npos) {
        if (!valid_identifiers(text.substr(plus + 1), false))
            return std::nullopt;
        text = text.substr(0, plus);
    }
    PartialVersion result;
    const auto dash = text.find('-');
    if (dash != std::string_view::npos) {
        const auto prerelease = text.substr(dash + 1);
        if (!valid_identifiers(prerelease, true))
            return std::nullopt;
        result.version.prerelease = std::string(prerelease);
        text = text.substr(0, dash);
    }
    const auto numbers = split(text, '.');
    if (numbers.size() > 3)
        return std::nullopt;
    std::uint64_t* fields[] = {&result.version.major, &result.version.minor, &result.version.patch};
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        const auto value = parse_number(numbers[i]);
        if (!value)
            return std::nullopt;
        *fields[i] = *value;
    }
    // With a prerelease the version is exact: "1.2-rc.1" stands for 1.2.0-rc.1 alone.
    result.parts = result.version.prerelease.empty() ? static_cast<int>(numbers.size()) : 3;
    return result;
}

bool is_numeric_identifier(std::string_view id) {
    return is_digits(id);
}

std::strong_ordering compare_identifiers(std::string_view a, std::string_view b) {
    const bool a_numeric = is_numeric_identifier(a);
    const bool b_numeric = is_numeric_identifier(b);
    if (a_numeric && b_numeric) {
        // No leading zeros: the longer number is the larger one, equal lengths compare as text.
        if (a.size() != b.size())
            return a.size() <=> b.size();
        return a.compare(b) <=> 0;
    }
    if (a_numeric != b_numeric)
        return a_numeric ? std::strong_ordering::less : std::strong_ordering::greater;
    return a.compare(b) <=> 0;
}

std::strong_ordering compare_prereleases(std::string_view a, std::string_view b) {
    if (a.empty() || b.empty())
        return a.empty() <=> b.empty();  // release > prerelease
    const auto left = split(a, '.');
    const auto right = split(b, '.');
    for (std::size_t i = 0; i < left.size() && i < right.size(); ++i) {
        if (const auto order = compare_identifiers(left[i], right[i]); order != 0)
            return order;
    }
    return left.size() <=> right.size();
}

using Op = SemVerRange::Op;
using Comparator = SemVerRange::Comparator;

std::optional<SemVer> release(std::uint64_t major, std::uint64_t minor, std::uint64_t patch) {
    return SemVer{major, minor, patch, {}};
}

// The first version past what the given parts cover: 1 → 2.0.0, 1.2 → 1.3.0, 1.2.3 → 1.2.4.
// None when that number is already the largest 64-bit value.
std::optional<SemVer> next_after(const SemVer& v, int parts) {
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    if (parts == 1)
        return v.major == max ? std::nullopt : release(v.major + 1, 0, 0);
    if (parts == 2)
        return v.minor == max ? std::nullopt : release(v.major, v.minor + 1, 0);
    return v.patch == max ? std::nullopt : release(v.major, v.minor, v.patch + 1);
}

// How many leading parts ^ keeps fixed: up to and including the first non-zero one given.
int caret_parts(const PartialVersion& p) {
    if (p.version.major > 0 || p.parts == 1)
        return 1;
    if (p.version.minor > 0 || p.parts == 2)
        return 2;
    return 3;
}

// Adds op+p to group as plain comparators on full versions; false when a bound it needs
// does not exist (a number at the 64-bit limit).
bool add_comparator(std::vector<Comparator>& group, std::string_view op, const PartialVersion& p) {
    const auto& v = p.version;
    const auto add = [&group](Op kind, const SemVer& bound) {
        group.push_back({kind, bound});
        return true;
    };
    if (op == ">=")
        return add(Op::ge, v);
    if (op == "<")
        return add(Op::lt, v);
    if (p.parts == 3 && op == ">")
        return add(Op::gt, v);
    if (p.parts == 3 && op == "<=")
        return add(Op::le, v);
    if (p.parts == 3 && (op == "=" || op.empty()))
        return add(Op::eq, v);

    const int fixed = op == "^" ? caret_parts(p) : op == "~" ? std::min(p.parts, 2) : p.parts;
    const auto next = next_after(v, fixed);
    if (!next)
        return false;
    if (op == ">")
        return add(Op::ge, *next);  // past the whole span
    if (op != "<=")
        add(Op::ge, v);  // ^ ~ = and bare: the whole span
    return add(Op::lt, *next);
}

constexpr std::string_view operators[] = {">=", "<=", ">", "<", "=", "^", "~"};

std::string_view leading_operator(std::string_view token) {
    for (const auto op : operators) {
        if (token.starts_with(op))
            return op;
    }
    return {};
}

Error range_error(std::string_view text, const std::string& why) {
    return make_error(ErrorKind::invalid_argument,
                      "invalid semver range \"" + std::string(text) + "\": " + why);
}

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> result;
    for (const auto word : split(text, ' ')) {
        if (!word.empty())
            result.push_back(word);
    }
    return result;
}

}  // namespace

std::strong_ordering SemVer::operator<=>(const SemVer& other) const {
    if (const auto order = major <=> other.major; order != 0)
        return order;
    if (const auto order = minor <=> other.minor; order != 0)
        return order;
    if (const auto order = patch <=> other.patch; order != 0)
        return order;
    return compare_prereleases(prerelease, other.prerelease);
}

std::string SemVer::to_string() const {
    auto text = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    if (!prerelease.empty())
        text += "-" + prerelease;
    return text;
}

std::optional<SemVer> parse_semver(std::string_view tag) {
    const auto partial = parse_partial(tag);
    if (!partial)
        return std::nullopt;
    return partial->version;
}

bool SemVerRange::Comparator::holds(const SemVer& candidate) const {
    switch (op) {
        case Op::eq:
            return candidate == version;
        case Op::lt:
            return candidate < version;
        case Op::le:
            return candidate <= version;
        case Op::gt:
            return candidate > version;
        case Op::ge:
            return candidate >= version;
    }
    return false;
}

Expected<SemVerRange> SemVerRange::parse(std::string_view text) {
    SemVerRange range;
    std::string normalized(text);
    std::replace(normalized.begin(), normalized.end(), '\t', ' ');
    std::size_t start = 0;
    while (start <= normalized.size()) {
        auto end = normalized.find("||", start);
        if (end == std::string::npos)
            end = normalized.size();
        const auto tokens = words(std::string_view(normalized).substr(start, end - start));
        if (tokens.empty())
            return range_error(text, "empty comparator group");
        std::vector<Comparator> group;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const auto op = leading_operator(tokens[i]);
            auto version_text = tokens[i].substr(op.size());
            // ">= 1.2.0": an operator may stand apart from its version.
            if (version_text.empty() && !op.empty() && i + 1 < tokens.size()) {
                version_text = tokens[++i];
            }
            const auto version = parse_partial(version_text);
            if (!version) {
                return range_error(text, "\"" + std::string(version_text) +
                                             "\" is not a version (MAJOR[.MINOR[.PATCH]])");
            }
            if (!add_comparator(group, op, *version)) {
                return range_error(text,
                                   "\"" + std::string(version_text) + "\" has no upper bound");
            }
        }
        range.groups_.push_back(std::move(group));
        start = end + 2;
    }
    return range;
}

bool SemVerRange::contains(const SemVer& version) const {
    const auto admits_prerelease = [&version](const Comparator& c) {
        return !c.version.prerelease.empty() && c.version.major == version.major &&
               c.version.minor == version.minor && c.version.patch == version.patch;
    };
    return std::any_of(groups_.begin(), groups_.end(), [&](const auto& group) {
        const bool all_hold = std::all_of(group.begin(), group.end(),
                                          [&](const Comparator& c) { return c.holds(version); });
        return all_hold && (version.prerelease.empty() ||
                            std::any_of(group.begin(), group.end(), admits_prerelease));
    });
}

}  // namespace regmigrate::engine

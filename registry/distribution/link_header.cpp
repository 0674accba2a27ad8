#include "registry/distribution/link_header.hpp"

#include "registry/distribution/registry_error.hpp"

#include <boost/url/grammar/ci_string.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace regmigrate::registry {

namespace {

struct LinkValue {
    std::string_view target;  // the URI-Reference between < and >
    std::string rel;
};

Error malformed(std::string_view header, const std::string& why) {
    return make_error(ErrorKind::protocol,
                      "malformed Link header " + quote_for_message(header) + ": " + why);
}

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

// Reads link-values: "<" URI-Reference ">" *( OWS ";" OWS link-param ), comma separated.
// Commas and semicolons inside <...> and quoted strings are not separators.
class LinkScanner {
  public:
    explicit LinkScanner(std::string_view text) : text_(text) {}

    Expected<std::vector<LinkValue>> links() {
        std::vector<LinkValue> out;
        while (true) {
            skip_separators();
            if (at_end()) {
                return out;
            }
            auto link = link_value();
            if (!link) {
                return link.error();
            }
            out.push_back(std::move(*link));
        }
    }

  private:
    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }

    void skip_spaces() {
        while (!at_end() && is_space(text_[pos_])) {
            ++pos_;
        }
    }

    void skip_separators() {
        while (!at_end() && (is_space(text_[pos_]) || text_[pos_] == ',')) {
            ++pos_;
        }
    }

    std::string_view token() {
        const auto start = pos_;
        while (!at_end() && !is_space(text_[pos_]) &&
               std::string_view(",;=\"<>").find(text_[pos_]) == std::string_view::npos) {
            ++pos_;
        }
        return text_.substr(start, pos_ - start);
    }

    Expected<std::string> param_value() {
        if (peek() != '"') {
            return std::string(token());
        }
        ++pos_;
        std::string value;
        while (!at_end()) {
            const char c = text_[pos_++];
            if (c == '"') {
                return value;
            }
            if (c == '\\' && !at_end()) {
                value += text_[pos_++];
            } else {
                value += c;
            }
        }
        return malformed(text_, "unterminated quoted string");
    }

    Expected<LinkValue> link_value() {
        if (peek() != '<') {
            return malformed(text_, "expected '<'");
        }
        const auto close = text_.find('>', pos_);
        if (close == std::string_view::npos) {
            return malformed(text_, "missing '>'");
        }
        LinkValue link{text_.substr(pos_ + 1, close - pos_ - 1), {}};
        pos_ = close + 1;
        while (true) {
            skip_spaces();
            if (at_end() || peek() == ',') {
                return link;
            }
            if (peek() != ';') {
                return malformed(text_, "expected ';' or ','");
            }
            ++pos_;
            skip_spaces();
            const auto name = token();
            if (name.empty()) {
                return malformed(text_, "empty link parameter");
            }
            skip_spaces();
            std::string value;
            if (peek() == '=') {
                ++pos_;
                skip_spaces();
                auto parsed = param_value();
                if (!parsed) {
                    return parsed.error();
                }
                value = std::move(*parsed);
            }
            // RFC 8288: only the first rel of a link counts.
            if (boost::urls::grammar::ci_is_equal(name, "rel") && link.rel.empty()) {
                link.rel = std::move(value);
            }
        }
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

// rel is a space-separated list of relation types, compared case-insensitively.
bool has_relation(std::string_view rel, std::string_view wanted) {
    std::size_t start = 0;
    while (start < rel.size()) {
        const auto end = std::min(rel.find_first_of(" \t", start), rel.size());
        if (boost::urls::grammar::ci_is_equal(rel.substr(start, end - start), wanted)) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

std::uint16_t effective_port(boost::urls::url_view url) {
    if (url.has_port()) {
        return url.port_number();
    }
    return url.scheme_id() == boost::urls::scheme::https ? 443 : 80;
}

bool same_origin(boost::urls::url_view a, boost::urls::url_view b) {
    return boost::urls::grammar::ci_is_equal(a.scheme(), b.scheme()) &&
           boost::urls::grammar::ci_is_equal(a.encoded_host(), b.encoded_host()) &&
           effective_port(a) == effective_port(b);
}

}  // namespace

Expected<std::optional<boost::urls::url>> next_page_url(std::string_view link_header_value,
                                                        boost::urls::url_view request_url) {
    auto links = LinkScanner(link_header_value).links();
    if (!links) {
        return links.error();
    }
    for (const auto& link : *links) {
        if (!has_relation(link.rel, "next")) {
            continue;
        }
        auto reference = boost::urls::parse_uri_reference(link.target);
        if (!reference) {
            return malformed(link_header_value, "invalid URI " + quote_for_message(link.target));
        }
        boost::urls::url resolved;
        if (auto result = boost::urls::resolve(request_url, *reference, resolved); !result) {
            return malformed(link_header_value, "cannot resolve " + quote_for_message(link.target));
        }
        if (!same_origin(resolved, request_url)) {
            return make_error(ErrorKind::protocol, "refusing pagination link " +
                                                       quote_for_message(link.target) +
                                                       " to another origin than " +
                                                       quote_for_message(request_url.buffer()));
        }
        return std::optional<boost::urls::url>(std::move(resolved));
    }
    return std::optional<boost::urls::url>();
}

}  // namespace regmigrate::registry

#include "registry/auth/auth_challenge.hpp"

#include "registry/distribution/registry_error.hpp"

#include <boost/url/grammar/ci_string.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>

namespace regmigrate::registry {

namespace {

std::string lowercase(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), boost::urls::grammar::to_lower);
    return out;
}

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 7230 tchar
bool is_tchar(char c) {
    return is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token68_char(char c) {
    return is_alnum(c) || std::string_view("-._~+/").find(c) != std::string_view::npos;
}

// A cursor over the header value; each method consumes what it recognises.
class ChallengeScanner {
  public:
    explicit ChallengeScanner(std::string_view text) : text_(text) {}

    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    std::size_t position() const { return pos_; }
    void rewind(std::size_t pos) { pos_ = pos; }

    void skip_whitespace() {
        while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t')) {
            ++pos_;
        }
    }

    // Separators between list elements: RFC 7230 allows empty elements ("a, , b").
    void skip_list_separators() {
        while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == ',')) {
            ++pos_;
        }
    }

    std::string_view token() {
        const auto start = pos_;
        while (!at_end() && is_tchar(text_[pos_])) {
            ++pos_;
        }
        return text_.substr(start, pos_ - start);
    }

    // token68 := 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    std::string_view token68() {
        const auto start = pos_;
        while (!at_end() && is_token68_char(text_[pos_])) {
            ++pos_;
        }
        if (pos_ == start) {
            return {};
        }
        while (!at_end() && text_[pos_] == '=') {
            ++pos_;
        }
        return text_.substr(start, pos_ - start);
    }

    Expected<std::string> quoted_string() {
        ++pos_;  // opening quote
        std::string value;
        while (!at_end()) {
            const char c = text_[pos_++];
            if (c == '"') {
                return value;
            }
            if (c == '\\') {
                if (at_end()) {
                    break;
                }
                value += text_[pos_++];
            } else {
                value += c;
            }
        }
        return make_error(ErrorKind::protocol, "unterminated quoted string");
    }

    // True if a "name =" parameter starts here (as opposed to a new challenge).
    bool consume(char c) {
        if (peek() != c || at_end()) {
            return false;
        }
        ++pos_;
        return true;
    }

    bool parameter_ahead() {
        const auto saved = pos_;
        const bool named = !token().empty();
        skip_whitespace();
        const bool result = named && peek() == '=';
        pos_ = saved;
        return result;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

Error malformed(std::string_view header, const std::string& why) {
    return make_error(ErrorKind::protocol,
                      "malformed WWW-Authenticate " + quote_for_message(header) + ": " + why);
}

// Tries the token68 form; on failure leaves the scanner where it was.
bool read_token68(ChallengeScanner& scan, AuthChallenge& challenge) {
    const auto saved = scan.position();
    const auto value = scan.token68();
    scan.skip_whitespace();
    if (!value.empty() && (scan.at_end() || scan.peek() == ',')) {
        challenge.token68 = std::string(value);
        return true;
    }
    scan.rewind(saved);
    return false;
}

// auth-param := token BWS "=" BWS ( token / quoted-string ), repeated with commas until the
// next challenge begins.
Expected<void> read_params(ChallengeScanner& scan, std::string_view header,
                           AuthChallenge& challenge) {
    while (true) {
        const auto name = lowercase(scan.token());
        scan.skip_whitespace();
        if (name.empty() || !scan.consume('=')) {
            return malformed(header, "expected a parameter in challenge " +
                                         quote_for_message(challenge.scheme, 50));
        }
        scan.skip_whitespace();
        std::string value;
        if (scan.peek() == '"') {
            auto quoted = scan.quoted_string();
            if (!quoted) {
                return malformed(header, quoted.error().message);
            }
            value = std::move(*quoted);
        } else {
            value = std::string(scan.token());
            if (value.empty()) {
                return malformed(header,
                                 "parameter " + quote_for_message(name, 50) + " has no value");
            }
        }
        if (!challenge.params.emplace(name, std::move(value)).second) {
            return malformed(header, "parameter " + quote_for_message(name, 50) + " repeated");
        }
        scan.skip_whitespace();
        if (scan.at_end()) {
            return {};
        }
        if (scan.peek() != ',') {
            return malformed(header,
                             "unexpected character after parameter " + quote_for_message(name, 50));
        }
        scan.skip_list_separators();
        if (scan.at_end() || !scan.parameter_ahead()) {
            return {};
        }
    }
}

}  // namespace

std::string AuthChallenge::param(std::string_view name) const {
    const auto it = params.find(lowercase(name));
    return it == params.end() ? std::string() : it->second;
}

Expected<std::vector<AuthChallenge>> parse_www_authenticate(std::string_view header_value) {
    std::vector<AuthChallenge> challenges;
    ChallengeScanner scan(header_value);
    scan.skip_list_separators();
    while (!scan.at_end()) {
        AuthChallenge challenge;
        challenge.scheme = lowercase(scan.token());
        if (challenge.scheme.empty()) {
            return malformed(header_value, "expected an authentication scheme");
        }
        const auto before_space = scan.position();
        scan.skip_whitespace();
        if (!scan.at_end() && scan.peek() != ',') {
            if (scan.position() == before_space) {
                return malformed(header_value, "expected a space after scheme " +
                                                   quote_for_message(challenge.scheme, 50));
            }
            if (!read_token68(scan, challenge)) {
                if (auto params = read_params(scan, header_value, challenge); !params) {
                    return params.error();
                }
            }
        }
        challenges.push_back(std::move(challenge));
        scan.skip_list_separators();
    }
    if (challenges.empty()) {
        return malformed(header_value, "no challenge");
    }
    return challenges;
}

std::string repository_scope(std::string_view repository, std::string_view actions) {
    std::string scope = "repository:";
    scope += repository;
    scope += ':';
    scope += actions;
    return scope;
}

Expected<boost::urls::url> token_request_url(std::string_view realm, std::string_view service,
                                             const std::vector<std::string>& scopes) {
    auto parsed = boost::urls::parse_absolute_uri(realm);
    if (!parsed) {
        return make_error(ErrorKind::protocol,
                          "token realm " + quote_for_message(realm) + " is not an absolute URL");
    }
    boost::urls::url url(*parsed);
    const auto scheme = url.scheme_id();
    if ((scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) ||
        url.encoded_host().empty()) {
        return make_error(ErrorKind::protocol,
                          "token realm " + quote_for_message(realm) + " is not an http(s) URL");
    }
    // Boost.URL 1.81 reads "http://127.0.0.1.evil.example/x" as host 127.0.0.1 with path
    // ".evil.example/x": a path that does not start with '/' exposes that misreading.
    if (!url.encoded_path().empty() && !url.encoded_path().starts_with('/')) {
        return make_error(ErrorKind::protocol,
                          "token realm " + quote_for_message(realm) + " has an invalid host");
    }
    if (!service.empty()) {
        url.params().append({"service", service});
    }
    for (const auto& scope : scopes) {
        if (!scope.empty()) {
            url.params().append({"scope", scope});
        }
    }
    return url;
}

}  // namespace regmigrate::registry

#include "registry/ecr/sigv4.hpp"

#include "registry/content/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/predicate.hpp>
#include <boost/url/encoding_opts.hpp>

#include <algorithm>
#include <array>
#include <ctime>
#include <stdexcept>

namespace regmigrate::registry {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";

std::string to_hex(std::string_view bytes) {
    constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const unsigned char byte : bytes) {
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0x0f];
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    Sha256 hasher;
    hasher.update(data);
    return hasher.finish_hex();
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
             &length) == nullptr) {
        // Only an allocation failure or a broken provider gets here.
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<const char*>(out.data()), length);
}

// Trimmed, with runs of spaces collapsed to one, as the canonical headers require.
std::string canonical_header_value(std::string_view value) {
    std::string out;
    bool pending_space = false;
    for (const char c : value) {
        if (c == ' ' || c == '\t') {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            out += ' ';
            pending_space = false;
        }
        out += c;
    }
    return out;
}

// Lower-cased names sorted, each with its normalised values joined by ',' in the order
// they were given.
std::vector<std::pair<std::string, std::string>> canonical_headers(const HeaderList& headers) {
    std::vector<std::pair<std::string, std::string>> lowered;
    lowered.reserve(headers.size());
    for (const auto& [name, value] : headers) {
        lowered.emplace_back(boost::algorithm::to_lower_copy(name), canonical_header_value(value));
    }
    std::stable_sort(lowered.begin(), lowered.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::string, std::string>> merged;
    for (auto& [name, value] : lowered) {
        if (!merged.empty() && merged.back().first == name) {
            merged.back().second += "," + value;
        } else {
            merged.emplace_back(std::move(name), std::move(value));
        }
    }
    return merged;
}

std::string canonical_query(boost::urls::url_view url) {
    // '+' is a literal plus here, not a space.
    const boost::urls::encoding_opts literal_plus(false, false, false);
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& param : url.params(literal_plus)) {
        params.emplace_back(uri_encode(param.key, false), uri_encode(param.value, false));
    }
    std::sort(params.begin(), params.end());
    std::string out;
    for (const auto& [key, value] : params) {
        if (!out.empty()) {
            out += '&';
        }
        out += key + "=" + value;
    }
    return out;
}

std::string host_of(boost::urls::url_view url) {
    const bool default_port = !url.has_port() ||
                              (url.scheme() == "https" && url.port_number() == 443) ||
                              (url.scheme() == "http" && url.port_number() == 80);
    return default_port ? std::string(url.encoded_host())
                        : std::string(url.encoded_host_and_port());
}

bool has_header(const HeaderList& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& header) { return boost::iequals(header.first, name); });
}

// "key=value" from one comma-separated part of the Authorization header.
std::optional<std::string_view> field(std::string_view part, std::string_view key) {
    const auto begin = part.find_first_not_of(' ');
    if (begin == std::string_view::npos) {
        return std::nullopt;
    }
    part.remove_prefix(begin);
    if (part.size() <= key.size() || part.substr(0, key.size()) != key || part[key.size()] != '=') {
        return std::nullopt;
    }
    return part.substr(key.size() + 1);
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    for (;;) {
        const auto at = text.find(separator);
        parts.emplace_back(text.substr(0, at));
        if (at == std::string_view::npos) {
            return parts;
        }
        text.remove_prefix(at + 1);
    }
}

}  // namespace

std::string amz_date(std::chrono::system_clock::time_point now) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[20];
    std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
    return buffer;
}

std::string uri_encode(std::string_view text, bool keep_slash) {
    constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                                c == '~';
        if (unreserved || (keep_slash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kDigits[c >> 4];
            out += kDigits[c & 0x0f];
        }
    }
    return out;
}

std::string signed_header_names(const HeaderList& headers) {
    std::string out;
    for (const auto& [name, value] : canonical_headers(headers)) {
        out += (out.empty() ? "" : ";") + name;
    }
    return out;
}

std::string canonical_request(const SigV4Request& request) {
    const std::string path = request.url.path();
    std::string out = std::string(request.method) + "\n";
    out += (path.empty() ? std::string("/") : uri_encode(path, true)) + "\n";
    out += canonical_query(request.url) + "\n";
    for (const auto& [name, value] : canonical_headers(request.headers)) {
        out += name + ":" + value + "\n";
    }
    out += "\n" + signed_header_names(request.headers) + "\n";
    out += sha256_hex(request.payload);
    return out;
}

std::string credential_scope(std::string_view date, const SigV4Scope& scope) {
    return std::string(date) + "/" + scope.region + "/" + scope.service + "/" +
           std::string(kTerminator);
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
    return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + std::string(scope) +
           "\n" + sha256_hex(canonical_request);
}

std::string sigv4_signature(std::string_view secret_access_key, std::string_view date,
                            const SigV4Scope& scope, std::string_view string_to_sign) {
    const std::string date_key = hmac_sha256("AWS4" + std::string(secret_access_key), date);
    const std::string region_key = hmac_sha256(date_key, scope.region);
    const std::string service_key = hmac_sha256(region_key, scope.service);
    const std::string signing_key = hmac_sha256(service_key, kTerminator);
    return to_hex(hmac_sha256(signing_key, string_to_sign));
}

SigV4Headers sign_v4(const SigV4Request& request, const AwsCredentials& credentials,
                     const SigV4Scope& scope, std::chrono::system_clock::time_point now) {
    SigV4Headers out;
    out.amz_date = amz_date(now);
    out.security_token = credentials.session_token;
    SigV4Request signed_request = request;
    if (!has_header(signed_request.headers, "host")) {
        signed_request.headers.emplace_back("host", host_of(request.url));
    }
    signed_request.headers.emplace_back("x-amz-date", out.amz_date);
    if (!out.security_token.empty()) {
        signed_request.headers.emplace_back("x-amz-security-token", out.security_token);
    }
    const std::string date = out.amz_date.substr(0, 8);
    const std::string scope_text = credential_scope(date, scope);
    const std::string to_sign =
        string_to_sign(out.amz_date, scope_text, canonical_request(signed_request));
    out.authorization =
        std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" + scope_text +
        ", SignedHeaders=" + signed_header_names(signed_request.headers) +
        ", Signature=" + sigv4_signature(credentials.secret_access_key, date, scope, to_sign);
    return out;
}

std::optional<SigV4Authorization> parse_sigv4_authorization(std::string_view header) {
    if (header.substr(0, kAlgorithm.size() + 1) != std::string(kAlgorithm) + " ") {
        return std::nullopt;
    }
    const auto parts = split(header.substr(kAlgorithm.size() + 1), ',');
    if (parts.size() != 3) {
        return std::nullopt;
    }
    const auto credential = field(parts[0], "Credential");
    const auto signed_headers = field(parts[1], "SignedHeaders");
    const auto signature = field(parts[2], "Signature");
    if (!credential || !signed_headers || !signature || signed_headers->empty()) {
        return std::nullopt;
    }
    const auto scope = split(*credential, '/');
    if (scope.size() != 5 || scope[4] != kTerminator || scope[1].size() != 8 ||
        std::any_of(scope.begin(), scope.end(), [](const auto& s) { return s.empty(); })) {
        return std::nullopt;
    }
    return SigV4Authorization{scope[0], scope[1], SigV4Scope{scope[2], scope[3]},
                              split(*signed_headers, ';'), std::string(*signature)};
}

}  // namespace regmigrate::registry

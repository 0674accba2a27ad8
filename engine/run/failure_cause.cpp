#include "engine/run/failure_cause.hpp"

#include <algorithm>
#include <cctype>

namespace regmigrate::engine {

namespace {

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

bool contains_nocase(std::string_view text, std::string_view part) {
    const auto found =
        std::search(text.begin(), text.end(), part.begin(), part.end(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
        });
    return found != text.end();
}

bool is_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// Where `host` (a side's host[:port]) is last named in message as a whole name: not inside
// a longer name, and with the same port when it gives one. npos when it is not.
std::size_t last_mention(std::string_view message, std::string_view host) {
    if (host.empty())
        return std::string_view::npos;
    const bool has_port = host.find(':') != std::string_view::npos && host.front() != '[';
    std::size_t last = std::string_view::npos;
    for (auto at = message.find(host); at != std::string_view::npos;
         at = message.find(host, at + 1)) {
        if (at > 0 && is_host_char(message[at - 1]))
            continue;
        const std::size_t end = at + host.size();
        const bool whole = end == message.size() ||
                           (has_port ? !is_digit(message[end]) : !is_host_char(message[end]));
        if (whole)
            last = at;
    }
    return last;
}

FailureCause classify_network(std::string_view message) {
    if (contains(message, "resolving ") || contains_nocase(message, "host not found") ||
        contains_nocase(message, "name or service not known")) {
        return FailureCause::dns;
    }
    if (contains_nocase(message, "connection refused"))
        return FailureCause::connection_refused;
    // Only a connection that cannot be made says the registry is out of reach; one lost in
    // the middle of an answer is this request's bad luck.
    if (contains(message, "connecting to "))
        return FailureCause::unreachable;
    return FailureCause::other;
}

}  // namespace

std::string_view to_string(FailureCause cause) {
    switch (cause) {
        case FailureCause::dns:
            return "host name does not resolve";
        case FailureCause::connection_refused:
            return "connection refused";
        case FailureCause::unreachable:
            return "unreachable";
        case FailureCause::timeout:
            return "no answer in time";
        case FailureCause::tls_untrusted:
            return "certificate not trusted";
        case FailureCause::tls:
            return "TLS handshake failed";
        case FailureCause::credentials_refused:
            return "credentials refused";
        case FailureCause::access_denied:
            return "access denied";
        case FailureCause::other:
            break;
    }
    return "failed";
}

FailureCause classify_failure(const Error& error) {
    switch (error.kind) {
        case ErrorKind::network:
            return classify_network(error.message);
        case ErrorKind::timeout:
            return FailureCause::timeout;
        case ErrorKind::tls:
            return contains(error.message, "certificate verify failed") ||
                           !tls_verify_result(error.message).empty()
                       ? FailureCause::tls_untrusted
                       : FailureCause::tls;
        case ErrorKind::unauthorized:
            return FailureCause::credentials_refused;
        case ErrorKind::denied:
            return FailureCause::access_denied;
        default:
            break;
    }
    if (error.http_status == 401)
        return FailureCause::credentials_refused;
    if (error.http_status == 403)
        return FailureCause::access_denied;
    return FailureCause::other;
}

bool is_endpoint_wide(FailureCause cause) {
    switch (cause) {
        case FailureCause::dns:
        case FailureCause::connection_refused:
        case FailureCause::unreachable:
        case FailureCause::tls_untrusted:
        case FailureCause::tls:
        case FailureCause::credentials_refused:
        case FailureCause::access_denied:
            return true;
        case FailureCause::timeout:
        case FailureCause::other:
            break;
    }
    return false;
}

std::string tls_verify_result(std::string_view message) {
    constexpr std::string_view marker = "verify result: ";
    const auto at = message.find(marker);
    if (at == std::string_view::npos)
        return {};
    auto result = message.substr(at + marker.size());
    // The result is the last thing the transport writes; context may only precede it.
    if (const auto end = result.find_first_of(";\n"); end != std::string_view::npos)
        result = result.substr(0, end);
    return std::string(result);
}

std::optional<std::string> failing_registry(std::string_view message, std::string_view source_host,
                                            std::string_view destination_host) {
    const std::size_t source = last_mention(message, source_host);
    const std::size_t destination = last_mention(message, destination_host);
    if (source == std::string_view::npos && destination == std::string_view::npos)
        return std::nullopt;
    // Context is put in front of a cause as it travels up: the registry named last is the
    // one the innermost failure was about. A host inside the other's longer spelling
    // starts at the same place; the longer one is meant.
    if (destination == std::string_view::npos ||
        (source != std::string_view::npos &&
         (source > destination ||
          (source == destination && source_host.size() > destination_host.size())))) {
        return std::string(source_host);
    }
    return std::string(destination_host);
}

std::string summarize_failure(const Error& error, std::string_view source_host,
                              std::string_view destination_host) {
    const FailureCause cause = classify_failure(error);
    const auto host = failing_registry(error.message, source_host, destination_host);
    if (cause == FailureCause::other || !host)
        return {};
    const std::string status =
        error.http_status ? " (HTTP " + std::to_string(error.http_status) + ")" : std::string();
    switch (cause) {
        case FailureCause::dns:
            return "host name " + *host + " does not resolve";
        case FailureCause::connection_refused:
            return "connection refused by " + *host;
        case FailureCause::unreachable:
            return *host + " unreachable";
        case FailureCause::timeout:
            return "no answer in time from " + *host;
        case FailureCause::tls_untrusted:
            return "certificate of " + *host + " not trusted";
        case FailureCause::tls:
            return "TLS handshake with " + *host + " failed";
        case FailureCause::credentials_refused:
            return "credentials refused by " + *host + status;
        case FailureCause::access_denied:
            return "access denied by " + *host + status;
        case FailureCause::other:
            break;
    }
    return {};
}

}  // namespace regmigrate::engine

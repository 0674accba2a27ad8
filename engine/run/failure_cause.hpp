// Why an operation against a registry failed, in words a user acts on: the classification
// the preflight, the breaker and the end-of-run summary share. Pure: from the Error alone.
#pragma once

#include "transport/error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::engine {

enum class FailureCause {
    dns,                  // the host name does not resolve
    connection_refused,   // nothing listens on the port
    unreachable,          // no route, network down: the connection cannot be made
    timeout,              // no answer in time
    tls_untrusted,        // the certificate chain does not verify against the trust
    tls,                  // another handshake failure (protocol, client certificate...)
    credentials_refused,  // 401 after authenticating, or credentials needed and none given
    access_denied,        // 403, or a token granted without the scope asked for
    other,                // anything about this one image: an answer, a connection lost mid-answer
};

// "connection refused", "credentials refused"...: the label of logs and summaries.
std::string_view to_string(FailureCause cause);

FailureCause classify_failure(const Error& error);

// Failures that say the whole registry is unusable as configured, not one image: what the
// breaker counts. Timeouts are not among them (a slow blob is not a dead registry).
bool is_endpoint_wide(FailureCause cause);

// OpenSSL's verify result carried in a TLS error ("unable to get local issuer
// certificate"), or "" when the message holds none.
std::string tls_verify_result(std::string_view message);

// Which of the registries (host[:port], as a side names it) a message is about: the one
// whose host, with its port when it names one, appears in it, and of both the one named
// last (the innermost context); nullopt when neither is. Messages name a registry as the
// side does ("HOST /v2/: HTTP 401") or as a connection does ("connecting to HOST:PORT:
// ...", the port always written).
std::optional<std::string> failing_registry(std::string_view message, std::string_view source_host,
                                            std::string_view destination_host);

// One phrase per cause and registry, identical for every image failing the same way, so
// a run's end can count them: "credentials refused by HOST (HTTP 401)", "connection
// refused by HOST". "" for failures about one image (FailureCause::other) or when the
// message names neither registry.
std::string summarize_failure(const Error& error, std::string_view source_host,
                              std::string_view destination_host);

}  // namespace regmigrate::engine

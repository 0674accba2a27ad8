// The error type every layer returns: a kind to decide on, and a message for the user.
#pragma once

#include <boost/system/result.hpp>

#include <source_location>
#include <stdexcept>
#include <string>
#include <utility>

namespace regmigrate {

enum class ErrorKind {
    invalid_argument,  // bad user input: reference, flag, plan
    network,           // connect, reset, DNS
    timeout,           // a network wait ran past its limit
    tls,               // handshake or verification
    http,              // an unexpected HTTP status (see Error::http_status)
    protocol,          // a peer broke the protocol: bad header, bad JSON, refused Link
    too_large,         // a body over its cap
    digest_mismatch,   // content does not hash to what it claims
    unauthorized,      // 401 after authenticating, or no credentials
    denied,            // 403
    not_found,         // 404 / MANIFEST_UNKNOWN / BLOB_UNKNOWN
    unsupported,       // a media type or feature we do not handle
    cancelled,
    io,  // local file system
};

struct Error {
    ErrorKind kind = ErrorKind::protocol;
    std::string message;
    int http_status = 0;

    // Transient failures worth another attempt under a retry policy.
    bool retryable() const {
        return kind == ErrorKind::network || kind == ErrorKind::timeout || http_status == 429 ||
               http_status == 502 || http_status == 503 || http_status == 504;
    }
};

inline Error make_error(ErrorKind kind, std::string message, int http_status = 0) {
    return Error{kind, std::move(message), http_status};
}

// Thrown only where a result is unwrapped with .value() on a failure.
class ErrorException : public std::runtime_error {
  public:
    explicit ErrorException(Error e) : std::runtime_error(e.message), error_(std::move(e)) {}
    const Error& error() const { return error_; }

  private:
    Error error_;
};

// Hook that lets boost::system::result<T, Error>::value() throw ErrorException.
[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
    throw ErrorException(e);
}

template <class T>
using Expected = boost::system::result<T, Error>;

// Prefix context onto an error as it travels up: "pushing manifest: <cause>".
inline Error with_context(Error e, const std::string& context) {
    e.message = context + ": " + e.message;
    return e;
}

}  // namespace regmigrate

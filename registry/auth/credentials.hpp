// Registry credentials: a user and password, or an identity token, that must never be printed.
#pragma once

#include "transport/error.hpp"

#include <string>
#include <string_view>

namespace regmigrate::registry {

struct Credentials {
    std::string username;
    std::string password;
    // docker's "identitytoken": an OAuth2 refresh token exchanged at the token realm for
    // bearer tokens (it replaces the password).
    std::string identity_token;

    bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
    bool operator==(const Credentials&) const = default;
    // "Basic base64(user:pass)".
    std::string basic_authorization() const;
};

// "USER:PASS" as given to --src-creds / --dest-creds; the password may contain ':'.
// The error names `origin` (the flag or variable), never the value.
Expected<Credentials> parse_credentials(std::string_view user_colon_password,
                                        std::string_view origin);

// The contents of a --src-creds-file / --dest-creds-file (or standard input): USER:PASS
// with one trailing newline ("\n" or "\r\n") dropped, as docker login --password-stdin
// does. Errors name `origin`, never the contents.
Expected<Credentials> parse_credentials_file(std::string_view contents, std::string_view origin);

}  // namespace regmigrate::registry

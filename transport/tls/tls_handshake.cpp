#include "transport/tls/tls_handshake.hpp"

namespace regmigrate::transport {

std::string_view to_string(TlsHandshake handshake) {
    switch (handshake) {
        case TlsHandshake::none:
            return "none";
        case TlsHandshake::full:
            return "full";
        case TlsHandshake::resumed:
            return "resumed";
    }
    return "none";
}

}  // namespace regmigrate::transport

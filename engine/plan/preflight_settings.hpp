// Whether and how a run checks its registries before it starts (engine/run/preflight.hpp).
#pragma once

#include "engine/plan/certs_dir.hpp"

#include <string>

namespace regmigrate::engine {

struct PreflightSettings {
    bool enabled = true;                        // --no-preflight: off
    std::string certs_dir = default_certs_dir;  // named in the hint for an untrusted CA
};

}  // namespace regmigrate::engine

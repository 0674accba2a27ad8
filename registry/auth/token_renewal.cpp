#include "registry/auth/token_renewal.hpp"

#include <algorithm>

namespace regmigrate::registry {

using std::chrono::milliseconds;

milliseconds renewal_margin(milliseconds lifetime, milliseconds longest) {
    return std::clamp(lifetime / 2, milliseconds::zero(), longest);
}

milliseconds bearer_token_renewal(std::chrono::seconds lifetime) {
    const milliseconds life = lifetime;
    return life - renewal_margin(life, bearer_token_margin);
}

}  // namespace regmigrate::registry

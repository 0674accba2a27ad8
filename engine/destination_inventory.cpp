#include "engine/destination_inventory.hpp"

namespace regmigrate::engine {

void DestinationInventory::record(std::size_t pair,
                                  const Expected<std::vector<std::string>>& catalog) {
    if (!catalog)
        return;
    std::lock_guard lock(mutex_);
    existing_[pair].insert(catalog->begin(), catalog->end());
}

bool DestinationInventory::is_fresh(std::size_t pair, std::string_view repository) const {
    std::lock_guard lock(mutex_);
    const auto found = existing_.find(pair);
    return found != existing_.end() && !found->second.contains(std::string(repository));
}

}  // namespace regmigrate::engine

#include "engine/copy/destination_inventory.hpp"

namespace regmigrate::engine {

bool DestinationInventory::asked(const std::string& registry) const {
    std::lock_guard lock(mutex_);
    return existing_.contains(registry);
}

void DestinationInventory::record(const std::string& registry,
                                  const Expected<std::vector<std::string>>& catalog) {
    std::lock_guard lock(mutex_);
    auto& entry = existing_[registry];
    if (catalog)
        entry.emplace(catalog->begin(), catalog->end());
}

bool DestinationInventory::is_fresh(const std::string& registry,
                                    std::string_view repository) const {
    std::lock_guard lock(mutex_);
    const auto found = existing_.find(registry);
    return found != existing_.end() && found->second &&
           !found->second->contains(std::string(repository));
}

}  // namespace regmigrate::engine

#include "engine/copy/destination_inventory.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

constexpr const char* kRegistry = "registry.example:5000";

TEST(DestinationInventory, RepositoryMissingFromTheCatalogIsFresh) {
    DestinationInventory inventory;
    inventory.record(kRegistry, std::vector<std::string>{"team/app"});
    EXPECT_TRUE(inventory.is_fresh(kRegistry, "team/new"));
}

TEST(DestinationInventory, RepositoryInTheCatalogIsNotFresh) {
    DestinationInventory inventory;
    inventory.record(kRegistry, std::vector<std::string>{"team/app", "team/db"});
    EXPECT_FALSE(inventory.is_fresh(kRegistry, "team/db"));
}

TEST(DestinationInventory, EmptyCatalogMakesEveryRepositoryFresh) {
    DestinationInventory inventory;
    inventory.record(kRegistry, std::vector<std::string>{});
    EXPECT_TRUE(inventory.is_fresh(kRegistry, "anything"));
}

TEST(DestinationInventory, RefusedCatalogMakesNothingFresh) {
    DestinationInventory inventory;
    inventory.record(kRegistry, make_error(ErrorKind::denied, "catalog refused"));
    EXPECT_FALSE(inventory.is_fresh(kRegistry, "team/app"));
}

TEST(DestinationInventory, RegistryNeverListedHasNothingFresh) {
    DestinationInventory inventory;
    inventory.record(kRegistry, std::vector<std::string>{});
    EXPECT_FALSE(inventory.is_fresh("other.example", "team/app"));
}

TEST(DestinationInventory, ARegistryIsAskedOnceWhateverTheAnswer) {
    DestinationInventory inventory;
    EXPECT_FALSE(inventory.asked(kRegistry));
    inventory.record(kRegistry, make_error(ErrorKind::denied, "catalog refused"));
    EXPECT_TRUE(inventory.asked(kRegistry));
    EXPECT_FALSE(inventory.asked("other.example"));
}

}  // namespace
}  // namespace regmigrate::engine

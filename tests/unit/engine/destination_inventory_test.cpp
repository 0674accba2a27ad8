#include "engine/destination_inventory.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

TEST(DestinationInventory, RepositoryMissingFromTheCatalogIsFresh) {
    DestinationInventory inventory;
    inventory.record(0, std::vector<std::string>{"team/app"});
    EXPECT_TRUE(inventory.is_fresh(0, "team/new"));
}

TEST(DestinationInventory, RepositoryInTheCatalogIsNotFresh) {
    DestinationInventory inventory;
    inventory.record(0, std::vector<std::string>{"team/app", "team/db"});
    EXPECT_FALSE(inventory.is_fresh(0, "team/db"));
}

TEST(DestinationInventory, EmptyCatalogMakesEveryRepositoryFresh) {
    DestinationInventory inventory;
    inventory.record(0, std::vector<std::string>{});
    EXPECT_TRUE(inventory.is_fresh(0, "anything"));
}

TEST(DestinationInventory, RefusedCatalogMakesNothingFresh) {
    DestinationInventory inventory;
    inventory.record(0, make_error(ErrorKind::denied, "catalog refused"));
    EXPECT_FALSE(inventory.is_fresh(0, "team/app"));
}

TEST(DestinationInventory, PairNeverListedHasNothingFresh) {
    DestinationInventory inventory;
    inventory.record(0, std::vector<std::string>{});
    EXPECT_FALSE(inventory.is_fresh(1, "team/app"));
}

}  // namespace
}  // namespace regmigrate::engine

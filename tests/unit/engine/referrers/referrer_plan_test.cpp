// The `referrers` key of a plan's sync entries.
#include "engine/plan/plan_yaml.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::engine {
namespace {

Expected<SyncPlan> plan_with(const std::string& extra) {
    return parse_plan_yaml("sync:\n  - from: a.example\n    to: b.example\n" + extra, "PLAN.yaml");
}

TEST(ReferrerPlan, EntriesCopyNoReferrersByDefault) {
    auto plan = plan_with("");
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_FALSE(plan->pairs.at(0).referrers.enabled);
}

TEST(ReferrerPlan, ReferrersTrueEnablesThemForThatEntry) {
    auto plan = plan_with("    referrers: true\n  - from: c.example\n    to: d.example\n");
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_TRUE(plan->pairs.at(0).referrers.enabled);
    EXPECT_FALSE(plan->pairs.at(1).referrers.enabled);
}

TEST(ReferrerPlan, ReferrersFalseIsAccepted) {
    auto plan = plan_with("    referrers: false\n");
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_FALSE(plan->pairs.at(0).referrers.enabled);
}

TEST(ReferrerPlan, NonBooleanReferrersIsAnErrorNamingTheKey) {
    auto plan = plan_with("    referrers: sometimes\n");
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(plan.error().message.find("referrers"), std::string::npos) << plan.error().message;
}

}  // namespace
}  // namespace regmigrate::engine

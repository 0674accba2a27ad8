#include "tools/faultproxy/fault_schedule.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace regmigrate::faultproxy {
namespace {

std::vector<FaultRule> rules(std::initializer_list<std::string_view> texts) {
    std::vector<FaultRule> parsed;
    for (auto text : texts)
        parsed.push_back(parse_fault_rule(text).value());
    return parsed;
}

// Which of `count` identical requests got a fault (1-based).
std::vector<int> fired_on(FaultSchedule& schedule, int count, std::string_view method = "GET",
                          std::string_view target = "/v2/team/blobs/sha256:ab") {
    std::vector<int> fired;
    for (int i = 1; i <= count; ++i) {
        if (schedule.next(method, target))
            fired.push_back(i);
    }
    return fired;
}

TEST(FaultSchedule, EveryNthMatchingRequest) {
    FaultSchedule schedule(rules({"503 every=3"}), 1);
    EXPECT_EQ(fired_on(schedule, 9), (std::vector<int>{3, 6, 9}));
}

TEST(FaultSchedule, LimitStopsInjecting) {
    FaultSchedule schedule(rules({"503 limit=2"}), 1);
    EXPECT_EQ(fired_on(schedule, 5), (std::vector<int>{1, 2}));
    EXPECT_EQ(schedule.injected(0), 2u);
}

TEST(FaultSchedule, OtherMethodsAreNotCounted) {
    FaultSchedule schedule(rules({"503 method=PUT every=2"}), 1);
    EXPECT_TRUE(fired_on(schedule, 4, "GET").empty());
    EXPECT_EQ(fired_on(schedule, 4, "PUT"), (std::vector<int>{2, 4}));
}

TEST(FaultSchedule, PathIsMatchedWithoutTheQuery) {
    FaultSchedule schedule(rules({"503 path=/uploads/$"}), 1);
    EXPECT_TRUE(schedule.next("POST", "/v2/team/blobs/uploads/?mount=sha256:ab&from=x"));
    EXPECT_FALSE(schedule.next("GET", "/v2/team/blobs/sha256:ab?x=/uploads/"));
}

TEST(FaultSchedule, FirstFiringRuleWins) {
    FaultSchedule schedule(rules({"502 every=2", "503"}), 1);
    EXPECT_EQ(schedule.next("GET", "/v2/")->status, 503);
    EXPECT_EQ(schedule.next("GET", "/v2/")->status, 502);
}

TEST(FaultSchedule, LaterRulesCountRequestsAnEarlierRuleTook) {
    FaultSchedule schedule(rules({"502", "503 every=2"}), 1);
    schedule.next("GET", "/v2/");
    schedule.next("GET", "/v2/");
    EXPECT_EQ(schedule.injected(1), 0u);
}

TEST(FaultSchedule, ProbabilityZeroNeverFiresAndOneAlwaysDoes) {
    FaultSchedule never(rules({"503 probability=0"}), 7);
    EXPECT_TRUE(fired_on(never, 50).empty());
    FaultSchedule always(rules({"503 probability=1"}), 7);
    EXPECT_EQ(fired_on(always, 5).size(), 5u);
}

TEST(FaultSchedule, SameSeedSameFaults) {
    FaultSchedule first(rules({"503 probability=0.3"}), 42);
    FaultSchedule second(rules({"503 probability=0.3"}), 42);
    EXPECT_EQ(fired_on(first, 200), fired_on(second, 200));
}

TEST(FaultSchedule, ProbabilityIsRoughlyHonoured) {
    FaultSchedule schedule(rules({"503 probability=0.3"}), 42);
    const auto fired = fired_on(schedule, 2000).size();
    EXPECT_GT(fired, 500u);
    EXPECT_LT(fired, 700u);
}

TEST(FaultSchedule, NoRulesNoFaults) {
    FaultSchedule schedule({}, 1);
    EXPECT_TRUE(fired_on(schedule, 3).empty());
}

TEST(FaultSchedule, LatencyRuleIsNeverAFault) {
    FaultSchedule schedule(rules({"latency delay-ms=50"}), 1);
    EXPECT_TRUE(fired_on(schedule, 3).empty());
}

TEST(FaultSchedule, LatencyDelaysEveryMatchingRequestAndNewConnection) {
    FaultSchedule schedule(rules({"latency delay-ms=50 connect-ms=80"}), 1);
    for (int i = 0; i < 3; ++i) {
        const Latency latency = schedule.latency("GET", "/v2/");
        EXPECT_EQ(latency.request, std::chrono::milliseconds(50));
        EXPECT_EQ(latency.connect, std::chrono::milliseconds(80));
    }
    EXPECT_EQ(schedule.injected(0), 3u);
}

TEST(FaultSchedule, NoLatencyRuleNoDelay) {
    FaultSchedule schedule(rules({"503"}), 1);
    const Latency latency = schedule.latency("GET", "/v2/");
    EXPECT_EQ(latency.request.count(), 0);
    EXPECT_EQ(latency.connect.count(), 0);
}

TEST(FaultSchedule, LatencyRuleMatchesByMethodAndPathWithoutTheQuery) {
    FaultSchedule schedule(rules({"latency delay-ms=50 method=PUT path=/uploads/$"}), 1);
    EXPECT_EQ(schedule.latency("PUT", "/v2/team/blobs/uploads/?digest=sha256:ab").request,
              std::chrono::milliseconds(50));
    EXPECT_EQ(schedule.latency("GET", "/v2/team/blobs/uploads/").request.count(), 0);
    EXPECT_EQ(schedule.latency("PUT", "/v2/team/manifests/v1").request.count(), 0);
}

TEST(FaultSchedule, FirstMatchingLatencyRuleApplies) {
    FaultSchedule schedule(rules({"latency delay-ms=10 method=PUT", "latency delay-ms=50"}), 1);
    EXPECT_EQ(schedule.latency("PUT", "/v2/").request, std::chrono::milliseconds(10));
    EXPECT_EQ(schedule.latency("GET", "/v2/").request, std::chrono::milliseconds(50));
}

TEST(FaultSchedule, FaultStillFiresOnADelayedRequest) {
    FaultSchedule schedule(rules({"latency delay-ms=50", "503 every=2"}), 1);
    EXPECT_EQ(fired_on(schedule, 4), (std::vector<int>{2, 4}));
    EXPECT_EQ(schedule.latency("GET", "/v2/").request, std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace regmigrate::faultproxy

#include "engine/run/endpoint_breaker.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

using namespace std::chrono_literals;
using Clock = EndpointBreaker::Clock;

constexpr const char* registry = "registry.example";

class EndpointBreakerTest : public ::testing::Test {
  protected:
    EndpointBreaker breaker_{BreakerSettings{.threshold = 3, .window = 10s}};
    Clock::time_point start_ = Clock::time_point{} + 1h;

    bool fail_at(std::chrono::seconds offset,
                 FailureCause cause = FailureCause::connection_refused) {
        return breaker_.on_failure(registry, cause, start_ + offset);
    }
};

TEST_F(EndpointBreakerTest, TripsAfterThresholdFailuresSpanningTheWindow) {
    EXPECT_FALSE(fail_at(0s));
    EXPECT_FALSE(fail_at(5s));
    EXPECT_TRUE(fail_at(10s));
    EXPECT_TRUE(breaker_.tripped(registry).has_value());
}

TEST_F(EndpointBreakerTest, ManyFailuresWithinTheWindowDoNotTrip) {
    for (int i = 0; i < 100; ++i)
        EXPECT_FALSE(fail_at(9s));
    EXPECT_FALSE(breaker_.tripped(registry));
}

TEST_F(EndpointBreakerTest, FewerFailuresThanTheThresholdDoNotTripHoweverLong) {
    EXPECT_FALSE(fail_at(0s));
    EXPECT_FALSE(fail_at(600s));
    EXPECT_FALSE(breaker_.tripped(registry));
}

TEST_F(EndpointBreakerTest, SuccessInBetweenStartsTheCountOver) {
    fail_at(0s);
    fail_at(5s);
    breaker_.on_success(registry);
    EXPECT_FALSE(fail_at(11s));
    EXPECT_FALSE(fail_at(12s));
    EXPECT_FALSE(breaker_.tripped(registry));
}

TEST_F(EndpointBreakerTest, ADifferentCauseStartsTheCountOver) {
    fail_at(0s);
    fail_at(5s);
    EXPECT_FALSE(fail_at(11s, FailureCause::credentials_refused));
    EXPECT_FALSE(fail_at(12s, FailureCause::credentials_refused));
    EXPECT_TRUE(fail_at(21s, FailureCause::credentials_refused));
}

TEST_F(EndpointBreakerTest, FailuresAboutOneImageCountAsTheRegistryAnswering) {
    fail_at(0s);
    fail_at(5s);
    EXPECT_FALSE(fail_at(11s, FailureCause::other));
    EXPECT_FALSE(fail_at(12s));
    EXPECT_FALSE(breaker_.tripped(registry));
}

TEST_F(EndpointBreakerTest, TimeoutsNeverTrip) {
    for (int i = 0; i < 10; ++i)
        EXPECT_FALSE(fail_at(std::chrono::seconds(i * 10), FailureCause::timeout));
    EXPECT_FALSE(breaker_.tripped(registry));
}

TEST_F(EndpointBreakerTest, TripIsReportedOnce) {
    fail_at(0s);
    fail_at(5s);
    EXPECT_TRUE(fail_at(10s));
    EXPECT_FALSE(fail_at(11s));
    EXPECT_FALSE(fail_at(12s));
}

TEST_F(EndpointBreakerTest, TrippedRegistryStaysTrippedAfterASuccess) {
    fail_at(0s);
    fail_at(5s);
    fail_at(10s);
    breaker_.on_success(registry);  // an image already in flight may still finish
    EXPECT_TRUE(breaker_.tripped(registry).has_value());
}

TEST_F(EndpointBreakerTest, RegistriesAreCountedApart) {
    fail_at(0s);
    fail_at(5s);
    EXPECT_FALSE(
        breaker_.on_failure("other.example", FailureCause::connection_refused, start_ + 10s));
    EXPECT_FALSE(breaker_.tripped("other.example"));
    EXPECT_TRUE(fail_at(10s));
}

TEST_F(EndpointBreakerTest, ReasonNamesTheCauseTheCountAndTheSpan) {
    fail_at(0s);
    fail_at(5s);
    fail_at(12s);
    EXPECT_EQ(breaker_.tripped(registry), "connection refused 3 times in a row over 12 s");
}

TEST(EndpointBreaker, ZeroThresholdNeverTrips) {
    EndpointBreaker breaker(BreakerSettings{.threshold = 0, .window = 0s});
    const auto now = Clock::now();
    for (int i = 0; i < 1000; ++i)
        EXPECT_FALSE(breaker.on_failure(registry, FailureCause::connection_refused, now));
    EXPECT_FALSE(breaker.tripped(registry));
}

TEST(EndpointBreaker, ZeroWindowTripsOnTheThresholdAlone) {
    EndpointBreaker breaker(BreakerSettings{.threshold = 2, .window = 0s});
    const auto now = Clock::now();
    EXPECT_FALSE(breaker.on_failure(registry, FailureCause::tls_untrusted, now));
    EXPECT_TRUE(breaker.on_failure(registry, FailureCause::tls_untrusted, now));
}

}  // namespace
}  // namespace regmigrate::engine

#include "registry/distribution/unauthorized_step.hpp"

#include <gtest/gtest.h>

namespace regmigrate::registry {
namespace {

constexpr std::string_view bearer =
    R"(Bearer realm="https://auth.example.com/token",service="registry",scope="repository:a:pull")";
constexpr std::string_view too_narrow =
    R"(Bearer realm="https://auth.example.com/token",service="registry",error="insufficient_scope")";

TEST(UnauthorizedStep, AFirstRefusalDropsTheTokenAndSendsAgain) {
    EXPECT_EQ(unauthorized_step(false, false, bearer), UnauthorizedStep::learn_and_retry);
}

TEST(UnauthorizedStep, ASecondRefusalIsTheAnswerNotAnotherTry) {
    EXPECT_EQ(unauthorized_step(true, false, bearer), UnauthorizedStep::answer);
}

TEST(UnauthorizedStep, ASecondRefusalForInsufficientScopeIsAccessDenied) {
    EXPECT_EQ(unauthorized_step(true, false, too_narrow), UnauthorizedStep::insufficient_scope);
}

TEST(UnauthorizedStep, AStreamedBodyIsNeverSentAgainButItsTokenIsDropped) {
    EXPECT_EQ(unauthorized_step(false, true, bearer), UnauthorizedStep::learn_and_answer);
}

TEST(UnauthorizedStep, AStreamedBodysSecondRefusalIsTheAnswer) {
    EXPECT_EQ(unauthorized_step(true, true, bearer), UnauthorizedStep::answer);
}

TEST(UnauthorizedStep, ARefusalWithoutAChallengeIsAnError) {
    EXPECT_EQ(unauthorized_step(false, false, ""), UnauthorizedStep::no_challenge);
}

TEST(UnauthorizedStep, AStreamedRefusalWithoutAChallengeIsTheAnswer) {
    EXPECT_EQ(unauthorized_step(false, true, ""), UnauthorizedStep::answer);
}

}  // namespace
}  // namespace regmigrate::registry

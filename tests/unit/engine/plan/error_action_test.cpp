#include "engine/plan/error_action.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::engine {
namespace {

constexpr ErrorAction all_actions[] = {ErrorAction::retry, ErrorAction::skip, ErrorAction::abort,
                                       ErrorAction::prompt};

TEST(ErrorAction, ParsesEachDocumentedName) {
    EXPECT_EQ(parse_error_action("retry").value(), ErrorAction::retry);
    EXPECT_EQ(parse_error_action("skip").value(), ErrorAction::skip);
    EXPECT_EQ(parse_error_action("abort").value(), ErrorAction::abort);
    EXPECT_EQ(parse_error_action("prompt").value(), ErrorAction::prompt);
}

TEST(ErrorAction, NameRoundTripsThroughToString) {
    for (const auto action : all_actions) {
        EXPECT_EQ(parse_error_action(to_string(action)).value(), action) << to_string(action);
    }
}

TEST(ErrorAction, UnknownNameIsAnInvalidArgumentQuotingItAndListingTheChoices) {
    const auto result = parse_error_action("ignore");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::invalid_argument);
    const auto& message = result.error().message;
    EXPECT_NE(message.find("\"ignore\""), std::string::npos) << message;
    for (const auto action : all_actions) {
        EXPECT_NE(message.find(to_string(action)), std::string::npos) << message;
    }
}

TEST(ErrorAction, EmptyNameIsRefused) {
    EXPECT_FALSE(parse_error_action(""));
}

TEST(ErrorAction, PromptWithoutATerminalDegradesToSkip) {
    EXPECT_EQ(effective_error_action(ErrorAction::prompt, false), ErrorAction::skip);
}

TEST(ErrorAction, PromptWithATerminalStaysPrompt) {
    EXPECT_EQ(effective_error_action(ErrorAction::prompt, true), ErrorAction::prompt);
}

TEST(ErrorAction, OtherActionsDoNotDependOnATerminal) {
    for (const auto action : {ErrorAction::retry, ErrorAction::skip, ErrorAction::abort}) {
        EXPECT_EQ(effective_error_action(action, false), action) << to_string(action);
        EXPECT_EQ(effective_error_action(action, true), action) << to_string(action);
    }
}

}  // namespace
}  // namespace regmigrate::engine

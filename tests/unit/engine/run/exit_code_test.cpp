#include "engine/run/exit_code.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace regmigrate::engine {
namespace {

TEST(ExitCodeForError, AWrongSettingIsAUsageError) {
    EXPECT_EQ(exit_code_for(make_error(ErrorKind::invalid_argument, "V1_REGISTRY: not set")),
              exit_usage);
}

TEST(ExitCodeForError, EveryOtherErrorIsAFailure) {
    for (const auto kind : {ErrorKind::network, ErrorKind::timeout, ErrorKind::io,
                            ErrorKind::protocol, ErrorKind::unsupported}) {
        EXPECT_EQ(exit_code_for(make_error(kind, "x")), exit_failed);
    }
}

TEST(RunExitCode, WithoutASignalItIsWhatFinishingTheRunReturned) {
    EXPECT_EQ(run_exit_code(exit_ok, 0), exit_ok);
    EXPECT_EQ(run_exit_code(exit_failed, 0), exit_failed);
}

TEST(RunExitCode, AStopBySignalIs128PlusItsNumberWhateverTheReport) {
    EXPECT_EQ(run_exit_code(exit_ok, SIGINT), 130);
    EXPECT_EQ(run_exit_code(exit_failed, SIGTERM), 143);
}

}  // namespace
}  // namespace regmigrate::engine

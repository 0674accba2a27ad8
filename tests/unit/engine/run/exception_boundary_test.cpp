// The boundaries where an exception a library throws becomes an Error.
#include "engine/run/exception_boundary.hpp"
#include "engine/run/run_to_completion.hpp"

#include <gtest/gtest.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/url/url.hpp>

#include <stdexcept>
#include <string>

namespace regmigrate::engine {
namespace {

namespace asio = boost::asio;

asio::awaitable<Expected<std::string>> throws_like_boost_url() {
    boost::urls::url url("https://registry.example");
    url.set_encoded_path("/v2/app/manifests/v1%");  // throws: bad percent-encoding
    co_return std::string(url.buffer());
}

asio::awaitable<Expected<std::string>> succeeds() {
    co_return std::string("sha256:ok");
}

TEST(CatchingExceptions, ThrownExceptionBecomesAnErrorNamingTheWork) {
    const auto outcome = run_to_completion<std::string>(
        [](asio::any_io_executor) {
            return catching_exceptions(throws_like_boost_url(), "copying oci:/l:v1%");
        },
        "copy");
    ASSERT_FALSE(outcome);
    EXPECT_NE(outcome.error().message.find("copying oci:/l:v1%"), std::string::npos)
        << outcome.error().message;
}

TEST(CatchingExceptions, ResultPassesThroughUnchanged) {
    const auto outcome = run_to_completion<std::string>(
        [](asio::any_io_executor) { return catching_exceptions(succeeds(), "copying"); }, "copy");
    ASSERT_TRUE(outcome) << outcome.error().message;
    EXPECT_EQ(*outcome, "sha256:ok");
}

TEST(RunToCompletion, ExceptionEscapingTheRunIsAnErrorNotAnAbort) {
    const auto outcome = run_to_completion<std::string>(
        [](asio::any_io_executor) { return throws_like_boost_url(); }, "copy");
    ASSERT_FALSE(outcome);
    EXPECT_NE(outcome.error().message.find("copy"), std::string::npos) << outcome.error().message;
}

TEST(ErrorFromCurrentException, ErrorExceptionKeepsItsKind) {
    Error error;
    try {
        throw ErrorException(make_error(ErrorKind::invalid_argument, "bad flag"));
    } catch (...) {
        error = error_from_current_exception("sync");
    }
    EXPECT_EQ(error.kind, ErrorKind::invalid_argument);
    EXPECT_EQ(error.message, "sync: bad flag");
}

}  // namespace
}  // namespace regmigrate::engine

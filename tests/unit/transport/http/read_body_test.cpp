// read_to_string: a whole streamed body, within a bound.
#include "transport/http/read_body.hpp"

#include "transport/http/memory_body_source.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::transport {
namespace {

namespace asio = boost::asio;

// A source that fails after handing out its first piece, as a dropped connection does.
class BrokenSource final : public BodySource {
  public:
    asio::awaitable<Expected<std::size_t>> read(asio::mutable_buffer buffer) override {
        if (served_)
            co_return make_error(ErrorKind::network, "connection reset");
        served_ = true;
        static_cast<char*>(buffer.data())[0] = 'x';
        co_return std::size_t{1};
    }

  private:
    bool served_ = false;
};

Expected<std::string> read(BodySource& body, std::size_t max_bytes, std::size_t expected = 0) {
    asio::io_context loop;
    auto future = asio::co_spawn(
        loop, read_to_string(body, max_bytes, "config sha256:ab", expected), asio::use_future);
    loop.run();
    return future.get();
}

TEST(ReadToString, ReadsEveryPieceToTheEnd) {
    const std::string data(40'000, 'a');
    MemoryBodySource body(data, 7'000);
    auto got = read(body, 1'000'000);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, data);
}

TEST(ReadToString, AnEmptyBodyIsAnEmptyString) {
    MemoryBodySource body("");
    auto got = read(body, 10);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, "");
}

TEST(ReadToString, ExactlyTheBoundIsAccepted) {
    MemoryBodySource body("0123456789");
    auto got = read(body, 10);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->size(), 10u);
}

TEST(ReadToString, OneByteOverTheBoundIsRefusedNamingTheBody) {
    MemoryBodySource body("0123456789A");
    auto got = read(body, 10);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind, ErrorKind::too_large);
    EXPECT_EQ(got.error().message, "config sha256:ab exceeds 10 bytes");
}

TEST(ReadToString, AnAnnouncedLengthAboveTheBoundReservesOnlyTheBound) {
    MemoryBodySource body("abc");
    auto got = read(body, 10, std::size_t{1} << 40);  // a lying length must not allocate it
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, "abc");
    EXPECT_LE(got->capacity(), 64u);
}

TEST(ReadToString, AReadErrorIsPassedOn) {
    BrokenSource body;
    auto got = read(body, 10);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind, ErrorKind::network);
}

}  // namespace
}  // namespace regmigrate::transport

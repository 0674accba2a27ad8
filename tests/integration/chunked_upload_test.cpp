// Chunked uploads (PATCH with Content-Range, then a committing PUT) against a real
// docker-registry, through the product's RegistryClient.
#include "registry/content/sha256.hpp"
#include "registry/distribution/registry_client.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/run_coro.hpp"
#include "tools/fleet/registry_writer.hpp"
#include "transport/http/memory_body_source.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

namespace regmigrate {
namespace {

namespace asio = boost::asio;

std::string patterned_bytes(std::size_t size) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i * 31 + i / 977) & 0xff);
    return bytes;
}

Expected<void> upload_in_chunks(const std::string& host, const std::string& blob,
                                const std::string& digest, std::uint64_t chunk_size) {
    asio::io_context io;
    transport::ClientOptions options;
    options.tls.mode = transport::TlsMode::disabled;
    auto http = transport::HttpClient::create(io.get_executor(), options);
    if (!http)
        return http.error();
    registry::RegistryOptions registry_options;
    registry_options.chunk_size = chunk_size;
    registry::RegistryClient client(*http, host, {}, registry_options);
    transport::MemoryBodySource source(blob, 100'000);
    return testing::run_coro(io, client.upload_blob("chunked/app", digest, blob.size(), source));
}

TEST(ChunkedUpload, BlobSentInSeveralPatchesIsCommittedWithItsDigest) {
    testing::RegistryProcess registry;
    const std::string blob = patterned_bytes(3 * 1024 * 1024 + 7);  // last chunk is short
    const std::string digest = registry::sha256_digest(blob);
    auto uploaded = upload_in_chunks(registry.host(), blob, digest, 1024 * 1024);
    ASSERT_TRUE(uploaded) << uploaded.error().message;
    fleet::RegistryWriter reader({registry.host()});
    auto exists = reader.blob_exists("chunked/app", digest);
    ASSERT_TRUE(exists) << exists.error().message;
    EXPECT_TRUE(*exists);
}

TEST(ChunkedUpload, WrongDigestIsRefusedAtCommit) {
    testing::RegistryProcess registry;
    const std::string blob = patterned_bytes(2 * 1024 * 1024 + 1);
    const std::string wrong = registry::sha256_digest("something else");
    auto uploaded = upload_in_chunks(registry.host(), blob, wrong, 1024 * 1024);
    ASSERT_FALSE(uploaded);
    EXPECT_NE(uploaded.error().message.find("DIGEST_INVALID"), std::string::npos)
        << uploaded.error().message;
}

}  // namespace
}  // namespace regmigrate

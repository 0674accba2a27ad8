// --referrers: artifacts attached to an image (cosign signatures and attestations, OCI 1.1
// artifacts with a `subject`, the referrers tag schema's index, artifacts of artifacts)
// follow it, against real docker-registry 2.8 (no referrers API: the tag-schema path). The
// referrers API itself is exercised against a scripted server, at the client level.
#include "registry/content/sha256.hpp"
#include "registry/distribution/registry_client.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/run_coro.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/scripted_http_server.hpp"
#include "tests/support/sync_cli.hpp"
#include "tools/fleet/registry_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace regmigrate::testing {
namespace {

namespace asio = boost::asio;

constexpr const char* oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* oci_index_type = "application/vnd.oci.image.index.v1+json";
constexpr const char* sbom_type = "application/spdx+json";

std::string descriptor(const std::string& media_type, const std::string& digest, std::size_t size,
                       const std::string& artifact_type = {}) {
    return R"({"mediaType":")" + media_type + R"(","digest":")" + digest + R"(","size":)" +
           std::to_string(size) +
           (artifact_type.empty() ? "" : R"(,"artifactType":")" + artifact_type + "\"") + "}";
}

std::string hex_of(const std::string& digest) {
    return digest.substr(digest.find(':') + 1);
}

// Pushes artifacts the way cosign and oras lay them out, straight into a registry.
class ArtifactWriter {
  public:
    ArtifactWriter(const std::string& host, std::string repository)
        : writer_({host}), repository_(std::move(repository)) {}

    fleet::StoredManifest manifest(const std::string& reference) {
        auto stored = writer_.get_manifest(repository_, reference);
        if (!stored)
            throw ErrorException(stored.error());
        return *stored;
    }

    // An OCI image manifest of one config and one layer, with artifactType and subject when
    // given; pushed under `reference` (a tag, or its digest when empty). Returns its digest.
    std::string push_artifact(const std::string& reference, const std::string& config_type,
                              const std::string& config, const std::string& layer_type,
                              const std::string& layer, const std::string& artifact_type = {},
                              const std::string& subject = {}) {
        const auto config_digest = push_blob(config);
        const auto layer_digest = push_blob(layer);
        std::string bytes =
            R"({"schemaVersion":2,"mediaType":")" + std::string(oci_manifest_type) + "\"";
        if (!artifact_type.empty())
            bytes += R"(,"artifactType":")" + artifact_type + "\"";
        bytes += R"(,"config":)" + descriptor(config_type, config_digest, config.size()) +
                 R"(,"layers":[)" + descriptor(layer_type, layer_digest, layer.size()) + "]";
        if (!subject.empty())
            bytes += R"(,"subject":)" + subject;
        bytes += "}";
        return push_manifest(reference, oci_manifest_type, bytes);
    }

    std::string push_manifest(const std::string& reference, const std::string& media_type,
                              const std::string& bytes) {
        const std::string digest = registry::sha256_digest(bytes);
        auto pushed = writer_.push_manifest(repository_, reference.empty() ? digest : reference,
                                            media_type, bytes);
        if (!pushed)
            throw ErrorException(pushed.error());
        return digest;
    }

  private:
    std::string push_blob(const std::string& bytes) {
        auto pushed = writer_.push_blob(repository_, bytes);
        if (!pushed)
            throw ErrorException(pushed.error());
        return *pushed;
    }

    fleet::RegistryWriter writer_;
    std::string repository_;
};

class ReferrersTest : public ::testing::Test {
  protected:
    void SetUp() override {
        push_image(source_.host(), sample_image("app", "v1", fleet::ManifestFormat::oci));
        ArtifactWriter artifacts(source_.host(), "app");
        const auto subject = artifacts.manifest("v1");
        subject_digest_ = subject.digest;
        const std::string base = "sha256-" + hex_of(subject.digest);
        artifacts.push_artifact(
            base + ".sig", "application/vnd.oci.image.config.v1+json", R"({"cosign":"sig"})",
            "application/vnd.dev.cosign.simplesigning.v1+json",
            R"({"critical":{"image":{"docker-manifest-digest":")" + subject.digest + R"("}}})");
        artifacts.push_artifact(
            base + ".att", "application/vnd.oci.image.config.v1+json", R"({"cosign":"att"})",
            "application/vnd.dsse.envelope.v1+json",
            R"({"payloadType":"application/vnd.in-toto+json","payload":"e30="})");
        // An OCI 1.1 artifact naming its subject, listed by the tag schema's index.
        const std::string sbom_layer = R"({"spdxVersion":"SPDX-2.3"})";
        sbom_digest_ = artifacts.push_artifact(
            "", "application/vnd.oci.empty.v1+json", "{}", sbom_type, sbom_layer, sbom_type,
            descriptor(subject.media_type, subject.digest, subject.bytes.size()));
        const auto sbom = artifacts.manifest(sbom_digest_);
        artifacts.push_manifest(
            base, oci_index_type,
            R"({"schemaVersion":2,"mediaType":")" + std::string(oci_index_type) +
                R"(","manifests":[)" +
                descriptor(oci_manifest_type, sbom_digest_, sbom.bytes.size(), sbom_type) + "]}");
        // An artifact of an artifact: the SBOM's own signature.
        artifacts.push_artifact(
            "sha256-" + hex_of(sbom_digest_) + ".sig", "application/vnd.oci.image.config.v1+json",
            R"({"cosign":"sbom"})", "application/vnd.dev.cosign.simplesigning.v1+json",
            R"({"critical":{"image":{"docker-manifest-digest":")" + sbom_digest_ + R"("}}})");
    }

    std::string base_tag() const { return "sha256-" + hex_of(subject_digest_); }
    // Every artifact reference (tags, and the SBOM by digest).
    std::vector<std::string> artifact_references() const {
        return {base_tag() + ".sig", base_tag() + ".att", base_tag(), sbom_digest_,
                "sha256-" + hex_of(sbom_digest_) + ".sig"};
    }
    std::set<std::string> destination_tags() {
        fleet::RegistryWriter reader({destination_.host()});
        auto tags = reader.list_tags("app");
        EXPECT_TRUE(tags) << tags.error().message;
        return tags ? std::set<std::string>(tags->begin(), tags->end()) : std::set<std::string>{};
    }
    // The manifest revision link the registry writes when a manifest is pushed.
    std::filesystem::path revision_link(const std::string& digest) const {
        return destination_.storage_dir() / "docker/registry/v2/repositories/app/_manifests" /
               "revisions/sha256" / hex_of(digest) / "link";
    }
    CopyOutcome copy(const std::vector<std::string>& options) {
        auto all = plain_http();
        all.insert(all.end(), options.begin(), options.end());
        return cli_.copy(source_.host() + "/app:v1", destination_.host() + "/app:v1", all);
    }
    SyncOutcome sync_v1(const std::string& command, std::vector<std::string> options) {
        options.insert(options.end(), {"--tag", "^v1$", "--no-journal"});
        auto all = plain_http();
        all.insert(all.end(), options.begin(), options.end());
        return sync_cli_.run(command, source_.host(), destination_.host(), all);
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    SyncCli sync_cli_{REGMIGRATE_BINARY};
    std::string subject_digest_;
    std::string sbom_digest_;
};

TEST_F(ReferrersTest, CopyWithReferrersBringsEveryArtifactWithItsDigest) {
    const auto outcome = copy({"--referrers"});
    ASSERT_EQ(outcome.cli.exit_code, 0) << outcome.cli.describe();
    ArtifactWriter source(source_.host(), "app");
    ArtifactWriter destination(destination_.host(), "app");
    for (const auto& reference : artifact_references()) {
        EXPECT_EQ(destination.manifest(reference).digest, source.manifest(reference).digest)
            << reference;
    }
}

TEST_F(ReferrersTest, CopyWithoutReferrersLeavesArtifactsBehind) {
    const auto outcome = copy({});
    ASSERT_EQ(outcome.cli.exit_code, 0) << outcome.cli.describe();
    EXPECT_EQ(destination_tags(), std::set<std::string>{"v1"});
}

TEST_F(ReferrersTest, ArtifactsArePushedAfterTheirSubject) {
    const auto outcome = copy({"--referrers"});
    ASSERT_EQ(outcome.cli.exit_code, 0) << outcome.cli.describe();
    const auto subject_pushed = std::filesystem::last_write_time(revision_link(subject_digest_));
    ArtifactWriter destination(destination_.host(), "app");
    for (const auto& reference : artifact_references()) {
        const auto digest = destination.manifest(reference).digest;
        EXPECT_GE(std::filesystem::last_write_time(revision_link(digest)), subject_pushed)
            << reference;
    }
    // The SBOM before its own signature, and before the index that lists it.
    const auto sbom_pushed = std::filesystem::last_write_time(revision_link(sbom_digest_));
    const auto sbom_signature = destination.manifest("sha256-" + hex_of(sbom_digest_) + ".sig");
    EXPECT_GE(std::filesystem::last_write_time(revision_link(sbom_signature.digest)), sbom_pushed);
}

TEST_F(ReferrersTest, ArtifactTypeFilterCopiesOnlyMatchingReferrers) {
    const auto outcome = copy({"--referrers-artifact-type", sbom_type});
    ASSERT_EQ(outcome.cli.exit_code, 0) << outcome.cli.describe();
    // The SBOM by digest; cosign tags and the index (listing everything) stay behind.
    EXPECT_EQ(destination_tags(), std::set<std::string>{"v1"});
    ArtifactWriter destination(destination_.host(), "app");
    EXPECT_EQ(destination.manifest(sbom_digest_).digest, sbom_digest_);
}

TEST_F(ReferrersTest, SyncWithReferrersMovesArtifactsAndARerunMovesNothing) {
    const auto first = sync_v1("sync", {"--referrers"});
    ASSERT_EQ(first.cli.exit_code, 0) << first.cli.describe();
    EXPECT_EQ(destination_tags(),
              (std::set<std::string>{"v1", base_tag(), base_tag() + ".sig", base_tag() + ".att",
                                     "sha256-" + hex_of(sbom_digest_) + ".sig"}));
    const auto again = sync_v1("sync", {"--referrers"});
    ASSERT_EQ(again.cli.exit_code, 0) << again.cli.describe();
    ASSERT_TRUE(again.report) << again.report.error().message;
    EXPECT_EQ(again.report->summary.images_skipped, 1u);
    EXPECT_EQ(again.report->summary.bytes_transferred, 0u);
    EXPECT_EQ(again.report->summary.blobs_uploaded, 0u);
}

TEST_F(ReferrersTest, SyncOfEveryTagWithoutReferrersCopiesArtifactTagsAsOrdinaryTags) {
    auto options = plain_http();
    options.push_back("--no-journal");
    const auto outcome = sync_cli_.run("sync", source_.host(), destination_.host(), options);
    ASSERT_EQ(outcome.cli.exit_code, 0) << outcome.cli.describe();
    EXPECT_TRUE(destination_tags().contains(base_tag() + ".sig"));
}

TEST_F(ReferrersTest, VerifyWithReferrersReportsAMissingArtifact) {
    const auto synced = sync_v1("sync", {});
    ASSERT_EQ(synced.cli.exit_code, 0) << synced.cli.describe();
    const auto plain = sync_v1("verify", {});
    EXPECT_EQ(plain.cli.exit_code, 0) << plain.cli.describe();
    const auto checked = sync_v1("verify", {"--referrers"});
    EXPECT_EQ(checked.cli.exit_code, 1) << checked.cli.describe();
    ASSERT_TRUE(checked.report) << checked.report.error().message;
    ASSERT_EQ(checked.report->images.size(), 1u);
    EXPECT_EQ(checked.report->images[0].status, "missing");
    EXPECT_NE(checked.report->images[0].error.find("referrer"), std::string::npos)
        << checked.report->images[0].error;
}

TEST_F(ReferrersTest, VerifyWithReferrersMatchesAfterSyncWithReferrers) {
    const auto synced = sync_v1("sync", {"--referrers"});
    ASSERT_EQ(synced.cli.exit_code, 0) << synced.cli.describe();
    const auto checked = sync_v1("verify", {"--referrers"});
    EXPECT_EQ(checked.cli.exit_code, 0) << checked.cli.describe();
}

// The referrers API, page by page, from a scripted registry.
class ReferrersApiTest : public ::testing::Test {
  protected:
    using Pages = std::map<std::string, ScriptedReply>;  // request target → answer

    std::optional<std::vector<registry::Descriptor>> list(
        std::vector<std::string> artifact_types = {}) {
        auto listed = list_result(std::move(artifact_types));
        EXPECT_TRUE(listed) << listed.error().message;
        return listed ? *listed : std::nullopt;
    }
    Expected<std::optional<std::vector<registry::Descriptor>>> list_result(
        std::vector<std::string> artifact_types = {}) {
        asio::io_context io;
        transport::ClientOptions options;
        options.tls.mode = transport::TlsMode::disabled;
        auto http = transport::HttpClient::create(io.get_executor(), options);
        if (!http)
            return http.error();
        registry::RegistryClient client(*http, "127.0.0.1:" + std::to_string(server_.port()), {});
        return run_coro(io, client.list_referrers("app", subject_, std::move(artifact_types)));
    }

    static ScriptedReply index_page(const std::vector<std::pair<std::string, std::string>>& entries,
                                    std::string next = {}) {
        std::string manifests;
        for (const auto& [digest, type] : entries)
            manifests +=
                (manifests.empty() ? "" : ",") + descriptor(oci_manifest_type, digest, 10, type);
        ScriptedReply reply{200,
                            R"({"schemaVersion":2,"mediaType":")" + std::string(oci_index_type) +
                                R"(","manifests":[)" + manifests + "]}",
                            {{"Content-Type", oci_index_type}}};
        if (!next.empty())
            reply.headers.emplace_back("Link", "<" + next + ">; rel=\"next\"");
        return reply;
    }

    const std::string subject_ = "sha256:" + std::string(64, 'a');
    const std::string first_ = "/v2/app/referrers/" + subject_;
    const std::string one_ = "sha256:" + std::string(64, '1');
    const std::string two_ = "sha256:" + std::string(64, '2');
    const std::string three_ = "sha256:" + std::string(64, '3');
    Pages pages_;
    ScriptedHttpServer server_{answer_each([this](const ScriptedRequest& request) {
        const auto found = pages_.find(request.target);
        return found != pages_.end() ? found->second
                                     : ScriptedReply{404, "404 page not found\n", {}};
    })};
};

TEST_F(ReferrersApiTest, FollowsLinkPagesAndKeepsTheirOrder) {
    pages_[first_] = index_page({{one_, "a"}, {two_, "b"}}, first_ + "?last=2");
    pages_[first_ + "?last=2"] = index_page({{three_, "a"}});
    const auto listed = list();
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 3u);
    EXPECT_EQ((*listed)[0].digest, one_);
    EXPECT_EQ((*listed)[1].digest, two_);
    EXPECT_EQ((*listed)[2].digest, three_);
    EXPECT_EQ(server_.requests_received(), 2u);
}

TEST_F(ReferrersApiTest, AsksForOneArtifactTypeAndFiltersWhatTheRegistryDidNot) {
    // No OCI-Filters-Applied: this registry ignores the filter and answers with everything.
    pages_[first_ + "?artifactType=a"] = index_page({{one_, "a"}, {two_, "b"}});
    const auto listed = list({"a"});
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].digest, one_);
}

TEST_F(ReferrersApiTest, SeveralArtifactTypesAreFilteredByTheClient) {
    pages_[first_] = index_page({{one_, "a"}, {two_, "b"}, {three_, "c"}});
    const auto listed = list({"c", "a"});
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 2u);
    EXPECT_EQ((*listed)[0].digest, one_);
    EXPECT_EQ((*listed)[1].digest, three_);
}

TEST_F(ReferrersApiTest, NotFoundMeansTheRegistryHasNoReferrersApi) {
    auto listed = list_result();
    ASSERT_TRUE(listed) << listed.error().message;
    EXPECT_FALSE(*listed);
}

TEST_F(ReferrersApiTest, MissingLaterPageIsAnError) {
    pages_[first_] = index_page({{one_, "a"}}, first_ + "?last=1");
    auto listed = list_result();
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().kind, ErrorKind::not_found);
}

TEST_F(ReferrersApiTest, AnswerThatIsNotAnIndexIsRefused) {
    pages_[first_] = ScriptedReply{200,
                                   R"({"schemaVersion":2,"manifests":[],"layers":[]})",
                                   {{"Content-Type", "application/json"}}};
    auto listed = list_result();
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().kind, ErrorKind::protocol);
}

}  // namespace
}  // namespace regmigrate::testing

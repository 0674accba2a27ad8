// sync --prune for one destination repository, decided without sockets: which destination
// tags are gone from the source, which manifests they may be deleted with, and, answer by
// answer, the next DELETE to send. The I/O is engine/prune/repository_pruner.cpp.
//
// Registries delete a manifest by digest with every tag on it, so a manifest that a staying
// tag still uses is never deleted by digest: its gone tags are deleted alone (DELETE by tag,
// OCI distribution 1.1), or kept where the registry cannot do that. distribution 2.8 (Debian's
// docker-registry) cannot: it reads a tag in DELETE as a digest (400 DIGEST_INVALID), and
// refuses every DELETE with 405 UNSUPPORTED unless `storage: delete: enabled: true`.
#pragma once

#include "metrics/outcome.hpp"
#include "transport/error.hpp"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::engine {

using metrics::DeletionOutcome;

// Destination tags the plan selects (in_plan) that the source's complete listing lacks,
// sorted and without repeats.
std::vector<std::string> tags_gone_from_source(
    const std::vector<std::string>& destination_tags, const std::set<std::string>& source_tags,
    const std::function<bool(std::string_view tag)>& in_plan);

struct DestinationTag {
    std::string tag;
    std::string digest;  // of the manifest it points at
};

// The gone tags pointing at one manifest.
struct GoneManifest {
    std::string digest;
    std::vector<std::string> tags;  // gone from the source, sorted
    // A staying tag points at it, or at an index listing it: a delete by digest would take
    // them down too.
    bool in_use = false;
};

// The gone tags grouped by manifest, in digest order. destination: every destination tag
// with its digest; referenced: the manifests that indexes of staying tags list.
std::vector<GoneManifest> group_gone_tags(const std::vector<DestinationTag>& destination,
                                          const std::set<std::string>& gone,
                                          const std::set<std::string>& referenced);

// Whether a registry deletes a tag alone, learned from its answers (kept per registry for
// the run, so only its first repository pays the refused attempt).
enum class TagDeletion { unknown, supported, unsupported };

// How the registry answered a DELETE.
enum class DeleteAnswer {
    done,         // 200, 202, 204
    gone,         // 404 for a digest: nothing is left to delete
    tag_refused,  // 400 or 404 for a tag: the registry cannot delete a tag alone
    refused,      // 405 (deletes disabled), 401, 403: nothing will be deleted here
    failed,       // anything else: this request failed
};

DeleteAnswer classify_delete_answer(const Expected<void>& answer, bool by_tag);

struct DeleteRequest {
    std::string reference;  // a tag, or a digest
    bool by_tag = false;
};

struct TagDeletionResult {
    std::string tag;
    std::string digest;
    DeletionOutcome outcome = DeletionOutcome::failed;
    std::string error;  // why failed or kept
};

// One repository's deletes: asks for each tag to be deleted alone first; a manifest no
// staying tag uses is deleted by digest where the registry cannot do that. The first
// refusal of the registry (405, 401, 403) ends the repository with one error.
class PruneFsm {
  public:
    PruneFsm(std::vector<GoneManifest> manifests, TagDeletion support);

    // The next DELETE to send, or nullopt when the repository is done.
    std::optional<DeleteRequest> next();
    // The answer to the request next() returned last; error: its message when not done.
    void on_answer(DeleteAnswer answer, const std::string& error);

    TagDeletion support() const { return support_; }
    // The registry's refusal that ended the repository; "" when none.
    const std::string& refusal() const { return refusal_; }
    // A result per gone tag handled so far (none for the tags a refusal left).
    const std::vector<TagDeletionResult>& results() const { return results_; }

  private:
    // Every gone tag of the current manifest from the current one on gets `outcome`.
    void finish_manifest(DeletionOutcome outcome, const std::string& error);

    std::vector<GoneManifest> manifests_;
    TagDeletion support_;
    std::size_t manifest_ = 0;  // the current manifest
    std::size_t tag_ = 0;       // its next tag to delete alone
    bool by_digest_ = false;    // the current manifest is deleted by digest
    std::string refusal_;
    std::vector<TagDeletionResult> results_;
};

}  // namespace regmigrate::engine

#include "engine/prune/prune_fsm.hpp"

#include <algorithm>
#include <map>

namespace regmigrate::engine {

std::vector<std::string> tags_gone_from_source(
    const std::vector<std::string>& destination_tags, const std::set<std::string>& source_tags,
    const std::function<bool(std::string_view tag)>& in_plan) {
    std::set<std::string> gone;
    for (const auto& tag : destination_tags) {
        if (!source_tags.contains(tag) && in_plan(tag))
            gone.insert(tag);
    }
    return {gone.begin(), gone.end()};
}

std::vector<GoneManifest> group_gone_tags(const std::vector<DestinationTag>& destination,
                                          const std::set<std::string>& gone,
                                          const std::set<std::string>& referenced) {
    std::map<std::string, GoneManifest> by_digest;
    std::set<std::string> staying;
    for (const auto& entry : destination) {
        if (!gone.contains(entry.tag)) {
            staying.insert(entry.digest);
            continue;
        }
        auto& manifest = by_digest[entry.digest];
        manifest.digest = entry.digest;
        manifest.tags.push_back(entry.tag);
    }
    std::vector<GoneManifest> grouped;
    for (auto& [digest, manifest] : by_digest) {
        std::sort(manifest.tags.begin(), manifest.tags.end());
        manifest.tags.erase(std::unique(manifest.tags.begin(), manifest.tags.end()),
                            manifest.tags.end());
        manifest.in_use = staying.contains(digest) || referenced.contains(digest);
        grouped.push_back(std::move(manifest));
    }
    return grouped;
}

DeleteAnswer classify_delete_answer(const Expected<void>& answer, bool by_tag) {
    if (answer)
        return DeleteAnswer::done;
    const Error& error = answer.error();
    if (error.http_status == 405 || error.kind == ErrorKind::unauthorized ||
        error.kind == ErrorKind::denied) {
        return DeleteAnswer::refused;
    }
    if (by_tag && (error.http_status == 400 || error.http_status == 404))
        return DeleteAnswer::tag_refused;
    if (!by_tag && error.http_status == 404)
        return DeleteAnswer::gone;
    return DeleteAnswer::failed;
}

PruneFsm::PruneFsm(std::vector<GoneManifest> manifests, TagDeletion support)
    : manifests_(std::move(manifests)), support_(support) {}

std::optional<DeleteRequest> PruneFsm::next() {
    while (refusal_.empty() && manifest_ < manifests_.size()) {
        const GoneManifest& manifest = manifests_[manifest_];
        if (by_digest_)
            return DeleteRequest{manifest.digest, false};
        if (tag_ == manifest.tags.size()) {
            ++manifest_;
            tag_ = 0;
            continue;
        }
        if (support_ != TagDeletion::unsupported)
            return DeleteRequest{manifest.tags[tag_], true};
        if (!manifest.in_use) {
            by_digest_ = true;
            continue;
        }
        finish_manifest(DeletionOutcome::kept,
                        "its manifest " + manifest.digest +
                            " is still used by a tag that stays, and the registry deletes a "
                            "tag only with its manifest");
    }
    return std::nullopt;
}

void PruneFsm::on_answer(DeleteAnswer answer, const std::string& error) {
    if (manifest_ >= manifests_.size())
        return;
    const GoneManifest& manifest = manifests_[manifest_];
    if (answer == DeleteAnswer::refused) {
        refusal_ = error;
        return;
    }
    if (by_digest_) {
        finish_manifest(answer == DeleteAnswer::done || answer == DeleteAnswer::gone
                            ? DeletionOutcome::deleted
                            : DeletionOutcome::failed,
                        answer == DeleteAnswer::failed ? error : std::string());
        return;
    }
    switch (answer) {
        case DeleteAnswer::done:
        case DeleteAnswer::gone:
            support_ = TagDeletion::supported;
            results_.push_back({manifest.tags[tag_], manifest.digest, DeletionOutcome::untagged});
            ++tag_;
            break;
        case DeleteAnswer::tag_refused:
            // next() falls back to the digest, or keeps the tags, from this tag on.
            support_ = TagDeletion::unsupported;
            break;
        case DeleteAnswer::failed:
        case DeleteAnswer::refused:
            results_.push_back(
                {manifest.tags[tag_], manifest.digest, DeletionOutcome::failed, error});
            ++tag_;
            break;
    }
}

void PruneFsm::finish_manifest(DeletionOutcome outcome, const std::string& error) {
    const GoneManifest& manifest = manifests_[manifest_];
    for (; tag_ < manifest.tags.size(); ++tag_)
        results_.push_back({manifest.tags[tag_], manifest.digest, outcome, error});
    ++manifest_;
    tag_ = 0;
    by_digest_ = false;
}

}  // namespace regmigrate::engine

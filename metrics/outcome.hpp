// How an image and a blob ended. These words are the wire: the report's "status" values,
// the result labels of regmigrate_images_total and regmigrate_blobs_total, the summary
// line and the logs all take them from to_string here, the one place they are spelled.
// They live in metrics, the lowest layer that speaks them (the engine's report builds on it).
#pragma once

#include <array>
#include <string_view>

namespace regmigrate::metrics {

enum class ImageOutcome {
    copied,         // pushed to the destination by this run
    skipped,        // the destination already served it (skip-existing, the journal)
    failed,         // did not get there, or (verify) could not be checked
    not_attempted,  // not started: its registry tripped the breaker
    planned,        // a dry run's image: would be copied
    matched,        // verify: the destination serves the source's digest and every blob
    mismatched,     // verify: the destination serves another digest
    missing,        // verify: the tag or one of its blobs is absent
};

// How a blob reached the destination.
enum class BlobOutcome {
    uploaded,  // its bytes were sent
    mounted,   // a cross-repository mount
    existing,  // there before this run (a HEAD found it)
    deduped,   // placed by another image of this run
};

// What --prune did with a destination tag gone from the source.
enum class DeletionOutcome {
    untagged,  // the tag alone was deleted (DELETE by tag); its manifest stays
    deleted,   // its manifest was deleted by digest, with every tag on it (all gone at the source)
    kept,      // left: its manifest is still used and the registry cannot delete a tag alone
    planned,   // a dry run's: would be deleted
    failed,    // the delete failed, or the repository could not be pruned (error says why)
};

// Every deletion outcome, in the order the metric lists them.
inline constexpr std::array<DeletionOutcome, 5> all_deletion_outcomes{
    DeletionOutcome::untagged, DeletionOutcome::deleted, DeletionOutcome::kept,
    DeletionOutcome::planned, DeletionOutcome::failed};

// Every blob outcome, in the order the summary line and the metric list them.
inline constexpr std::array<BlobOutcome, 4> all_blob_outcomes{
    BlobOutcome::uploaded, BlobOutcome::mounted, BlobOutcome::existing, BlobOutcome::deduped};

std::string_view to_string(ImageOutcome outcome);
std::string_view to_string(BlobOutcome outcome);
std::string_view to_string(DeletionOutcome outcome);

}  // namespace regmigrate::metrics

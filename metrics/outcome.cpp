#include "metrics/outcome.hpp"

namespace regmigrate::metrics {

std::string_view to_string(ImageOutcome outcome) {
    switch (outcome) {
        case ImageOutcome::copied:
            return "copied";
        case ImageOutcome::skipped:
            return "skipped";
        case ImageOutcome::failed:
            return "failed";
        case ImageOutcome::not_attempted:
            return "not_attempted";
        case ImageOutcome::planned:
            return "planned";
        case ImageOutcome::matched:
            return "matched";
        case ImageOutcome::mismatched:
            return "mismatched";
        case ImageOutcome::missing:
            return "missing";
    }
    return "failed";
}

std::string_view to_string(BlobOutcome outcome) {
    switch (outcome) {
        case BlobOutcome::uploaded:
            return "uploaded";
        case BlobOutcome::mounted:
            return "mounted";
        case BlobOutcome::existing:
            return "existing";
        case BlobOutcome::deduped:
            return "deduped";
    }
    return "uploaded";
}

std::string_view to_string(DeletionOutcome outcome) {
    switch (outcome) {
        case DeletionOutcome::untagged:
            return "untagged";
        case DeletionOutcome::deleted:
            return "deleted";
        case DeletionOutcome::kept:
            return "kept";
        case DeletionOutcome::planned:
            return "planned";
        case DeletionOutcome::failed:
            return "failed";
    }
    return "failed";
}

}  // namespace regmigrate::metrics

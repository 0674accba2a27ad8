// Referrers of a manifest (OCI distribution 1.1): the artifacts (signatures, attestations,
// SBOMs) whose `subject` names it. A registry lists them through the referrers API; one
// without the API (a 404) has them under tags instead: the referrers tag schema's
// "<alg>-<hex>" index, and cosign's "<alg>-<hex>.sig" / ".att" / ".sbom" manifests.
#pragma once

#include "registry/types/manifest.hpp"
#include "transport/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::registry {

// A referrers API answer (one page): an OCI image index whose manifests are the referrers.
// Refuses anything else, as parse_manifest refuses a malformed index.
Expected<std::vector<Descriptor>> parse_referrers(std::string_view body,
                                                  std::string_view content_type);

// The descriptors whose artifactType is one of `types`, in order; all of them when `types`
// is empty.
std::vector<Descriptor> select_by_artifact_type(std::vector<Descriptor> referrers,
                                                const std::vector<std::string>& types);

// The referrers tag schema's tag for a digest: "<alg>-<encoded>", the algorithm cut to 32
// and the encoded part to 64 characters so the tag stays within the 128 a tag may have.
Expected<std::string> referrers_tag(std::string_view digest);

// The tags of a repository that carry the referrers of `digest`.
struct TagSchemaReferrers {
    std::optional<std::string> index_tag;  // "<alg>-<hex>": an index listing the referrers
    std::vector<std::string> cosign_tags;  // "<alg>-<hex>.sig", ".att", ".sbom", in that order
};
TagSchemaReferrers tag_schema_referrers(std::string_view digest,
                                        const std::vector<std::string>& tags);

}  // namespace regmigrate::registry

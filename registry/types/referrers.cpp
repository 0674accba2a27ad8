#include "registry/types/referrers.hpp"

#include "registry/content/digest.hpp"
#include "registry/types/media_types.hpp"

#include <algorithm>
#include <array>

namespace regmigrate::registry {

Expected<std::vector<Descriptor>> parse_referrers(std::string_view body,
                                                  std::string_view content_type) {
    auto index = parse_manifest(body, content_type);
    if (!index)
        return with_context(index.error(), "referrers response");
    if (index->media_type != media_type::oci_index) {
        return make_error(ErrorKind::protocol, "referrers response is " + index->media_type +
                                                   ", not an OCI image index");
    }
    return std::move(index->manifests);
}

std::vector<Descriptor> select_by_artifact_type(std::vector<Descriptor> referrers,
                                                const std::vector<std::string>& types) {
    if (types.empty())
        return referrers;
    std::erase_if(referrers, [&](const Descriptor& referrer) {
        return std::find(types.begin(), types.end(), referrer.artifact_type) == types.end();
    });
    return referrers;
}

Expected<std::string> referrers_tag(std::string_view digest) {
    if (!is_valid_digest(digest)) {
        return make_error(ErrorKind::invalid_argument,
                          "no referrers tag for invalid digest " + std::string(digest));
    }
    const auto colon = digest.find(':');
    const auto algorithm = digest.substr(0, std::min<std::size_t>(colon, 32));
    const auto encoded = digest.substr(colon + 1, 64);
    return std::string(algorithm) + "-" + std::string(encoded);
}

TagSchemaReferrers tag_schema_referrers(std::string_view digest,
                                        const std::vector<std::string>& tags) {
    TagSchemaReferrers found;
    auto base = referrers_tag(digest);
    if (!base)
        return found;
    const auto listed = [&](const std::string& tag) {
        return std::find(tags.begin(), tags.end(), tag) != tags.end();
    };
    if (listed(*base))
        found.index_tag = *base;
    for (std::string_view suffix : std::array{".sig", ".att", ".sbom"}) {
        std::string tag = *base + std::string(suffix);
        if (listed(tag))
            found.cosign_tags.push_back(std::move(tag));
    }
    return found;
}

}  // namespace regmigrate::registry

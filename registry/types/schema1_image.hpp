// What a docker schema1 manifest says about its image, for the conversion to schema2: the
// fsLayers and their history (v1Compatibility) entries, and whether a destination's answer
// to a schema1 push means it refuses the format itself.
#pragma once

#include "registry/v1/v1_api.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::registry {

// One fsLayers entry and its history entry.
struct Schema1Layer {
    std::string blob_sum;
    V1Image image;  // the v1Compatibility JSON, as a v1 registry serves an image JSON
    // A metadata-only entry (ENV, CMD...): history, but no layer of the schema2 image.
    bool throwaway = false;
};

// The layers of a schema1 manifest (the signed one's payload, or an unsigned one), BASE
// FIRST: schema1 lists fsLayers and history top-first, image layers stack base-first.
// Refuses fsLayers and history of different lengths, an empty list, history entries that
// are not JSON objects with a valid id, a throwaway that is not a boolean.
Expected<std::vector<Schema1Layer>> schema1_layers(std::string_view manifest);

// A destination's answer to the PUT of a schema1 manifest says it does not take schema1 at
// all (rather than this manifest): 415; a 400 whose MANIFEST_INVALID / UNSUPPORTED error
// says "unsupported" (distribution 3: "unsupported manifest media type"); or distribution
// 2.8's own answer with schema1 disabled, a 500 whose one error is UNKNOWN with an empty
// detail (its log says "manifest schema v1 unsupported"; the reply carries nothing more, so
// a 2.8 registry failing the same way for another reason reads as a refusal too). A bad
// signature (MANIFEST_UNVERIFIED), a missing blob (MANIFEST_BLOB_UNKNOWN) or any other
// answer is not one.
bool refuses_schema1(int status, std::string_view body);

}  // namespace regmigrate::registry

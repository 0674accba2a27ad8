// fleetgen's storage mode: writes images straight into the storage directory of a
// docker-registry (distribution 2.8, filesystem driver) that is not running, in the
// layout storage_layout.hpp describes, so a registry started on it afterwards serves
// exactly what the same pushes over HTTP would have stored. Tens of thousands of tags
// take seconds instead of hours of HTTP round trips.
#pragma once

#include "tools/fleet/image_sink.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace regmigrate::fleet {

class StorageWriter final : public ImageSink {
  public:
    // `root` is the registry's storage.filesystem.rootdirectory; created when missing.
    explicit StorageWriter(const std::filesystem::path& root);

    Expected<std::string> push_blob(std::string_view repository, std::string_view bytes) override;
    // Streams into an upload file of the repository, hashing as it goes, then moves it
    // into the blob store: one chunk in memory at a time.
    Expected<std::string> push_blob_stream(std::string_view repository, std::uint64_t size,
                                           const ByteGenerator& generator) override;
    // Links the blob into `repository`; true whenever the blob store holds it.
    Expected<bool> mount_blob(std::string_view repository, std::string_view digest,
                              std::string_view from_repository) override;
    // Stores the bytes as a blob, links the revision and, for a tag, points the tag at it.
    Expected<std::string> push_manifest(std::string_view repository, std::string_view reference,
                                        std::string_view media_type,
                                        std::string_view bytes) override;

  private:
    std::string path(std::string_view relative) const;
    Expected<void> write_link(const std::string& relative, std::string_view digest) const;

    std::string root_;  // ends in '/'
};

}  // namespace regmigrate::fleet

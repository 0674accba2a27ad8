// One sync attempt for an image of a v1 source: convert it (which needs only reads), skip
// it when the destination or the journal already has the converted digest under the tag,
// else prepare the destination and push.
#pragma once

#include "engine/run/run_report.hpp"
#include "engine/run/task_queue.hpp"
#include "engine/v1/v1_image_converter.hpp"

#include <functional>
#include <string>

namespace regmigrate::engine {

struct V1SyncContext {
    bool skip_existing = true;  // and the destination repository may hold the tag
    const std::string* journaled_digest = nullptr;  // what an earlier run pushed, if any
    // Run before anything is written (ECR creates the repository here).
    std::function<boost::asio::awaitable<Expected<void>>()> prepare;
};

// copied or skipped; record.digest is the converted manifest's digest either way.
boost::asio::awaitable<Expected<ImageOutcome>> sync_v1_image(V1ImageConverter& converter,
                                                             const ImageTask& task,
                                                             const Endpoint& destination,
                                                             const V1SyncContext& context,
                                                             ImageRecord& record);

}  // namespace regmigrate::engine

#include "engine/v1/v1_image_sync.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

asio::awaitable<Expected<ImageOutcome>> sync_v1_image(V1ImageConverter& converter,
                                                      const ImageTask& task,
                                                      const Endpoint& destination,
                                                      const V1SyncContext& context,
                                                      ImageRecord& record) {
    auto conversion = co_await converter.convert(task.source_repository, task.tag);
    if (!conversion)
        co_return conversion.error();
    record.digest = conversion->image.digest;
    if (context.journaled_digest && *context.journaled_digest == record.digest)
        co_return ImageOutcome::skipped;
    if (context.skip_existing) {
        auto there = co_await destination.client->head_manifest(destination.repository, task.tag);
        if (!there)
            co_return there.error();
        if (*there && (*there)->digest == record.digest)
            co_return ImageOutcome::skipped;
    }
    if (context.prepare) {
        if (auto prepared = co_await context.prepare(); !prepared)
            co_return prepared.error();
    }
    auto pushed = co_await converter.push(*conversion, destination, task.tag);
    if (!pushed)
        co_return pushed.error();
    co_return ImageOutcome::copied;
}

}  // namespace regmigrate::engine

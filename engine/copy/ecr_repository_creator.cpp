#include "engine/copy/ecr_repository_creator.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

EcrRepositoryCreator::EcrRepositoryCreator(registry::EcrRepositorySettings settings)
    : settings_(std::move(settings)) {}

asio::awaitable<Expected<void>> EcrRepositoryCreator::ensure_repository(
    registry::EcrApi& api, std::string_view repository) {
    // A waiter's wait is bounded by the creating call's own request timeouts.
    auto outcome = co_await ensured_.get(
        std::string(repository), [&] { return api.create_repository(repository, settings_); });
    if (!outcome)
        co_return outcome.error();
    co_return Expected<void>{};
}

}  // namespace regmigrate::engine

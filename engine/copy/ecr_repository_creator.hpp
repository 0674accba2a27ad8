// Amazon ECR refuses pushes to a repository that does not exist: a run creates each
// destination repository before its first push, asking once per name. Callers on any thread
// that want a name being created wait for that call's outcome (single flight); when it
// fails, the next caller makes its own attempt.
#pragma once

#include "engine/copy/single_flight.hpp"
#include "registry/ecr/ecr_api.hpp"

#include <string>
#include <string_view>

namespace regmigrate::engine {

// The names are shared safely between threads; the EcrApi passed in is not (one per loop).
class EcrRepositoryCreator {
  public:
    explicit EcrRepositoryCreator(registry::EcrRepositorySettings settings = {});
    boost::asio::awaitable<Expected<void>> ensure_repository(registry::EcrApi& api,
                                                             std::string_view repository);

  private:
    registry::EcrRepositorySettings settings_;
    SingleFlight<std::string, registry::CreateRepositoryOutcome> ensured_;
};

}  // namespace regmigrate::engine

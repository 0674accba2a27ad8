// Runs the steps of one image (its blobs, its index's children) concurrently, up to a
// bound, on the caller's event loop: the per-image parallelism under the run's global
// transfer limit.
#pragma once

#include "transport/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>

namespace regmigrate::engine {

using IndexedWork = std::function<boost::asio::awaitable<Expected<void>>(std::size_t index)>;

// work(0) ... work(count - 1), at most `bound` at once (0 counts as 1), on the calling
// coroutine's executor, which must be single-threaded (the steps share state unlocked).
// The first failure starts nothing more and sets *failed (when given), which running steps
// may read to stop at their next step; the call returns once every started step has
// ended, with the first failure. An exception a step throws is that step's failure.
boost::asio::awaitable<Expected<void>> for_each_bounded(std::size_t count, std::size_t bound,
                                                        const IndexedWork& work,
                                                        bool* failed = nullptr);

}  // namespace regmigrate::engine

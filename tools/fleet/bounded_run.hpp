// Synchronous calls with a deadline: Beast applies stream timeouts to asynchronous
// operations only, so the operation is started asynchronously and a private io_context
// is run until it completes or the stream's timer fires.
#pragma once

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/stream_traits.hpp>

#include <chrono>
#include <optional>

namespace regmigrate::fleet {

// `start` receives a completion handler (error_code, ...) and starts one operation on
// `stream`, whose lowest layer must be a beast::basic_stream bound to `ioc`.
template <class Stream, class Start>
boost::system::error_code run_bounded(boost::asio::io_context& ioc, Stream& stream,
                                      std::chrono::milliseconds timeout, Start start) {
    std::optional<boost::system::error_code> result;
    boost::beast::get_lowest_layer(stream).expires_after(timeout);
    start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result.value_or(boost::asio::error::operation_aborted);
}

}  // namespace regmigrate::fleet

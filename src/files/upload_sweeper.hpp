#pragma once
// Every `interval`, removes the uploads that no message carries and that are older than
// `ttl` (on the file pool; the timer runs on the io_context). Runs until the io_context stops.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>

#include "files/upload_service.hpp"

namespace gc::files {

boost::asio::awaitable<void> sweepUnattachedUploads(UploadService& uploads,
                                                    boost::asio::thread_pool& pool,
                                                    std::chrono::seconds interval,
                                                    std::chrono::seconds ttl);

}  // namespace gc::files

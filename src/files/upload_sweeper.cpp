#include "files/upload_sweeper.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "core/offload.hpp"
#include "core/time_format.hpp"

namespace gc::files {

boost::asio::awaitable<void> sweepUnattachedUploads(UploadService& uploads,
                                                    boost::asio::thread_pool& pool,
                                                    std::chrono::seconds interval,
                                                    std::chrono::seconds ttl) {
  namespace asio = boost::asio;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(interval);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const auto cutoff = core::nowMs() - std::chrono::milliseconds(ttl).count();
    const int removed = co_await core::offload(pool, [&uploads, cutoff] {
      try {
        return uploads.removeUnattached(cutoff);
      } catch (const std::exception& e) {
        // The next sweep tries again; nothing is lost by waiting.
        spdlog::warn("upload sweep failed: {}", e.what());
        return 0;
      }
    });
    if (removed > 0) spdlog::info("upload sweep: removed {} unattached uploads", removed);
  }
}

}  // namespace gc::files

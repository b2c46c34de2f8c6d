#pragma once
// Runs a blocking call (store, bcrypt, file I/O) on a thread pool and resumes the awaiting
// coroutine on its own executor: network threads never block.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>

namespace gc::core {

template <class F>
boost::asio::awaitable<std::invoke_result_t<F>> offload(boost::asio::thread_pool& pool, F f) {
  using R = std::invoke_result_t<F>;
  co_return co_await boost::asio::co_spawn(
      pool, [f = std::move(f)]() mutable -> boost::asio::awaitable<R> { co_return f(); },
      boost::asio::use_awaitable);
}

}  // namespace gc::core

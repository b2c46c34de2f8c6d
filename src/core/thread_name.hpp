#pragma once
// Names the calling thread (at most 15 characters), so that `top -H`, `perf` and /proc show
// which of the server's threads is busy: the store writer, the WAL syncer, a network thread.
#include <pthread.h>

namespace gc::core {

inline void nameThisThread(const char* name) {
  ::pthread_setname_np(::pthread_self(), name);
}

}  // namespace gc::core

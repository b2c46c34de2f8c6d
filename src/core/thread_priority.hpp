#pragma once
// Sets the calling thread's nice value (Linux keeps one per thread). Below 0 needs root or
// CAP_SYS_NICE; without it the thread keeps its priority and this returns false.
#include <sys/resource.h>
#include <unistd.h>

namespace gc::core {

inline bool setThisThreadNice(int nice) {
  return ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice) == 0;
}

}  // namespace gc::core

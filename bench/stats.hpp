// Latency samples and /proc readers for gopherchat-loadgen (header-only, no Asio/Beast).
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace loadgen {

// Latency samples in microseconds. Each connection fills its own; merged at the end.
class Latencies {
 public:
  void add(std::int64_t micros) { samples_.push_back(micros < 0 ? 0 : micros); }
  void merge(const Latencies& other) {
    samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  }
  void finish() { std::sort(samples_.begin(), samples_.end()); }
  std::size_t count() const { return samples_.size(); }
  // q in [0, 1]; requires finish(). Nearest-rank; 0 when empty.
  double percentile_ms(double q) const {
    if (samples_.empty()) return 0;
    auto rank = static_cast<std::size_t>(q * double(samples_.size()));
    if (rank >= samples_.size()) rank = samples_.size() - 1;
    return double(samples_[rank]) / 1000.0;
  }
  double max_ms() const { return samples_.empty() ? 0 : double(samples_.back()) / 1000.0; }
  double mean_ms() const {
    if (samples_.empty()) return 0;
    long double sum = 0;
    for (auto s : samples_) sum += s;
    return double(sum / samples_.size()) / 1000.0;
  }

 private:
  std::vector<std::int64_t> samples_;
};

// VmRSS of a process in bytes, or -1 when it cannot be read.
inline long long proc_rss_bytes(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream in(line.substr(6));
      long long kb = -1;
      in >> kb;
      return kb < 0 ? -1 : kb * 1024;
    }
  }
  return -1;
}

// utime+stime of a process in seconds (pid 0 = this process), or -1.
inline double proc_cpu_seconds(long pid) {
  std::ifstream f(pid == 0 ? std::string("/proc/self/stat")
                           : "/proc/" + std::to_string(pid) + "/stat");
  std::string all;
  if (!std::getline(f, all)) return -1;
  // The command name (field 2) may contain spaces: parse after the last ')'.
  auto paren = all.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream in(all.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // Fields 3..: state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14)
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

inline bool proc_alive(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string all;
  if (!std::getline(f, all)) return false;
  auto paren = all.rfind(')');
  return paren != std::string::npos && paren + 2 < all.size() && all[paren + 2] != 'Z';
}

}  // namespace loadgen

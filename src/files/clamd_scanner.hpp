#pragma once
// Streams a file to clamd over its unix socket (INSTREAM) and returns the verdict. Blocking,
// with timeouts: used on the file pool only.
#include <chrono>
#include <stdexcept>
#include <string>

#include "files/clamd_protocol.hpp"

namespace gc::files {

// clamd could not be reached or broke off without a verdict.
class ScannerUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ClamdScanner {
 public:
  ClamdScanner(std::string socketPath, std::chrono::seconds timeout)
      : socketPath_(std::move(socketPath)), timeout_(timeout) {}
  // Throws ScannerUnavailable; an Error verdict is clamd refusing the stream (over its
  // StreamMaxLength, for example).
  ScanVerdict scan(const std::string& path) const;

 private:
  std::string socketPath_;
  std::chrono::seconds timeout_;
};

}  // namespace gc::files

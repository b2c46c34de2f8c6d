#pragma once
// A streaming multipart/form-data reader (RFC 7578): bytes go in as they arrive, part
// headers and data come out, and nothing is held but the bytes that might still be the start
// of a boundary. An upload of any size passes through a few kilobytes of memory.
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gc::files {

// The boundary parameter of a multipart/form-data Content-Type; nullopt for any other type
// or a missing or invalid boundary.
std::optional<std::string> multipartBoundary(std::string_view contentType);

struct PartHeaders {
  std::string name;      // Content-Disposition name
  std::string fileName;  // Content-Disposition filename (filename* preferred), raw
  bool hasFileName = false;
};

class MultipartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MultipartReader {
 public:
  struct Events {
    std::function<void(const PartHeaders&)> partBegin;
    std::function<void(std::string_view)> partData;  // any number of calls per part
    std::function<void()> partEnd;
  };

  MultipartReader(std::string boundary, Events events);
  // Throws MultipartError on a malformed body (headers too large, garbage after a boundary,
  // too many parts).
  void feed(std::string_view bytes);
  // True once the closing boundary was read: anything fed later is the ignored epilogue.
  bool done() const { return state_ == State::Done; }

  static constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
  static constexpr int kMaxParts = 16;

 private:
  enum class State { Preamble, AfterBoundary, Headers, Body, Done };
  void parseHeaders(std::string_view block);

  std::string delimiter_;  // "\r\n--" + boundary
  Events events_;
  State state_ = State::Preamble;
  std::string pending_;
  int parts_ = 0;
};

}  // namespace gc::files

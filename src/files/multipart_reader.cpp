#include "files/multipart_reader.hpp"

#include "core/ascii.hpp"

namespace gc::files {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parameters of a header value (`form-data; name="file"; filename="a.png"`): the value of
// `key` (case-insensitive), unquoted, or nullopt.
std::optional<std::string> parameter(std::string_view value, std::string_view key) {
  std::size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    const auto eq = value.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    const auto name = core::asciiLower(trim(value.substr(i, eq - i)));
    std::size_t j = eq + 1;
    std::string v;
    if (j < value.size() && value[j] == '"') {
      for (++j; j < value.size() && value[j] != '"'; ++j) {
        if (value[j] == '\\' && j + 1 < value.size()) ++j;
        v += value[j];
      }
      if (j < value.size()) ++j;  // the closing quote
      i = value.find(';', j);
    } else {
      const auto end = value.find(';', j);
      v = std::string(trim(value.substr(j, end == std::string_view::npos ? value.npos : end - j)));
      i = end;
    }
    if (name == key) return v;
  }
  return std::nullopt;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 8187 ext-value `UTF-8''<pct-encoded>`; nullopt for another charset or bad encoding.
std::optional<std::string> decodeExtValue(std::string_view v) {
  const auto quote = v.find("''");
  if (quote == std::string_view::npos || core::asciiLower(v.substr(0, quote)) != "utf-8") {
    return std::nullopt;
  }
  std::string out;
  for (std::size_t i = quote + 2; i < v.size(); ++i) {
    if (v[i] != '%') {
      out += v[i];
      continue;
    }
    const int hi = i + 1 < v.size() ? hexValue(v[i + 1]) : -1;
    const int lo = i + 2 < v.size() ? hexValue(v[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

std::optional<std::string> multipartBoundary(std::string_view contentType) {
  const auto semi = contentType.find(';');
  if (core::asciiLower(trim(contentType.substr(0, semi))) != "multipart/form-data") {
    return std::nullopt;
  }
  auto boundary = parameter(contentType, "boundary");
  // RFC 2046: 1-70 characters.
  if (!boundary || boundary->empty() || boundary->size() > 70) return std::nullopt;
  for (unsigned char c : *boundary) {
    if (c < 0x20 || c > 0x7e) return std::nullopt;
  }
  return boundary;
}

MultipartReader::MultipartReader(std::string boundary, Events events)
    : delimiter_("\r\n--" + boundary), events_(std::move(events)) {
  // The first boundary may open the body without a CRLF before it: pretend there was one.
  pending_ = "\r\n";
}

void MultipartReader::feed(std::string_view bytes) {
  if (state_ == State::Done) return;
  pending_.append(bytes);
  for (;;) {
    switch (state_) {
      case State::Preamble: {
        const auto at = pending_.find(delimiter_);
        if (at == std::string::npos) {
          // Keep only what could still be the start of the delimiter.
          if (pending_.size() > delimiter_.size()) {
            pending_.erase(0, pending_.size() - delimiter_.size());
          }
          return;
        }
        pending_.erase(0, at + delimiter_.size());
        state_ = State::AfterBoundary;
        break;
      }
      case State::AfterBoundary: {
        if (pending_.size() < 2) return;
        if (pending_.compare(0, 2, "--") == 0) {
          state_ = State::Done;
          pending_.clear();
          return;
        }
        // Transport padding (spaces and tabs) may follow a boundary before its CRLF.
        const auto eol = pending_.find("\r\n");
        if (eol == std::string::npos) {
          if (pending_.size() > 256) throw MultipartError("garbage after a boundary");
          return;
        }
        if (trim(std::string_view(pending_).substr(0, eol)).size() != 0) {
          throw MultipartError("garbage after a boundary");
        }
        pending_.erase(0, eol + 2);
        if (++parts_ > kMaxParts) throw MultipartError("too many parts");
        state_ = State::Headers;
        break;
      }
      case State::Headers: {
        const auto end = pending_.find("\r\n\r\n");
        // A part without headers starts its body at once.
        if (pending_.starts_with("\r\n")) {
          parseHeaders({});
          pending_.erase(0, 2);
          state_ = State::Body;
          break;
        }
        if (end == std::string::npos) {
          if (pending_.size() > kMaxHeaderBytes) throw MultipartError("part headers too large");
          return;
        }
        if (end > kMaxHeaderBytes) throw MultipartError("part headers too large");
        parseHeaders(std::string_view(pending_).substr(0, end));
        pending_.erase(0, end + 4);
        state_ = State::Body;
        break;
      }
      case State::Body: {
        const auto at = pending_.find(delimiter_);
        if (at == std::string::npos) {
          // Everything but a tail that might be the start of the delimiter is data.
          if (pending_.size() >= delimiter_.size()) {
            const auto safe = pending_.size() - delimiter_.size() + 1;
            if (events_.partData) events_.partData(std::string_view(pending_).substr(0, safe));
            pending_.erase(0, safe);
          }
          return;
        }
        if (at > 0 && events_.partData) events_.partData(std::string_view(pending_).substr(0, at));
        if (events_.partEnd) events_.partEnd();
        pending_.erase(0, at + delimiter_.size());
        state_ = State::AfterBoundary;
        break;
      }
      case State::Done:
        return;
    }
  }
}

void MultipartReader::parseHeaders(std::string_view block) {
  PartHeaders headers;
  while (!block.empty()) {
    const auto eol = block.find("\r\n");
    const auto line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) throw MultipartError("malformed part header");
    if (core::asciiLower(trim(line.substr(0, colon))) != "content-disposition") continue;
    const auto value = trim(line.substr(colon + 1));
    headers.name = parameter(value, "name").value_or("");
    if (auto star = parameter(value, "filename*")) {
      if (auto decoded = decodeExtValue(*star)) {
        headers.fileName = std::move(*decoded);
        headers.hasFileName = true;
      }
    }
    if (!headers.hasFileName) {
      if (auto plain = parameter(value, "filename")) {
        headers.fileName = std::move(*plain);
        headers.hasFileName = true;
      }
    }
  }
  if (events_.partBegin) events_.partBegin(headers);
}

}  // namespace gc::files

#include "api/http_server.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>

#include "api/auth_token.hpp"
#include "api/client_address.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"
#include "ws/handshake.hpp"
#include "ws/keepalive.hpp"

namespace gc::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;

constexpr std::size_t kHeaderLimit = std::size_t{16} * 1024;

// Status, the common headers and the handler's headers, on a response of any body type.
template <class Body>
void setHeaders(http::response<Body>& res, Response& r) {
  res.set(http::field::server, "gopherchat");
  if (!r.contentType.empty()) res.set(http::field::content_type, r.contentType);
  res.set(http::field::cache_control, "no-store");  // unless the handler says otherwise
  res.set("X-Content-Type-Options", "nosniff");
  for (auto& [name, value] : r.headers) {
    if (beast::iequals(name, "Cache-Control")) {
      res.set(http::field::cache_control, value);
    } else {
      res.insert(name, value);
    }
  }
}

// `head`: the answer to a HEAD request, with the length of the body it leaves out.
http::response<http::string_body> toBeast(Response r, unsigned version, bool keepAlive,
                                          bool head = false) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  setHeaders(res, r);
  const auto length = r.body.size();
  if (!head) res.body() = std::move(r.body);
  res.keep_alive(keepAlive);
  res.prepare_payload();
  if (head && r.status != 204 && r.status != 304) res.content_length(length);
  return res;
}

// A response whose body is a range of a file, read and sent in chunks: a download never sits
// whole in memory. The reads are plain pread()s on this thread (the page cache answers them;
// what must never block a network thread, scanning and hashing, runs on the file pool).
awaitable<void> writeFileResponse(beast::tcp_stream& stream, Response r, unsigned version,
                                  bool keepAlive, bool head, int bodyTimeoutSeconds,
                                  beast::error_code& ec) {
  const FileBody file = *r.file;
  const int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // Removed between the decision and the write (the sweeper): as if it never existed.
    stream.expires_after(std::chrono::seconds(bodyTimeoutSeconds));
    co_await http::async_write(
        stream, toBeast(errorResponse(404, "not_found", "no such file"), version, keepAlive),
        asio::redirect_error(asio::use_awaitable, ec));
    co_return;
  }
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } closeFd{fd};
  http::response<http::buffer_body> res{static_cast<http::status>(r.status), version};
  setHeaders(res, r);
  res.keep_alive(keepAlive);
  res.content_length(file.length);
  res.body().data = nullptr;
  res.body().more = true;
  http::response_serializer<http::buffer_body> serializer{res};
  stream.expires_after(std::chrono::seconds(bodyTimeoutSeconds));
  co_await http::async_write_header(stream, serializer,
                                    asio::redirect_error(asio::use_awaitable, ec));
  if (ec || head) co_return;
  std::vector<char> chunk(std::size_t{64} * 1024);
  std::uint64_t offset = file.offset;
  std::uint64_t remaining = file.length;
  while (remaining > 0) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, chunk.size()));
    const auto n = ::pread(fd, chunk.data(), want, static_cast<off_t>(offset));
    if (n <= 0) {
      // The file shrank under us: the promised length cannot be kept, so the connection goes.
      ec = asio::error::broken_pipe;
      co_return;
    }
    res.body().data = chunk.data();
    res.body().size = static_cast<std::size_t>(n);
    res.body().more = true;
    stream.expires_after(std::chrono::seconds(bodyTimeoutSeconds));
    co_await http::async_write(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return;
    offset += static_cast<std::uint64_t>(n);
    remaining -= static_cast<std::uint64_t>(n);
  }
  res.body().data = nullptr;
  res.body().more = false;
  co_await http::async_write(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
}

// The body of a streaming route, read through the parser as the handler asks for it.
class ParserBodySource final : public BodySource {
 public:
  ParserBodySource(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                   http::request_parser<http::buffer_body>& parser, int timeoutSeconds)
      : stream_(stream), buffer_(buffer), parser_(parser), timeoutSeconds_(timeoutSeconds) {
    // Beast reads max(512, free capacity) bytes at a time, and the buffer holds no more than
    // the request head: without room made here a 25 MiB upload took 51,000 reads of 512
    // bytes (10 MiB/s on loopback).
    buffer_.reserve(kReadRoom);
  }
  ParserBodySource(const ParserBodySource&) = delete;
  ParserBodySource& operator=(const ParserBodySource&) = delete;
  // A keep-alive connection goes back to holding no more than its next request needs.
  ~ParserBodySource() override { buffer_.shrink_to_fit(); }

  awaitable<std::size_t> read(char* out, std::size_t capacity) override {
    while (!parser_.is_done()) {
      parser_.get().body().data = out;
      parser_.get().body().size = capacity;
      beast::error_code ec;
      stream_.expires_after(std::chrono::seconds(timeoutSeconds_));
      co_await http::async_read_some(stream_, buffer_, parser_,
                                     asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::need_buffer) ec = {};
      if (ec == http::error::body_limit) {
        throw core::ApiError(413, "too_large", "request body too large");
      }
      if (ec) throw core::invalidField("body", "the request body broke off");
      const std::size_t got = capacity - parser_.get().body().size;
      if (got > 0) co_return got;
    }
    co_return 0;
  }

  std::optional<std::uint64_t> contentLength() const override {
    const auto length = parser_.content_length();
    return length ? std::optional<std::uint64_t>(*length) : std::nullopt;
  }

 private:
  static constexpr std::size_t kReadRoom = std::size_t{64} * 1024;

  beast::tcp_stream& stream_;
  beast::flat_buffer& buffer_;
  http::request_parser<http::buffer_body>& parser_;
  int timeoutSeconds_;
};

// Every X-Forwarded-For field, in order, as one list.
std::string forwardedFor(const http::request_header<>& in) {
  std::string joined;
  const auto [first, last] = in.equal_range("X-Forwarded-For");
  for (auto it = first; it != last; ++it) {
    if (!joined.empty()) joined += ',';
    joined += it->value();
  }
  return joined;
}

std::optional<Request> toRequest(const http::request_header<>& in) {
  auto target = boost::urls::parse_origin_form(in.target());
  if (!target) return std::nullopt;
  Request req;
  req.method = std::string(in.method_string());
  req.path = target->path();
  if (req.path.find('\0') != std::string::npos) return std::nullopt;
  for (auto param : target->params()) req.query[param.key] = param.value;
  req.contentType = std::string(in[http::field::content_type]);
  req.authorization = std::string(in[http::field::authorization]);
  req.cookie = std::string(in[http::field::cookie]);
  req.ifNoneMatch = std::string(in[http::field::if_none_match]);
  req.range = std::string(in[http::field::range]);
  req.ifRange = std::string(in[http::field::if_range]);
  return req;
}

// After refusing a request whose body is still arriving (413), closing at once would make
// the kernel answer the unread bytes with a reset that can destroy the response before the
// client reads it (RFC 9112 §9.6). So: stop sending, drain what arrives for a bounded time
// and size, then close.
awaitable<void> lingeringClose(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 16384> sink{};
  std::size_t drained = 0;
  stream.expires_after(std::chrono::seconds(2));
  while (!ec && drained < (16u << 20)) {
    drained += co_await stream.async_read_some(asio::buffer(sink),
                                               asio::redirect_error(asio::use_awaitable, ec));
  }
  stream.socket().close(ec);
}

// Answers a request we will not serve further (malformed, too large, refused upgrade) and
// closes the connection the lingering way.
awaitable<void> refuseAndClose(beast::tcp_stream& stream, Response response, unsigned version) {
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(5));
  co_await http::async_write(stream, toBeast(std::move(response), version, false),
                             asio::redirect_error(asio::use_awaitable, ec));
  co_await lingeringClose(stream);
}

// `body`: the body of a streaming route, still unread (nullptr for the others).
awaitable<Response> dispatch(HttpHost& host, const Router& router, Request& req,
                             BodySource* body = nullptr) {
  auto match = router.match(req.method, req.path);
  if (!match.handler && !match.streaming) {
    if (match.allowedMethods.empty()) {
      if (const auto* fallback = router.fallback()) co_return co_await (*fallback)(req);
      co_return errorResponse(404, "not_found", "no such route");
    }
    auto r = errorResponse(405, "method_not_allowed", "method not allowed on this route");
    std::string allow;
    for (const auto& m : match.allowedMethods) allow += (allow.empty() ? "" : ", ") + m;
    r.headers.emplace_back("Allow", allow);
    co_return r;
  }
  req.params = std::move(match.params);
  if (match.access == Access::Authenticated) {
    const auto [found, token] = findToken({req.authorization, req.cookie, {}});
    if (found != TokenLookup::Found)
      co_return errorResponse(401, "unauthorized", "authentication required");
    req.auth = host.accounts.authenticate(token);
    if (!req.auth) co_return errorResponse(401, "unauthorized", "invalid or expired token");
    auto limited = co_await host.limits.limitUser(req);
    if (limited) co_return std::move(*limited);
  }
  std::optional<Response> failure;
  try {
    if (match.streaming) {
      if (!body) throw std::logic_error("a streaming route reached without its body");
      co_return co_await (*match.streaming)(req, *body);
    }
    co_return co_await (*match.handler)(req);
  } catch (const core::ApiError& e) {
    failure = errorResponse(e.status(), e.code(), e.what());
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", req.method, req.path, e.what());
    failure = errorResponse(500, "internal", "internal error");
  }
  co_return std::move(*failure);
}

// A browser page of an allowed origin calling this service from another origin (the web
// client, served by the chat server, calling the video service) with its cookie.
std::string corsOriginFor(const HttpHost& host, const http::request_header<>& in) {
  const auto& allowed = host.config.allowedOrigins;
  if (!host.corsForAllowedOrigins || in.count(http::field::origin) != 1) return {};
  const auto origin = in[http::field::origin];
  return std::find(allowed.begin(), allowed.end(), origin) != allowed.end() ? std::string(origin)
                                                                            : std::string();
}

// An upload's whole body: the file and the multipart framing around it (boundaries, part
// headers, small extra fields).
std::uint64_t uploadBodyLimit(const core::Config& config) {
  return config.maxUploadBytes + kMultipartAllowance;
}

// One HTTP/1.1 connection: read a request, answer it, repeat while keep-alive holds.
awaitable<void> serveConnection(tcp::socket socket, HttpHost& host, const Router& router) {
  const core::Config& config = host.config;
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  beast::error_code ec;
  const auto peer = stream.socket().remote_endpoint(ec);
  const std::string peerAddress = ec ? std::string() : peer.address().to_string();
  bool first = true;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    // The largest body any route takes; each route's own limit is set once it is known.
    parser.body_limit(std::max<std::uint64_t>(config.maxBodyBytes, uploadBodyLimit(config)));
    stream.expires_after(
        std::chrono::seconds(first ? config.headerTimeoutSeconds : config.keepAliveTimeoutSeconds));
    first = false;
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    std::optional<Response> early;
    if (ec == http::error::body_limit) {
      // Only an upload may be this large: name its limit (the request line is parsed by now).
      early = parser.get().target().starts_with("/api/uploads")
                  ? errorResponse(413, "too_large", uploadTooLarge(config.maxUploadBytes).what())
                  : errorResponse(413, "too_large", "request body too large");
    } else if (ec == http::error::header_limit) {
      early = errorResponse(431, "invalid_request", "request headers too large");
    } else if (ec == http::error::end_of_stream || ec == asio::error::eof ||
               ec == beast::error::timeout || ec == asio::error::operation_aborted ||
               ec == asio::error::connection_reset) {
      co_return;
    } else if (ec) {
      early = errorResponse(400, "invalid_request", "malformed HTTP request");
    }
    if (early) {
      co_await refuseAndClose(stream, std::move(*early), 11);
      co_return;
    }

    auto& head = parser.get();
    if (beast::websocket::is_upgrade(head)) {
      // Only the host's WebSocket paths upgrade; Origin first (a foreign page must learn
      // nothing), then the token.
      std::optional<Response> refusal;
      std::optional<chat::Claims> claims;
      const auto target = boost::urls::parse_origin_form(head.target());
      std::string path = target ? std::string(target->path()) : std::string();
      if (!target || path.find('\0') != std::string::npos || !host.upgradesAt(path)) {
        refusal = errorResponse(404, "not_found", "no such route");
      } else if (!originAllowed(head[http::field::origin], head[http::field::host],
                                config.allowedOrigins)) {
        refusal = errorResponse(403, "forbidden", "origin not allowed");
      } else if (host.draining) {
        refusal = errorResponse(503, "unavailable", "server is shutting down");
      } else if (head[http::field::sec_websocket_version].empty()) {
        refusal = errorResponse(400, "invalid_request", "Sec-WebSocket-Version is required");
      } else if (head[http::field::sec_websocket_version] != ws::kWebSocketVersion) {
        // RFC 6455 §4.4: name the version we speak so the client can retry with it.
        refusal = errorResponse(426, "invalid_request", "Sec-WebSocket-Version must be 13");
        refusal->headers.emplace_back("Sec-WebSocket-Version", std::string(ws::kWebSocketVersion));
      } else if (!ws::isValidKey(head[http::field::sec_websocket_key])) {
        refusal = errorResponse(400, "invalid_request",
                                "Sec-WebSocket-Key must be the base64 of 16 bytes");
      } else {
        const auto protocols = head[http::field::sec_websocket_protocol];
        const auto [found, token] =
            findToken({head[http::field::authorization], head[http::field::cookie], protocols});
        if (found == TokenLookup::Found) claims = host.accounts.authenticate(token);
        if (!claims) refusal = errorResponse(401, "unauthorized", "authentication required");
      }
      if (refusal) {
        co_await refuseAndClose(stream, std::move(*refusal), head.version());
        co_return;
      }
      const bool answerSubprotocol =
          head[http::field::sec_websocket_protocol].find("gopherchat.v1") != std::string_view::npos;
      stream.expires_never();
      // Bytes read past the request head already belong to the WebSocket stream.
      const std::string early(static_cast<const char*>(buffer.data().data()), buffer.size());
      host.upgrade(Upgrade{.socket = stream.release_socket(),
                           .claims = std::move(*claims),
                           .path = std::move(path),
                           .key = std::string(head[http::field::sec_websocket_key]),
                           .answerSubprotocol = answerSubprotocol,
                           .early = early});
      co_return;
    }

    const auto started = std::chrono::steady_clock::now();
    auto req = toRequest(head);
    // Uploads read their own body as it arrives; every other route gets it whole.
    const bool streaming = req && head.method() == http::verb::post &&
                           router.match(req->method, req->path).streaming != nullptr;
    const std::string corsOrigin = corsOriginFor(host, head);
    Response response;
    unsigned version = head.version();
    bool keepAlive = false;
    bool bodyLeftUnread = false;
    bool isHead = head.method() == http::verb::head;
    if (streaming) {
      http::request_parser<http::buffer_body> bodyParser(std::move(parser));
      bodyParser.body_limit(uploadBodyLimit(config));
      ParserBodySource source(stream, buffer, bodyParser, config.bodyTimeoutSeconds);
      req->clientAddress =
          clientAddress(peerAddress, forwardedFor(bodyParser.get()), config.trustedProxies);
      host.requestsInFlight.fetch_add(1);
      response = co_await dispatch(host, router, *req, &source);
      // Refused before the end of its body (401, 413, 415 …): the rest is not read, so the
      // connection cannot carry another request.
      bodyLeftUnread = !bodyParser.is_done();
      keepAlive = bodyParser.get().keep_alive() && !bodyLeftUnread;
    } else {
      if (const auto length = parser.content_length(); length && *length > config.maxBodyBytes) {
        co_await refuseAndClose(stream, errorResponse(413, "too_large", "request body too large"),
                                version);
        co_return;
      }
      parser.body_limit(config.maxBodyBytes);  // a chunked body is counted as it arrives
      if (!parser.is_done()) {
        stream.expires_after(std::chrono::seconds(config.bodyTimeoutSeconds));
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
          if (ec == http::error::body_limit) {
            co_await refuseAndClose(stream,
                                    errorResponse(413, "too_large", "request body too large"), 11);
          }
          co_return;
        }
      }
      auto in = parser.release();
      host.requestsInFlight.fetch_add(1);
      if (!corsOrigin.empty() && in.method() == http::verb::options &&
          in.count(http::field::access_control_request_method) > 0) {
        response = Response::noContent();  // the preflight
        response.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST");
        response.headers.emplace_back("Access-Control-Allow-Headers",
                                      "Content-Type, Authorization");
        response.headers.emplace_back("Access-Control-Max-Age", "600");
      } else if (req) {
        req->body = std::move(in.body());
        req->clientAddress = clientAddress(peerAddress, forwardedFor(in), config.trustedProxies);
        response = co_await dispatch(host, router, *req);
      } else {
        response = errorResponse(400, "invalid_request", "malformed request target");
      }
      keepAlive = in.keep_alive();
    }
    if (!corsOrigin.empty()) {
      response.headers.emplace_back("Access-Control-Allow-Origin", corsOrigin);
      response.headers.emplace_back("Access-Control-Allow-Credentials", "true");
      response.headers.emplace_back("Vary", "Origin");
    }
    keepAlive = keepAlive && !host.draining;
    if (response.file) {
      co_await writeFileResponse(stream, std::move(response), version, keepAlive, isHead,
                                 config.bodyTimeoutSeconds, ec);
    } else {
      stream.expires_after(std::chrono::seconds(config.bodyTimeoutSeconds));
      co_await http::async_write(stream, toBeast(std::move(response), version, keepAlive, isHead),
                                 asio::redirect_error(asio::use_awaitable, ec));
    }
    host.requestsInFlight.fetch_sub(1);
    core::metrics().httpRequests.fetch_add(1, std::memory_order_relaxed);
    core::metrics().httpLatencySeconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (bodyLeftUnread && !ec) {
      co_await lingeringClose(stream);
      co_return;
    }
    if (ec || !keepAlive) {
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
  }
}

}  // namespace

bool originAllowed(std::string_view origin, std::string_view host,
                   const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;  // not a browser
  if (!host.empty() && origin.starts_with("http://") && origin.substr(7) == host) return true;
  for (const auto& a : allowed) {
    if (origin == a) return true;
  }
  return false;
}

tcp::endpoint parseListen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen must be HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  const int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::invalid_argument("--listen port out of range");
  return {asio::ip::make_address(host), static_cast<unsigned short>(port)};
}

struct HttpServer::Impl {
  asio::io_context& ioc;
  HttpHost host;
  Router router;
  tcp::acceptor acceptor;
  // The upgrades accepted here are kept alive (or dropped) by one sweep over the hub.
  ws::KeepAliveSweeper keepAlive;
  Impl(asio::io_context& i, HttpHost h, Router r)
      : ioc(i),
        host(std::move(h)),
        router(std::move(r)),
        acceptor(asio::make_strand(i)),
        keepAlive(asio::make_strand(i), host.hub,
                  std::chrono::seconds(host.config.wsIdleTimeoutSeconds)) {}

  awaitable<void> acceptLoop() {
    asio::steady_timer backoff(acceptor.get_executor());
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(
          asio::make_strand(ioc), asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {
        // Out of file descriptors, most likely: wait instead of spinning.
        spdlog::warn("accept failed: {}", ec.message());
        backoff.expires_after(std::chrono::milliseconds(100));
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto executor = socket.get_executor();
      asio::co_spawn(executor, serveConnection(std::move(socket), host, router),
                     [](const std::exception_ptr& e) {
                       if (!e) return;
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         spdlog::error("http session failed: {}", ex.what());
                       }
                     });
    }
  }
};

HttpServer::HttpServer(asio::io_context& ioc, HttpHost host, Router router)
    : impl_(std::make_unique<Impl>(ioc, std::move(host), std::move(router))) {}

HttpServer::~HttpServer() = default;

tcp::endpoint HttpServer::listen(const tcp::endpoint& endpoint) {
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol());
  a.set_option(asio::socket_base::reuse_address(true));
  a.bind(endpoint);
  a.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(a.get_executor(), impl_->acceptLoop(), asio::detached);
  impl_->keepAlive.start();
  return a.local_endpoint();
}

void HttpServer::stopAccepting() {
  asio::post(impl_->acceptor.get_executor(), [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
}

}  // namespace gc::api

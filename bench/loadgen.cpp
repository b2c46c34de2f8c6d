// gopherchat-loadgen: load generator for the GopherChat server (see bench/run.sh and
// docs/performance.md). Standalone: Boost.Beast/Asio clients and Boost.JSON only; it speaks
// the wire contract (shared/spec/api.md) and never links the server.
//
// Scenarios
//   conns  log in users, open N authenticated WebSockets, ping/pong every one, report the
//          server's RSS per connection, hold, re-ping, close.
//   dm     P pairs of users send direct messages to each other at maximum rate, W un-acked
//          per socket; reports ack/delivery throughput and latency, lost/duplicate/out-of-order.
//   fanout N users join one public group, all online; S of them send into it with W un-acked
//          each; reports deliveries/s to the members and delivery latency, lost/dup/order.
//   presence U users online with F friends each; C a second go offline and come back; reports
//          transitions/s, presence frames/s, server CPU per transition, missing/wrong events.
//
// Threading: one io_context run by --threads threads (default 1). Every WebSocket lives on
// its own strand and owns its counters; the orchestration coroutine runs on its own strand
// and only reads atomics until every session has stopped, then merges the per-socket data.

#include "options.hpp"
#include "stats.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24  // Linux >= 4.2: pick the source port at connect()
#endif

namespace loadgen {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Strand = asio::strand<asio::io_context::executor_type>;
using error_code = boost::system::error_code;
template <class T>
using awaitable = asio::awaitable<T>;

std::string_view sv(const json::string& s) {
  return std::string_view(s.data(), s.size());
}

inline auto tok(error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

std::int64_t micros_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::microseconds>(b - a).count();
}
double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void log(const std::string& s) {
  std::fprintf(stderr, "[loadgen] %s\n", s.c_str());
  std::fflush(stderr);
}

std::string fmt_bytes(long long b) {
  char buf[64];
  if (b < 0) return "n/a";
  if (b >= 10LL * 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / (1024.0 * 1024));
  else if (b >= 10 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%lld B", b);
  return buf;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// ---------------------------------------------------------------------------------------
// Shared state

struct Account {
  std::string login;
  std::string id;
  std::string token;
};

// Per-socket state of the dm scenario. Touched only on the socket's strand, except the
// atomics, which the orchestrator polls.
struct DmState {
  explicit DmState(const Strand& s) : wake(s), pace(s) {}
  std::size_t index = 0;  // this connection's index
  std::size_t peer = 0;   // peer connection's index
  std::string self_id;
  std::string conv;
  std::string cmid_prefix;  // "<run>-<index>-"
  std::uint64_t next_counter = 0;
  std::unordered_map<std::uint64_t, Clock::time_point> inflight_map;
  asio::steady_timer wake;  // the writer waits here while the window is full
  asio::steady_timer pace;  // --rate: the writer waits here for its next send slot
  bool writer_done = false;

  std::vector<std::uint64_t> acked;         // counters of this socket's acked messages
  std::vector<std::uint8_t> got_from_peer;  // indexed by the peer's counter
  struct IdHash {
    std::size_t operator()(unsigned __int128 x) const {
      return std::size_t(std::uint64_t(x) ^ (std::uint64_t(x >> 64) * 0x9E3779B97F4A7C15ull));
    }
  };
  std::unordered_set<unsigned __int128, IdHash> seen_hex_ids;  // 24-hex-char message ids seen here
  std::unordered_set<std::string> seen_other_ids;              // any other id shape
  std::vector<std::pair<std::string, std::int64_t>> last_seq;  // per conversation (few)
  Latencies ack_lat, dlv_lat;
  std::uint64_t sent = 0, acks_window = 0, dlv_window = 0, duplicates = 0, order_violations = 0,
                seq_gaps = 0, own_echo = 0, foreign = 0, unknown_acks = 0, rejected = 0,
                sends_in_window = 0,
                window_stalls = 0;  // --rate: a send slot came while the window was full
  bool cmid_echoed = false;         // peer's message objects carried our clientMsgId
  std::atomic<std::uint64_t> inflight{0}, acked_total{0}, delivered_total{0};
};

struct Conn {
  explicit Conn(asio::io_context& ioc) : strand(asio::make_strand(ioc)), ws(strand) {}
  Strand strand;
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer rbuf;
  std::size_t index = 0;
  std::size_t user = 0;  // index into accounts
  bool writing = false;  // strand-only
  std::atomic<bool> open{false};
  std::atomic<int> pong_round{0};
  std::uint64_t frames = 0, other_frames = 0;  // strand-only
};

struct Ctx {
  Options opt;
  asio::io_context ioc;
  tcp::endpoint server;
  std::vector<tcp::endpoint> peers;  // dm --peer-urls: more instances of the cluster
  std::string host_header;
  std::vector<asio::ip::address> sources;
  std::string run_id;

  std::vector<Account> accounts;
  std::vector<std::unique_ptr<Conn>> conns;
  std::function<void(Conn&, std::string_view)> on_frame;

  // Connection phase.
  std::atomic<long> next_conn{0}, established{0}, failed{0}, open_now{0}, sessions_live{0};
  std::atomic<long> unexpected_closes{0};
  std::atomic<bool> closing{false};
  std::atomic<int> ping_round{0};

  // dm phase boundaries (set before the writers start, read-only afterwards).
  Clock::time_point t_begin, t_meas0, t_meas1;

  // Diagnostics, from any strand.
  std::mutex mu;
  std::map<std::string, long> failure_reasons;  // connect/handshake
  std::map<std::string, long> close_reasons;    // unexpected closes
  std::map<std::string, long> error_codes;      // {"type":"error"} frames by code
  std::vector<std::string> error_samples;
  std::atomic<long> error_frames{0};

  explicit Ctx(Options o) : opt(std::move(o)), ioc(opt.threads) {}

  void count(std::map<std::string, long>& m, const std::string& k) {
    std::lock_guard lk(mu);
    ++m[k];
  }
};

awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  error_code ec;
  co_await t.async_wait(tok(ec));
}

// Polls pred every 20 ms until it holds or the deadline passes. Returns pred().
awaitable<bool> wait_until(const std::function<bool()>& pred, Clock::time_point deadline,
                           const std::function<void()>& progress = {}) {
  auto next_progress = Clock::now() + std::chrono::seconds(2);
  while (!pred()) {
    auto now = Clock::now();
    if (now >= deadline) co_return pred();
    if (progress && now >= next_progress) {
      progress();
      next_progress = now + std::chrono::seconds(2);
    }
    co_await sleep_for(std::chrono::milliseconds(20));
  }
  co_return true;
}

// Open-loop pacing (--rate, --churn): one slot every `interval`; a pacer that falls more
// than a second behind skips the missed slots.
struct Pacer {
  Clock::duration interval{};  // zero: not paced, every slot is due at once
  Clock::time_point next;      // when the next slot is due

  bool paced() const { return interval > Clock::duration::zero(); }
  // Uses the slot that was due at `next`.
  void take(Clock::time_point now) {
    next += interval;
    if (next < now - std::chrono::seconds(1)) next = now;
  }
};

// `per_second` slots a second shared by `of` pacers starting at `start`, this one the
// `index`th, staggered over the first interval. Not paced when per_second is 0.
Pacer make_pacer(Clock::time_point start, double per_second, std::size_t index, std::size_t of) {
  if (per_second <= 0) return Pacer{.interval = {}, .next = start};
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(double(of) / per_second));
  return Pacer{.interval = interval, .next = start + interval * long(index) / long(of)};
}

// ---------------------------------------------------------------------------------------
// HTTP

struct HttpResult {
  int status = 0;
  std::string body;
  std::string retry_after;
  std::string error;  // transport error, empty when a response arrived
};

awaitable<HttpResult> http_request(Ctx& c, http::verb verb, std::string target, std::string body,
                                   const std::string& token = {}) {
  HttpResult r;
  beast::tcp_stream s(co_await asio::this_coro::executor);
  error_code ec;
  s.expires_after(std::chrono::seconds(c.opt.connect_timeout_s));
  co_await s.async_connect(c.server, tok(ec));
  if (ec) {
    r.error = "connect: " + ec.message();
    co_return r;
  }
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, c.host_header);
  req.set(http::field::user_agent, "gopherchat-loadgen");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.prepare_payload();
  co_await http::async_write(s, req, tok(ec));
  if (ec) {
    r.error = "write: " + ec.message();
    co_return r;
  }
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  co_await http::async_read(s, buf, res, tok(ec));
  if (ec) {
    r.error = "read: " + ec.message();
    co_return r;
  }
  r.status = int(res.result_int());
  r.body = std::move(res.body());
  auto ra = res[http::field::retry_after];
  r.retry_after.assign(ra.data(), ra.size());
  s.socket().shutdown(tcp::socket::shutdown_both, ec);
  co_return r;
}

// Logs in one user, retrying transport errors, 5xx and 429 (honouring Retry-After).
awaitable<std::string> login_one(Ctx& c, Account& a) {
  json::object body{{"login", a.login}, {"password", c.opt.password}};
  std::string payload = json::serialize(body);
  std::string last;
  for (int attempt = 0; attempt < 30; ++attempt) {
    HttpResult r = co_await http_request(c, http::verb::post, "/api/auth/login", payload);
    if (r.error.empty() && r.status == 200) {
      error_code ec;
      json::value v = json::parse(r.body, ec);
      const json::object* o = ec ? nullptr : v.if_object();
      const json::value* tokv = o ? o->if_contains("token") : nullptr;
      const json::value* userv = o ? o->if_contains("user") : nullptr;
      const json::value* idv =
          userv && userv->is_object() ? userv->as_object().if_contains("id") : nullptr;
      if (!tokv || !tokv->is_string() || !idv || !idv->is_string())
        co_return "login " + a.login + ": unexpected response body: " + r.body.substr(0, 200);
      a.token = std::string(sv(tokv->as_string()));
      a.id = std::string(sv(idv->as_string()));
      co_return std::string();
    }
    if (r.error.empty() && r.status == 429) {
      int wait_s = 1;
      try {
        if (!r.retry_after.empty()) wait_s = std::max(1, std::stoi(r.retry_after));
      } catch (const std::exception&) {
      }
      last = "HTTP 429 (rate limited)";
      co_await sleep_for(std::chrono::seconds(wait_s));
      continue;
    }
    if (r.error.empty() && r.status < 500) {
      co_return "login " + a.login + ": HTTP " + std::to_string(r.status) + " " +
          r.body.substr(0, 200);
    }
    last = r.error.empty() ? "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200)
                           : r.error;
    co_await sleep_for(std::chrono::milliseconds(200 * (attempt + 1)));
  }
  co_return "login " + a.login + ": giving up after retries, last: " + last;
}

// Logs in accounts[0..n) with opt.login_concurrency in flight. Runs on the caller's strand.
awaitable<std::vector<std::string>> login_all(Ctx& c, std::size_t n) {
  c.accounts.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    c.accounts[i].login = c.opt.user_prefix + std::to_string(i + 1);
  std::vector<std::string> errors;
  std::size_t next = 0, done = 0;
  int workers = int(std::min<std::size_t>(std::size_t(c.opt.login_concurrency), n));
  auto ex = co_await asio::this_coro::executor;
  for (int w = 0; w < workers; ++w) {
    asio::co_spawn(
        ex,
        [&]() -> awaitable<void> {
          while (next < n) {
            std::size_t i = next++;
            std::string err = co_await login_one(c, c.accounts[i]);
            if (!err.empty()) errors.push_back(err);
            ++done;
          }
        },
        asio::detached);
  }
  auto t0 = Clock::now();
  co_await wait_until([&] { return done == n; }, Clock::time_point::max(),
                      [&] { log("logins: " + std::to_string(done) + "/" + std::to_string(n)); });
  log("logged in " + std::to_string(n - errors.size()) + "/" + std::to_string(n) + " users in " +
      fmt("%.1f s", seconds_between(t0, Clock::now())));
  co_return errors;
}

// Logs in users 1..n; on any failure prints why for `scenario` and returns false.
awaitable<bool> login_or_report(Ctx& c, std::size_t n, const char* scenario) {
  auto errors = co_await login_all(c, n);
  for (const auto& e : errors) log(e);
  if (errors.empty()) co_return true;
  std::printf("%s: %zu of %zu logins failed; first: %s\n", scenario, errors.size(), n,
              errors.front().c_str());
  co_return false;
}

// GET /metrics and return the value of the first gc_ws_connections sample (-1 if absent).
awaitable<double> fetch_ws_gauge(Ctx& c) {
  HttpResult r = co_await http_request(c, http::verb::get, "/metrics", "");
  if (!r.error.empty() || r.status != 200) co_return -1;
  std::string_view body = r.body;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto eol = body.find('\n', pos);
    if (eol == std::string_view::npos) eol = body.size();
    auto line = body.substr(pos, eol - pos);
    pos = eol + 1;
    constexpr std::string_view name = "gc_ws_connections";
    if (line.substr(0, name.size()) != name) continue;
    if (line.size() > name.size() && line[name.size()] != ' ' && line[name.size()] != '{') continue;
    auto sp = line.rfind(' ');
    if (sp == std::string_view::npos) continue;
    try {
      co_return std::stod(std::string(line.substr(sp + 1)));
    } catch (const std::exception&) {
      co_return -1;
    }
  }
  co_return -1;
}

// ---------------------------------------------------------------------------------------
// WebSocket sessions

// Connect from `src`, upgrade with the bearer token. Returns "" or a failure description.
awaitable<std::string> ws_connect(Ctx& c, Conn& w, const asio::ip::address& src,
                                  const std::string& token) {
  auto& lowest = beast::get_lowest_layer(w.ws);
  auto& sock = lowest.socket();
  error_code ec;
  sock.open(src.is_v6() ? tcp::v6() : tcp::v4(), ec);
  if (ec) co_return "socket: " + ec.message();
  int one = 1;
  ::setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  sock.bind(tcp::endpoint(src, 0), ec);
  if (ec) co_return "bind " + src.to_string() + ": " + ec.message();
  lowest.expires_after(std::chrono::seconds(c.opt.connect_timeout_s));
  co_await lowest.async_connect(c.server, tok(ec));
  if (ec) co_return "connect: " + ec.message();
  sock.set_option(tcp::no_delay(true), ec);
  lowest.expires_never();

  websocket::stream_base::timeout to{};
  to.handshake_timeout = std::chrono::seconds(c.opt.connect_timeout_s);
  to.idle_timeout = websocket::stream_base::none();
  to.keep_alive_pings = false;
  w.ws.set_option(to);
  w.ws.set_option(websocket::stream_base::decorator([token](websocket::request_type& req) {
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::user_agent, "gopherchat-loadgen");
  }));
  w.ws.auto_fragment(false);
  w.ws.text(true);
  websocket::response_type res;
  co_await w.ws.async_handshake(res, c.host_header, "/ws", tok(ec));
  if (ec) {
    if (res.result_int() != 0 && res.result_int() != 101)
      co_return "handshake: HTTP " + std::to_string(res.result_int());
    co_return "handshake: " + ec.message();
  }
  co_return std::string();
}

void start_next_session(Ctx& c);

awaitable<void> session(Ctx& c, Conn& w) {
  const Account& acct = c.accounts[w.user];
  const auto& src = c.sources[w.index % c.sources.size()];
  std::string err;
  try {
    err = co_await ws_connect(c, w, src, acct.token);
  } catch (const std::exception& e) {
    err = std::string("exception: ") + e.what();
  }
  if (!err.empty()) {
    c.count(c.failure_reasons, err);
    ++c.failed;
    --c.sessions_live;
    error_code ec;
    beast::get_lowest_layer(w.ws).socket().close(ec);
    start_next_session(c);
    co_return;
  }
  w.open = true;
  ++c.open_now;
  ++c.established;
  start_next_session(c);

  // Read loop; beast answers the server's pings while a read is outstanding.
  error_code ec;
  for (;;) {
    co_await w.ws.async_read(w.rbuf, tok(ec));
    if (ec) break;
    ++w.frames;
    auto d = w.rbuf.cdata();
    try {
      c.on_frame(w, std::string_view(static_cast<const char*>(d.data()), d.size()));
    } catch (const std::exception& e) {
      c.count(c.failure_reasons, std::string("frame handler: ") + e.what());
    }
    w.rbuf.consume(w.rbuf.size());
  }
  w.open = false;
  --c.open_now;
  if (!c.closing) {
    ++c.unexpected_closes;
    std::string why = ec.message();
    if (ec == websocket::error::closed) {
      auto cr = w.ws.reason();
      why = "close frame code " + std::to_string(cr.code) +
            (cr.reason.empty() ? "" : " '" + std::string(cr.reason.data(), cr.reason.size()) + "'");
    }
    c.count(c.close_reasons, why);
  }
  error_code ignore;
  beast::get_lowest_layer(w.ws).socket().close(ignore);
  --c.sessions_live;
}

void start_next_session(Ctx& c) {
  long i = c.next_conn.fetch_add(1);
  if (i >= long(c.conns.size())) return;
  Conn& w = *c.conns[std::size_t(i)];
  ++c.sessions_live;
  asio::co_spawn(w.strand, session(c, w), asio::detached);
}

// Opens every connection in c.conns with opt.batch handshakes in flight.
awaitable<void> open_all(Ctx& c) {
  c.next_conn = 0;
  long n = long(c.conns.size());
  for (int k = 0; k < c.opt.batch && k < n; ++k) start_next_session(c);
  co_await wait_until([&] { return c.established + c.failed >= n; }, Clock::time_point::max(),
                      [&] {
                        log("connections: " + std::to_string(c.established.load()) + " up, " +
                            std::to_string(c.failed.load()) + " failed of " + std::to_string(n));
                      });
}

// Sends one text frame on w's strand unless a write is in progress or the socket is closed.
awaitable<void> send_text(Conn& w, std::string text) {
  if (!w.open || w.writing) co_return;
  w.writing = true;
  error_code ec;
  co_await w.ws.async_write(asio::buffer(text), tok(ec));
  w.writing = false;
}

// Gracefully closes all sockets (close frame where possible) and waits for the sessions.
awaitable<void> close_all(Ctx& c, std::chrono::seconds grace) {
  c.closing = true;
  for (auto& wp : c.conns) {
    Conn& w = *wp;
    asio::co_spawn(
        w.strand,
        [&w]() -> awaitable<void> {
          if (!w.open) co_return;
          error_code ec;
          if (w.writing) {
            beast::get_lowest_layer(w.ws).socket().close(ec);
            co_return;
          }
          w.writing = true;
          co_await w.ws.async_close(websocket::close_code::normal, tok(ec));
          w.writing = false;
          if (ec) beast::get_lowest_layer(w.ws).socket().close(ec);
        },
        asio::detached);
  }
  bool ok = co_await wait_until([&] { return c.sessions_live == 0; }, Clock::now() + grace);
  if (!ok) {
    log("close: " + std::to_string(c.sessions_live.load()) +
        " sessions did not finish the close handshake in time; aborting them");
    for (auto& wp : c.conns) {
      Conn& w = *wp;
      asio::post(w.strand, [&w] {
        error_code ec;
        beast::get_lowest_layer(w.ws).socket().close(ec);
      });
    }
    co_await wait_until([&] { return c.sessions_live == 0; },
                        Clock::now() + std::chrono::seconds(5));
  }
}

// Parses one frame into a JSON object; returns nullopt for anything else.
struct Frame {
  json::value v;
  const json::object* obj = nullptr;
  std::string_view type;
};

// `mr` must outlive f (the DOM lives in it): frames are parsed without touching malloc.
bool parse_frame(std::string_view text, Frame& f, json::monotonic_resource& mr) {
  error_code ec;
  f.v = json::parse(text, ec, json::storage_ptr(&mr));
  if (ec) return false;
  f.obj = f.v.if_object();
  if (!f.obj) return false;
  const json::value* t = f.obj->if_contains("type");
  if (!t || !t->is_string()) return false;
  f.type = sv(t->as_string());
  return true;
}

std::string_view str_field(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  if (!v || !v->is_string()) return {};
  return sv(v->as_string());
}

void record_error_frame(Ctx& c, const json::object& o) {
  ++c.error_frames;
  std::string code(str_field(o, "code"));
  std::lock_guard lk(c.mu);
  ++c.error_codes[code.empty() ? "(no code)" : code];
  if (c.error_samples.size() < 10) c.error_samples.push_back(json::serialize(o));
}

void print_reasons(const char* title, const std::map<std::string, long>& m) {
  if (m.empty()) return;
  std::printf("  %s:\n", title);
  for (const auto& [k, v] : m) std::printf("    %8ld  %s\n", v, k.c_str());
}

void print_errors(Ctx& c) {
  std::lock_guard lk(c.mu);
  print_reasons("connect/handshake/send failures", c.failure_reasons);
  print_reasons("unexpected closes", c.close_reasons);
  print_reasons("error frames by code", c.error_codes);
  for (const auto& s : c.error_samples) std::printf("    sample: %s\n", s.c_str());
}

json::object reasons_json(const std::map<std::string, long>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

// Adds the failure, close and error-frame tallies to a scenario's result; prints it as one line.
void print_json_result(Ctx& c, json::object j) {
  {
    std::lock_guard lk(c.mu);
    j["failure_reasons"] = reasons_json(c.failure_reasons);
    j["close_reasons"] = reasons_json(c.close_reasons);
    j["error_codes"] = reasons_json(c.error_codes);
  }
  std::printf("%s\n", json::serialize(j).c_str());
}

// ---------------------------------------------------------------------------------------
// conns scenario

awaitable<void> run_conns(Ctx& c, int& exit_code) {
  const Options& o = c.opt;
  const long n = o.count;
  const std::size_t users = std::size_t(std::min<long>(o.user_count, n));

  c.on_frame = [&c](Conn& w, std::string_view text) {
    alignas(16) unsigned char arena[4096];
    json::monotonic_resource mr(arena, sizeof arena);
    Frame f;
    if (!parse_frame(text, f, mr)) {
      ++w.other_frames;
      return;
    }
    if (f.type == "pong")
      w.pong_round = c.ping_round.load();
    else if (f.type == "error")
      record_error_frame(c, *f.obj);
    else
      ++w.other_frames;
  };

  if (!co_await login_or_report(c, users, "conns")) {
    exit_code = 1;
    co_return;
  }

  c.conns.reserve(std::size_t(n));
  for (long i = 0; i < n; ++i) {
    auto w = std::make_unique<Conn>(c.ioc);
    w->index = std::size_t(i);
    w->user = std::size_t(i) % users;
    c.conns.push_back(std::move(w));
  }

  const long long rss_before = o.server_pid ? proc_rss_bytes(o.server_pid) : -1;
  const double cpu_before = o.server_pid ? proc_cpu_seconds(o.server_pid) : -1;
  log("server RSS before connecting: " + fmt_bytes(rss_before));

  auto t0 = Clock::now();
  co_await open_all(c);
  const double connect_s = seconds_between(t0, Clock::now());
  const long established = c.established;
  log("connected " + std::to_string(established) + "/" + std::to_string(n) + " in " +
      fmt("%.1f s", connect_s));
  const long long rss_handshaken = o.server_pid ? proc_rss_bytes(o.server_pid) : -1;

  auto ping_round = [&](int round) -> awaitable<std::pair<long, double>> {
    c.ping_round = round;
    long targets = 0;
    for (auto& wp : c.conns) {
      if (!wp->open) continue;
      ++targets;
      asio::co_spawn(wp->strand, send_text(*wp, R"({"type":"ping"})"), asio::detached);
    }
    auto tp = Clock::now();
    auto answered = [&] {
      long a = 0;
      for (auto& wp : c.conns)
        if (wp->pong_round >= round) ++a;
      return a;
    };
    co_await wait_until([&] { return answered() >= targets; },
                        Clock::now() + std::chrono::seconds(o.ping_timeout_s),
                        [&] {
                          log("ping round " + std::to_string(round) + ": " +
                              std::to_string(answered()) + "/" + std::to_string(targets));
                        });
    co_return std::pair<long, double>{answered(), seconds_between(tp, Clock::now())};
  };

  auto [pong1, ping1_s] = co_await ping_round(1);
  log("ping round 1: " + std::to_string(pong1) + " pongs in " + fmt("%.2f s", ping1_s));
  const long long rss_after = o.server_pid ? proc_rss_bytes(o.server_pid) : -1;
  const double cpu_after = o.server_pid ? proc_cpu_seconds(o.server_pid) : -1;
  const double gauge = co_await fetch_ws_gauge(c);

  log("holding " + std::to_string(o.hold_s) + " s");
  co_await sleep_for(std::chrono::seconds(o.hold_s));
  const long open_after_hold = c.open_now;
  auto [pong2, ping2_s] = co_await ping_round(2);
  log("ping round 2: " + std::to_string(pong2) + " pongs in " + fmt("%.2f s", ping2_s));
  const long long rss_hold = o.server_pid ? proc_rss_bytes(o.server_pid) : -1;
  const long long self_rss = proc_rss_bytes(getpid());

  co_await close_all(c, std::chrono::seconds(15));

  const long unexpected = c.unexpected_closes;
  const long long delta = (rss_before >= 0 && rss_after >= 0) ? rss_after - rss_before : -1;
  const double per_conn =
      (delta >= 0 && established > 0) ? double(delta) / double(established) : -1;

  std::printf("\n== conns: %ld authenticated WebSockets, %zu users, sources %zu ==\n", n, users,
              c.sources.size());
  std::printf("  %-34s %ld\n", "connections requested", n);
  std::printf("  %-34s %ld\n", "connections established", established);
  std::printf("  %-34s %ld\n", "connect/handshake failures", long(c.failed));
  std::printf("  %-34s %.1f s (%.0f conn/s)\n", "connect time", connect_s,
              connect_s > 0 ? double(established) / connect_s : 0.0);
  std::printf("  %-34s %ld (%.2f s)\n", "pongs, round 1", pong1, ping1_s);
  std::printf("  %-34s %.0f\n", "server gc_ws_connections", gauge);
  std::printf("  %-34s %s\n", "server RSS before", fmt_bytes(rss_before).c_str());
  std::printf("  %-34s %s\n", "server RSS after handshakes", fmt_bytes(rss_handshaken).c_str());
  std::printf("  %-34s %s\n", "server RSS after ping round 1", fmt_bytes(rss_after).c_str());
  std::printf("  %-34s %s\n", "server RSS after hold", fmt_bytes(rss_hold).c_str());
  std::printf("  %-34s %s\n", "RSS per connection",
              per_conn < 0 ? "n/a" : fmt("%.0f B", per_conn).c_str());
  if (cpu_before >= 0 && cpu_after >= 0)
    std::printf("  %-34s %.2f s\n", "server CPU for connect+ping", cpu_after - cpu_before);
  std::printf("  %-34s %d s, %ld still open\n", "hold", o.hold_s, open_after_hold);
  std::printf("  %-34s %ld (%.2f s)\n", "pongs, round 2 (after hold)", pong2, ping2_s);
  std::printf("  %-34s %ld\n", "unexpected closes", unexpected);
  std::printf("  %-34s %ld\n", "error frames", long(c.error_frames));
  std::printf("  %-34s %s\n", "loadgen RSS", fmt_bytes(self_rss).c_str());
  std::printf("  %-34s <= 2048 B/conn at 19000 conns: %s\n", "target",
              per_conn < 0                                 ? "n/a (no --server-pid)"
              : (per_conn <= 2048 && established >= 19000) ? "met"
                                                           : "MISSED");
  print_errors(c);

  if (o.json) {
    json::object j{{"scenario", "conns"},
                   {"requested", n},
                   {"users", users},
                   {"established", established},
                   {"failures", long(c.failed)},
                   {"connect_seconds", connect_s},
                   {"pongs_round1", pong1},
                   {"pongs_round2", pong2},
                   {"hold_seconds", o.hold_s},
                   {"open_after_hold", open_after_hold},
                   {"server_ws_gauge", gauge},
                   {"rss_before_bytes", rss_before},
                   {"rss_handshaken_bytes", rss_handshaken},
                   {"rss_after_bytes", rss_after},
                   {"rss_after_hold_bytes", rss_hold},
                   {"rss_per_conn_bytes", per_conn},
                   {"unexpected_closes", unexpected},
                   {"error_frames", long(c.error_frames)}};
    print_json_result(c, std::move(j));
  }
  std::fflush(stdout);
  exit_code = (established == n && pong1 == n && pong2 == n && c.error_frames == 0) ? 0 : 1;
}

// ---------------------------------------------------------------------------------------
// A minimal WebSocket client (dm, fanout, presence)
//
// The load generator shares the server's cores, so what it spends per frame is taken from the
// server. Beast's one-operation-per-message read and write cost it more than the server spent
// on the same frames (fanout: 300,000+ frames/s). So each socket of these scenarios is a
// plain TCP socket with a minimal RFC 6455 client: the server's frames are unmasked and never
// fragmented, a read takes up to 16 KiB and all the frames in it are handled in one coroutine
// resume, and the frames queued while a write is in flight go out together in the next one.

// A client frame with FIN set, masked with a zero key: the key must be present (§5.3), and an
// all-zero key leaves the payload as it is. Unpredictable keys protect proxies' caches, which
// a loopback benchmark has none of.
void append_client_frame(std::string& out, unsigned opcode, std::string_view payload) {
  out.push_back(char(0x80 | opcode));
  if (payload.size() < 126) {
    out.push_back(char(0x80 | payload.size()));
  } else if (payload.size() <= 0xffff) {
    out.push_back(char(0x80 | 126));
    out.push_back(char(payload.size() >> 8));
    out.push_back(char(payload.size() & 0xff));
  } else {
    out.push_back(char(0x80 | 127));
    for (int i = 7; i >= 0; --i) out.push_back(char((payload.size() >> (8 * i)) & 0xff));
  }
  out.append(4, '\0');
  out.append(payload);
}

// A plain TCP socket speaking the minimal client above. Touched only on its strand.
struct RawConn {
  explicit RawConn(asio::io_context& ioc) : strand(asio::make_strand(ioc)), sock(strand) {}
  Strand strand;
  tcp::socket sock;
  std::size_t index = 0;
  std::size_t user = 0;
  bool open = false;
  bool writing = false;
  std::string out, out_flight;  // queued bytes; bytes being written
  std::vector<char> in = std::vector<char>(16 * 1024);
  std::size_t in_len = 0;
  unsigned close_code = 0;                // of the server's close frame; 0 before one came
  const tcp::endpoint* server = nullptr;  // another instance than --url's (dm --peer-urls)
};

awaitable<void> raw_write_loop(RawConn& w) {
  error_code ec;
  while (!w.out.empty() && w.open) {
    w.out_flight.clear();
    w.out_flight.swap(w.out);
    co_await asio::async_write(w.sock, asio::buffer(w.out_flight), tok(ec));
    if (ec) break;
  }
  w.writing = false;
}

// Queues one frame; one write in flight per socket, later frames go out together behind it.
void raw_queue(RawConn& w, unsigned opcode, std::string_view payload) {
  if (!w.open) return;
  append_client_frame(w.out, opcode, payload);
  if (w.writing) return;
  w.writing = true;
  asio::co_spawn(w.strand, raw_write_loop(w), asio::detached);
}

using TextHandler = std::function<void(std::string_view)>;

// Handles the complete frames at the front of w.in and keeps the rest. False when the
// server closed or broke the protocol.
bool raw_parse(Ctx& c, RawConn& w, const TextHandler& on_text) {
  const auto* p = reinterpret_cast<const unsigned char*>(w.in.data());
  std::size_t pos = 0, need = 0;
  bool alive = true;
  while (alive && w.in_len - pos >= 2) {
    const unsigned op = p[pos] & 0x0f;
    if (!(p[pos] & 0x80) || (p[pos + 1] & 0x80)) {  // fragmented or masked: not our server
      c.count(c.close_reasons, "fragmented or masked server frame");
      return false;
    }
    std::uint64_t len = p[pos + 1] & 0x7f;
    std::size_t hdr = 2;
    if (len == 126) {
      if (w.in_len - pos < 4) break;
      len = (std::uint64_t(p[pos + 2]) << 8) | p[pos + 3];
      hdr = 4;
    } else if (len == 127) {
      if (w.in_len - pos < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[pos + 2 + i];
      hdr = 10;
    }
    if (w.in_len - pos < hdr + len) {
      need = hdr + std::size_t(len);
      break;
    }
    const std::string_view payload(w.in.data() + pos + hdr, std::size_t(len));
    pos += hdr + std::size_t(len);
    switch (op) {
      case 0x1:
        on_text(payload);
        break;
      case 0x8:
        alive = false;
        w.close_code = payload.size() >= 2
                           ? (unsigned(std::uint8_t(payload[0])) << 8) | std::uint8_t(payload[1])
                           : 1005;
        break;
      case 0x9:
        raw_queue(w, 0xA, payload);
        break;
      default:
        break;  // a pong
    }
  }
  std::memmove(w.in.data(), w.in.data() + pos, w.in_len - pos);
  w.in_len -= pos;
  if (need > w.in.size()) w.in.resize(need);
  return alive;
}

// Connects from `src` and upgrades by hand; the bytes after the 101 response stay in w.in.
awaitable<std::string> raw_connect(Ctx& c, RawConn& w, const asio::ip::address& src,
                                   const std::string& token) {
  error_code ec;
  w.in_len = 0;
  w.out.clear();
  w.close_code = 0;
  w.sock.open(src.is_v6() ? tcp::v6() : tcp::v4(), ec);
  if (ec) co_return "socket: " + ec.message();
  int one = 1;
  ::setsockopt(w.sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  w.sock.bind(tcp::endpoint(src, 0), ec);
  if (ec) co_return "bind " + src.to_string() + ": " + ec.message();
  co_await w.sock.async_connect(w.server ? *w.server : c.server, tok(ec));
  if (ec) co_return "connect: " + ec.message();
  w.sock.set_option(tcp::no_delay(true), ec);
  const std::string req = "GET /ws HTTP/1.1\r\nHost: " + c.host_header +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " +
                          token + "\r\n\r\n";
  co_await asio::async_write(w.sock, asio::buffer(req), tok(ec));
  if (ec) co_return "handshake write: " + ec.message();
  for (;;) {
    const std::string_view have(w.in.data(), w.in_len);
    if (auto end = have.find("\r\n\r\n"); end != std::string_view::npos) {
      if (!have.starts_with("HTTP/1.1 101"))
        co_return "handshake: " + std::string(have.substr(0, have.find('\r')));
      end += 4;
      std::memmove(w.in.data(), w.in.data() + end, w.in_len - end);
      w.in_len -= end;
      co_return std::string();
    }
    if (w.in_len == w.in.size()) co_return "handshake: response too large";
    const std::size_t n = co_await w.sock.async_read_some(
        asio::buffer(w.in.data() + w.in_len, w.in.size() - w.in_len), tok(ec));
    if (ec) co_return "handshake read: " + ec.message();
    w.in_len += n;
  }
}

// Connects w from its source address; on failure counts it, closes the socket and returns false.
awaitable<bool> raw_open(Ctx& c, RawConn& w) {
  std::string err;
  try {
    err =
        co_await raw_connect(c, w, c.sources[w.index % c.sources.size()], c.accounts[w.user].token);
  } catch (const std::exception& e) {
    err = std::string("exception: ") + e.what();
  }
  if (!err.empty()) {
    c.count(c.failure_reasons, err);
    ++c.failed;
    error_code ignore;
    w.sock.close(ignore);
    co_return false;
  }
  w.open = true;
  ++c.open_now;
  ++c.established;
  co_return true;
}

// Reads until the server closes (or the socket fails), handing on every text frame; then
// closes the socket. An ending nobody asked for (`expected` false) counts as unexpected.
awaitable<void> raw_read_until_closed(Ctx& c, RawConn& w, const TextHandler& on_text,
                                      const std::function<bool()>& expected) {
  error_code ec;
  bool alive = raw_parse(c, w, on_text);
  while (alive) {
    if (w.in_len == w.in.size()) w.in.resize(w.in.size() * 2);
    const std::size_t n = co_await w.sock.async_read_some(
        asio::buffer(w.in.data() + w.in_len, w.in.size() - w.in_len), tok(ec));
    if (ec) break;
    w.in_len += n;
    alive = raw_parse(c, w, on_text);
  }
  w.open = false;
  --c.open_now;
  if (!expected()) {
    ++c.unexpected_closes;
    if (w.close_code)
      c.count(c.close_reasons, "close frame code " + std::to_string(w.close_code));
    else if (ec)
      c.count(c.close_reasons, ec.message());
  }
  error_code ignore;
  w.sock.close(ignore);
}

const std::string kCloseNormal("\x03\xe8", 2);  // close frame payload: 1000

// Closes every raw socket (a close frame, then aborts what has not closed within `grace`)
// and waits until `live` sessions are left: none.
template <class Conns>
awaitable<void> raw_close_all(Ctx& c, Conns& conns, std::atomic<long>& live,
                              std::chrono::seconds grace) {
  c.closing = true;
  for (auto& wp : conns) {
    RawConn& w = *wp;
    asio::post(w.strand, [&w] { raw_queue(w, 0x8, kCloseNormal); });
  }
  if (co_await wait_until([&] { return live == 0; }, Clock::now() + grace)) co_return;
  log("close: " + std::to_string(live.load()) + " sockets did not close in time; aborting them");
  for (auto& wp : conns) {
    RawConn& w = *wp;
    asio::post(w.strand, [&w] {
      error_code ec;
      w.sock.close(ec);
    });
  }
  co_await wait_until([&] { return live == 0; }, Clock::now() + std::chrono::seconds(5));
}

// Starts session(i) for i in [0, n) with opt.batch handshakes in flight (the next as each
// finishes), then waits for every one to connect or fail.
awaitable<void> raw_open_all(Ctx& c, std::size_t n, const std::function<void(std::size_t)>& start) {
  const auto t0 = Clock::now();
  std::size_t next = 0;
  while (next < n) {
    if (long(next) - (c.established + c.failed) < c.opt.batch) {
      start(next++);
      continue;
    }
    co_await sleep_for(std::chrono::milliseconds(5));
  }
  co_await wait_until([&] { return c.established + c.failed >= long(n); }, Clock::time_point::max(),
                      [&] {
                        log("connections: " + std::to_string(c.established.load()) + " up, " +
                            std::to_string(c.failed.load()) + " failed of " + std::to_string(n));
                      });
  log("connected " + std::to_string(c.established.load()) + "/" + std::to_string(n) + " in " +
      fmt("%.1f s", seconds_between(t0, Clock::now())));
}

// ---------------------------------------------------------------------------------------
// dm scenario

bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  std::uint64_t x = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    x = x * 10 + std::uint64_t(ch - '0');
  }
  out = x;
  return true;
}

// Body: "lg <senderIndex> <counter> <sendSteadyNs> xxxx…" padded to --body-bytes.
std::string make_body(std::size_t index, std::uint64_t counter, std::int64_t ns, int bytes) {
  std::string b =
      "lg " + std::to_string(index) + " " + std::to_string(counter) + " " + std::to_string(ns);
  if (int(b.size()) + 1 < bytes) {
    b.push_back(' ');
    b.append(std::size_t(bytes) - b.size(), 'x');
  }
  return b;
}

bool parse_body(std::string_view b, std::uint64_t& index, std::uint64_t& counter,
                std::int64_t& ns) {
  if (b.substr(0, 3) != "lg ") return false;
  b.remove_prefix(3);
  std::uint64_t parts[3];
  for (int i = 0; i < 3; ++i) {
    auto sp = b.find(' ');
    auto tokn = b.substr(0, sp);
    if (!parse_u64(tokn, parts[i])) return false;
    b = sp == std::string_view::npos ? std::string_view() : b.substr(sp + 1);
  }
  index = parts[0];
  counter = parts[1];
  ns = std::int64_t(parts[2]);
  return true;
}

bool parse_hex_id(std::string_view id, unsigned __int128& out) {
  if (id.size() != 24) return false;
  unsigned __int128 x = 0;
  for (char ch : id) {
    int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
    if (v < 0) return false;
    x = (x << 4) | unsigned(v);
  }
  out = x;
  return true;
}

// The fields of an `ack` or `message` frame the dm scenario checks.
struct DmFields {
  std::string_view type;
  std::string_view ack_cmid;  // ack: top-level clientMsgId
  std::string_view id, conv, from, body, cmid;
  std::int64_t seq = -1;
};

// The value of the first `"key":"…"` at or after `from`, when it has no escapes.
std::string_view scan_string(std::string_view text, std::string_view quoted_key, std::size_t from) {
  const auto k = text.find(quoted_key, from);
  if (k == std::string_view::npos) return {};
  const auto v = k + quoted_key.size();
  const auto e = text.find('"', v);
  if (e == std::string_view::npos || text.substr(v, e - v).find('\\') != std::string_view::npos)
    return {};
  return text.substr(v, e - v);
}

// Fast path for the frames that arrive three times per message: plain string searches over
// the server's compact JSON instead of a full parse. Anything it is not sure of (another
// frame type, escapes in a value, a missing field) returns false and takes the parser.
bool scan_dm_frame(std::string_view text, DmFields& f) {
  constexpr std::string_view kType = R"({"type":")";
  if (!text.starts_with(kType)) return false;
  const auto te = text.find('"', kType.size());
  if (te == std::string_view::npos) return false;
  f.type = text.substr(kType.size(), te - kType.size());
  if (f.type == "ack") {
    f.ack_cmid = scan_string(text, R"("clientMsgId":")", te);
    if (f.ack_cmid.empty()) return false;
  } else if (f.type != "message") {
    return false;
  }
  // Both carry the message: an ack is how the sending connection learns its own message.
  const auto msg = text.find(R"("message":{)", te);
  if (msg == std::string_view::npos) return false;
  f.id = scan_string(text, R"("id":")", msg);
  f.conv = scan_string(text, R"("conversationId":")", msg);
  f.from = scan_string(text, R"("from":")", msg);
  f.body = scan_string(text, R"("body":")", msg);
  f.cmid = scan_string(text, R"("clientMsgId":")", msg);
  const auto sk = text.find(R"("seq":)", msg);
  if (sk == std::string_view::npos || f.id.empty() || f.conv.empty() || f.from.empty())
    return false;
  std::uint64_t seq = 0;
  std::size_t p = sk + 6, q = p;
  while (q < text.size() && text[q] >= '0' && text[q] <= '9') ++q;
  if (q == p || !parse_u64(text.substr(p, q - p), seq)) return false;
  f.seq = std::int64_t(seq);
  return true;
}

// One connection learns a conversation's messages in seq order, its own (acks) and the
// others' (message frames) interleaved: any step back is an order violation.
void track_seq(DmState& d, std::string_view conv, std::int64_t seq) {
  auto ls = std::find_if(d.last_seq.begin(), d.last_seq.end(),
                         [&](const auto& e) { return e.first == conv; });
  if (ls == d.last_seq.end()) {
    d.last_seq.emplace_back(std::string(conv), seq);
  } else if (seq <= ls->second) {
    ++d.order_violations;
  } else {
    if (seq != ls->second + 1) ++d.seq_gaps;
    ls->second = seq;
  }
}

void dm_on_ack(DmState& d, const DmFields& m, Clock::time_point now, bool in_window) {
  const std::string_view cmid = m.ack_cmid;
  std::uint64_t ctr = 0;
  if (cmid.size() <= d.cmid_prefix.size() ||
      cmid.substr(0, d.cmid_prefix.size()) != d.cmid_prefix ||
      !parse_u64(cmid.substr(d.cmid_prefix.size()), ctr)) {
    ++d.unknown_acks;
    return;
  }
  auto it = d.inflight_map.find(ctr);
  if (it == d.inflight_map.end()) {
    ++d.unknown_acks;  // duplicate ack, or an ack for something never sent
    return;
  }
  if (in_window) {
    ++d.acks_window;
    d.ack_lat.add(micros_between(it->second, now));
  }
  d.inflight_map.erase(it);
  track_seq(d, m.conv, m.seq);
  d.inflight = d.inflight_map.size();
  d.acked.push_back(ctr);
  ++d.acked_total;
  d.wake.cancel();
}

void dm_on_message(DmState& d, const DmFields& m, Clock::time_point now, bool in_window) {
  unsigned __int128 hex_id = 0;
  const bool fresh = parse_hex_id(m.id, hex_id) ? d.seen_hex_ids.insert(hex_id).second
                                                : d.seen_other_ids.emplace(m.id).second;
  if (!fresh) {
    ++d.duplicates;
    return;
  }
  track_seq(d, m.conv, m.seq);
  if (m.from == d.self_id) {
    ++d.own_echo;
    return;
  }
  std::uint64_t idx = 0, ctr = 0;
  std::int64_t ns = 0;
  if (!parse_body(m.body, idx, ctr, ns) || idx != d.peer) {
    ++d.foreign;
    return;
  }
  if (!d.cmid_echoed && !m.cmid.empty()) d.cmid_echoed = true;
  if (ctr >= d.got_from_peer.size())
    d.got_from_peer.resize(std::max<std::size_t>(ctr + 1, d.got_from_peer.size() * 2), 0);
  d.got_from_peer[ctr] = 1;
  ++d.delivered_total;
  if (in_window) {
    ++d.dlv_window;
    auto sent_at = Clock::time_point(
        std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(ns)));
    d.dlv_lat.add(micros_between(sent_at, now));
  }
}

// One socket of a pair.
struct DmConn : RawConn {
  explicit DmConn(asio::io_context& ioc) : RawConn(ioc), dm(strand) {}
  DmState dm;
  std::uint64_t other_frames = 0;
};

void dm_on_frame(Ctx& c, DmConn& w, std::string_view text) {
  const auto now = Clock::now();
  const bool in_window = now >= c.t_meas0 && now < c.t_meas1;
  DmState& d = w.dm;
  if (DmFields fast; scan_dm_frame(text, fast)) {
    if (fast.type == "ack") {
      dm_on_ack(d, fast, now, in_window);
    } else {
      dm_on_message(d, fast, now, in_window);
    }
    return;
  }

  alignas(16) unsigned char arena[8192];
  json::monotonic_resource mr(arena, sizeof arena);
  Frame f;
  if (!parse_frame(text, f, mr)) {
    ++w.other_frames;
    return;
  }
  if (f.type == "error") {
    record_error_frame(c, *f.obj);
    std::string_view ref = str_field(*f.obj, "ref");
    std::uint64_t ctr = 0;
    if (ref.size() > d.cmid_prefix.size() && ref.substr(0, d.cmid_prefix.size()) == d.cmid_prefix &&
        parse_u64(ref.substr(d.cmid_prefix.size()), ctr) && d.inflight_map.erase(ctr)) {
      ++d.rejected;
      d.inflight = d.inflight_map.size();
      d.wake.cancel();
    }
    return;
  }
  if (f.type != "ack" && f.type != "message") {
    ++w.other_frames;
    return;
  }
  const json::value* mv = f.obj->if_contains("message");
  if (!mv || !mv->is_object()) {
    ++w.other_frames;
    return;
  }
  const json::object& m = mv->as_object();
  const json::value* seqv = m.if_contains("seq");
  DmFields fields;
  fields.type = f.type;
  fields.ack_cmid = str_field(*f.obj, "clientMsgId");
  fields.id = str_field(m, "id");
  fields.conv = str_field(m, "conversationId");
  fields.from = str_field(m, "from");
  fields.body = str_field(m, "body");
  fields.cmid = str_field(m, "clientMsgId");
  fields.seq = seqv && seqv->is_int64()    ? seqv->as_int64()
               : seqv && seqv->is_uint64() ? std::int64_t(seqv->as_uint64())
                                           : -1;
  if (f.type == "ack") {
    dm_on_ack(d, fields, now, in_window);
  } else {
    dm_on_message(d, fields, now, in_window);
  }
}

awaitable<void> dm_writer(Ctx& c, DmConn& w, std::size_t sockets) {
  DmState& d = w.dm;
  const std::size_t window = std::size_t(c.opt.window);
  const std::string head = R"({"type":"send","clientMsgId":")" + d.cmid_prefix;
  const std::string mid = R"(","conversationId":")" + d.conv + R"(","body":")";
  const std::string tail = R"(","msgType":"text"})";
  std::string frame;
  error_code ec;
  // --rate R: open loop, each of the n sockets sends every n/R seconds (staggered start).
  Pacer pacer = make_pacer(c.t_begin, c.opt.rate, d.index, sockets);
  const bool paced = pacer.paced();
  bool stalled = false;
  for (;;) {
    auto now = Clock::now();
    if (now >= c.t_meas1 || !w.open) break;
    if (paced && now < pacer.next) {
      d.pace.expires_at(std::min(pacer.next, c.t_meas1));
      co_await d.pace.async_wait(tok(ec));
      continue;
    }
    if (d.inflight_map.size() >= window) {
      if (paced && !stalled) {
        stalled = true;
        if (now >= c.t_meas0) ++d.window_stalls;
      }
      d.wake.expires_at(c.t_meas1);
      co_await d.wake.async_wait(tok(ec));
      continue;
    }
    stalled = false;
    if (paced) pacer.take(now);
    const std::uint64_t ctr = d.next_counter++;
    frame.clear();
    frame += head;
    frame += std::to_string(ctr);
    frame += mid;
    frame += make_body(
        d.index, ctr,
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count(),
        c.opt.body_bytes);
    frame += tail;
    d.inflight_map.emplace(ctr, now);
    d.inflight = d.inflight_map.size();
    // Queued: what the window lets out before this socket's write completes goes in one.
    raw_queue(w, 0x1, frame);
    ++d.sent;
    if (now >= c.t_meas0) ++d.sends_in_window;
  }
  d.writer_done = true;
}

awaitable<void> dm_session(Ctx& c, DmConn& w, std::atomic<long>& live) {
  if (co_await raw_open(c, w)) {
    co_await raw_read_until_closed(
        c, w, [&c, &w](std::string_view text) { dm_on_frame(c, w, text); },
        [&c] { return bool(c.closing); });
  }
  w.dm.wake.cancel();
  --live;
}

awaitable<void> run_dm(Ctx& c, int& exit_code) {
  const Options& o = c.opt;
  const std::size_t n = std::size_t(2 * o.pairs);
  std::vector<std::unique_ptr<DmConn>> conns;
  std::atomic<long> live{0};

  if (!co_await login_or_report(c, n, "dm")) {
    exit_code = 1;
    co_return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto w = std::make_unique<DmConn>(c.ioc);
    w->index = i;
    w->user = i;
    DmState& d = w->dm;
    d.index = i;
    d.peer = i ^ 1;  // users 2k+1 and 2k+2 (1-based) pair up
    if (const auto k = i % (1 + c.peers.size()); k > 0) w->server = &c.peers[k - 1];
    d.self_id = c.accounts[i].id;
    const std::string& a = c.accounts[i].id;
    const std::string& b = c.accounts[i ^ 1].id;
    d.conv = "dm_" + std::min(a, b) + "_" + std::max(a, b);
    d.cmid_prefix = c.run_id + "-" + std::to_string(i) + "-";
    conns.push_back(std::move(w));
  }
  co_await raw_open_all(c, n, [&](std::size_t i) {
    DmConn& w = *conns[i];
    ++live;
    asio::co_spawn(w.strand, dm_session(c, w, live), asio::detached);
  });
  if (c.failed > 0) {
    std::printf("dm: %ld of %zu WebSocket connections failed\n", long(c.failed), n);
    print_errors(c);
    co_await raw_close_all(c, conns, live, std::chrono::seconds(5));
    exit_code = 1;
    co_return;
  }
  log("all " + std::to_string(n) + " sockets up; sending for " + fmt("%.1f s", o.warmup_s) +
      " warmup + " + fmt("%.1f s", o.duration_s) + " measured");

  c.t_begin = Clock::now() + std::chrono::milliseconds(50);
  c.t_meas0 = c.t_begin + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(o.warmup_s));
  c.t_meas1 = c.t_meas0 + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(o.duration_s));
  for (auto& wp : conns) {
    DmConn& w = *wp;
    asio::co_spawn(
        w.strand,
        [&c, &w, n]() -> awaitable<void> {
          asio::steady_timer t(w.strand, c.t_begin);
          error_code ec;
          co_await t.async_wait(tok(ec));
          co_await dm_writer(c, w, n);
        },
        asio::detached);
  }

  auto sum = [&](auto member) {
    std::uint64_t s = 0;
    for (auto& wp : conns) s += (wp->dm.*member).load();
    return s;
  };
  co_await wait_until([&] { return Clock::now() >= c.t_meas0; }, c.t_meas0);
  const double srv_cpu0 = o.server_pid ? proc_cpu_seconds(o.server_pid) : -1;
  const double self_cpu0 = proc_cpu_seconds(0);
  co_await wait_until([&] { return Clock::now() >= c.t_meas1; }, c.t_meas1,
                      [&] {
                        log("acked so far: " + std::to_string(sum(&DmState::acked_total)) +
                            ", delivered " + std::to_string(sum(&DmState::delivered_total)) +
                            ", open sockets " + std::to_string(c.open_now.load()));
                      });
  const double srv_cpu1 = o.server_pid ? proc_cpu_seconds(o.server_pid) : -1;
  const double self_cpu1 = proc_cpu_seconds(0);
  const long long srv_rss = o.server_pid ? proc_rss_bytes(o.server_pid) : -1;

  // Drain: everything acked, and every acked message delivered to its peer.
  auto t_drain0 = Clock::now();
  co_await wait_until(
      [&] {
        return sum(&DmState::inflight) == 0 &&
               sum(&DmState::delivered_total) >= sum(&DmState::acked_total);
      },
      Clock::now() +
          std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.drain_s)));
  const double drain_s = seconds_between(t_drain0, Clock::now());
  // Writers stop at t_meas1 on their own; a close frame queues behind what they wrote.
  co_await raw_close_all(c, conns, live, std::chrono::seconds(10));

  // Every session has ended: merge per-socket data.
  Latencies ack_lat, dlv_lat;
  std::uint64_t sent = 0, acked = 0, delivered = 0, acks_w = 0, dlv_w = 0, dups = 0, order = 0,
                gaps = 0, own = 0, foreign = 0, unknown_acks = 0, rejected = 0, unacked = 0,
                lost = 0, sends_w = 0, other = 0, stalls = 0;
  bool cmid_echoed = false;
  for (auto& wp : conns) {
    DmState& d = wp->dm;
    DmState& p = conns[d.peer]->dm;
    sent += d.sent;
    sends_w += d.sends_in_window;
    stalls += d.window_stalls;
    acked += d.acked_total;
    delivered += d.delivered_total;
    acks_w += d.acks_window;
    dlv_w += d.dlv_window;
    dups += d.duplicates;
    order += d.order_violations;
    gaps += d.seq_gaps;
    own += d.own_echo;
    foreign += d.foreign;
    unknown_acks += d.unknown_acks;
    rejected += d.rejected;
    unacked += d.inflight_map.size();
    other += wp->other_frames;
    cmid_echoed = cmid_echoed || d.cmid_echoed;
    for (auto ctr : d.acked)
      if (ctr >= p.got_from_peer.size() || !p.got_from_peer[ctr]) ++lost;
    ack_lat.merge(d.ack_lat);
    dlv_lat.merge(d.dlv_lat);
  }
  ack_lat.finish();
  dlv_lat.finish();
  const double dur = o.duration_s;
  const double ack_rate = double(acks_w) / dur;
  const double dlv_rate = double(dlv_w) / dur;
  const long unexpected = c.unexpected_closes;
  const long errs = c.error_frames;

  std::printf(
      "\n== dm: %d pairs, window %d, %d-byte bodies, %s, %.1f s measured after %.1f s warmup ==\n",
      o.pairs, o.window, o.body_bytes,
      o.rate > 0 ? fmt("offered %.0f msgs/s", o.rate).c_str() : "maximum rate", o.duration_s,
      o.warmup_s);
  std::printf("  %-30s %12s %10s %10s %10s %10s %10s\n", "", "count", "per s", "p50 ms", "p99 ms",
              "p99.9 ms", "max ms");
  std::printf("  %-30s %12llu %10.0f %10.2f %10.2f %10.2f %10.2f\n", "acks (send -> ack)",
              (unsigned long long)acks_w, ack_rate, ack_lat.percentile_ms(0.50),
              ack_lat.percentile_ms(0.99), ack_lat.percentile_ms(0.999), ack_lat.max_ms());
  std::printf("  %-30s %12llu %10.0f %10.2f %10.2f %10.2f %10.2f\n", "deliveries (send -> peer)",
              (unsigned long long)dlv_w, dlv_rate, dlv_lat.percentile_ms(0.50),
              dlv_lat.percentile_ms(0.99), dlv_lat.percentile_ms(0.999), dlv_lat.max_ms());
  std::printf("  %-30s %llu sent, %llu acked, %llu delivered to peers, %llu own echoes\n",
              "totals (incl. warmup)", (unsigned long long)sent, (unsigned long long)acked,
              (unsigned long long)delivered, (unsigned long long)own);
  std::printf("  %-30s %llu\n", "lost (acked, never delivered)", (unsigned long long)lost);
  std::printf("  %-30s %llu\n", "duplicates", (unsigned long long)dups);
  std::printf("  %-30s %llu\n", "order violations", (unsigned long long)order);
  std::printf("  %-30s %llu\n", "seq gaps seen", (unsigned long long)gaps);
  std::printf("  %-30s %llu (after %.2f s drain)\n", "never acked", (unsigned long long)unacked,
              drain_s);
  std::printf("  %-30s %ld (%llu rejected sends)\n", "error frames", errs,
              (unsigned long long)rejected);
  std::printf("  %-30s %ld\n", "unexpected closes", unexpected);
  if (unknown_acks || foreign || other)
    std::printf("  %-30s %llu unknown acks, %llu foreign messages, %llu other frames\n",
                "unexpected frames", (unsigned long long)unknown_acks, (unsigned long long)foreign,
                (unsigned long long)other);
  if (o.rate > 0)
    std::printf("  %-30s %.0f msgs/s offered, %.0f sent; %llu send slots waited for the window\n",
                "offered load", o.rate, double(sends_w) / dur, (unsigned long long)stalls);
  if (!cmid_echoed && delivered > 0)
    std::printf("  %-30s recipients' message objects carry no clientMsgId (matched by body)\n",
                "note");
  if (srv_cpu0 >= 0 && srv_cpu1 >= 0)
    std::printf("  %-30s %.2f cores (%.1f CPU s)\n", "server CPU (measured period)",
                (srv_cpu1 - srv_cpu0) / dur, srv_cpu1 - srv_cpu0);
  std::printf("  %-30s %.2f cores\n", "loadgen CPU (measured period)",
              (self_cpu1 - self_cpu0) / dur);
  if (srv_rss >= 0) std::printf("  %-30s %s\n", "server RSS at end", fmt_bytes(srv_rss).c_str());
  std::printf("  %-30s >= 30000 acks/s with ack p99 <= 20 ms: %s\n", "target",
              (ack_rate >= 30000 && ack_lat.percentile_ms(0.99) <= 20) ? "met" : "MISSED");
  print_errors(c);

  if (o.json) {
    auto lat = [](const Latencies& l) {
      return json::object{{"count", l.count()},
                          {"p50_ms", l.percentile_ms(0.5)},
                          {"p99_ms", l.percentile_ms(0.99)},
                          {"p999_ms", l.percentile_ms(0.999)},
                          {"max_ms", l.max_ms()},
                          {"mean_ms", l.mean_ms()}};
    };
    json::object j{{"scenario", "dm"},
                   {"pairs", o.pairs},
                   {"window", o.window},
                   {"offered_rate", o.rate},
                   {"sends_per_second", double(sends_w) / dur},
                   {"window_stalls", stalls},
                   {"body_bytes", o.body_bytes},
                   {"warmup_seconds", o.warmup_s},
                   {"duration_seconds", o.duration_s},
                   {"acks_per_second", ack_rate},
                   {"deliveries_per_second", dlv_rate},
                   {"ack_latency", lat(ack_lat)},
                   {"delivery_latency", lat(dlv_lat)},
                   {"sent", sent},
                   {"sent_in_window", sends_w},
                   {"acked", acked},
                   {"delivered", delivered},
                   {"lost", lost},
                   {"duplicates", dups},
                   {"order_violations", order},
                   {"seq_gaps", gaps},
                   {"unacked", unacked},
                   {"rejected", rejected},
                   {"error_frames", errs},
                   {"unexpected_closes", unexpected},
                   {"server_cpu_cores", srv_cpu0 >= 0 ? (srv_cpu1 - srv_cpu0) / dur : -1.0},
                   {"loadgen_cpu_cores", (self_cpu1 - self_cpu0) / dur},
                   {"server_rss_bytes", srv_rss}};
    print_json_result(c, std::move(j));
  }
  std::fflush(stdout);
  exit_code = (lost || dups || order || errs || unexpected) ? 1 : 0;
}

// ---------------------------------------------------------------------------------------
// fanout scenario

// One member's socket. Touched only on its strand, except the atomics, which the
// orchestrator polls.
struct FanConn : RawConn {
  explicit FanConn(asio::io_context& ioc) : RawConn(ioc), wake(strand), pace(strand) {}
  asio::steady_timer wake;  // the sender waits here while its window is full
  asio::steady_timer pace;  // --rate: the sender waits here for its next send slot

  // Receiving: the group's conversation only, so one seq line per socket.
  std::int64_t last_seq = -1;
  std::vector<std::uint8_t> got;  // indexed by seq: this socket learnt that message
  Latencies dlv_lat;
  std::uint64_t dlv_window = 0, duplicates = 0, order_violations = 0, system = 0, other = 0;
  std::atomic<std::uint64_t> delivered_total{0};

  // Sending (the first --senders members).
  std::string cmid_prefix;
  std::uint64_t next_counter = 0;
  std::unordered_map<std::uint64_t, Clock::time_point> inflight_map;
  std::vector<std::int64_t> acked_seqs;
  Latencies ack_lat;
  std::uint64_t sent = 0, sends_in_window = 0, acks_window = 0, unknown_acks = 0, rejected = 0,
                window_stalls = 0;
  std::atomic<std::uint64_t> inflight{0}, acked_total{0};
};

struct Fanout {
  std::string group_id, conv;
  std::vector<std::unique_ptr<FanConn>> conns;
  std::atomic<long> live{0};
};

std::int64_t scan_seq(std::string_view text, std::size_t from) {
  const auto sk = text.find(R"("seq":)", from);
  if (sk == std::string_view::npos) return -1;
  std::uint64_t seq = 0;
  std::size_t p = sk + 6, q = p;
  while (q < text.size() && text[q] >= '0' && text[q] <= '9') ++q;
  if (q == p || !parse_u64(text.substr(p, q - p), seq)) return -1;
  return std::int64_t(seq);
}

// Records that this socket learnt message `seq` (a message frame, or its own ack); false for
// a duplicate. Seqs must rise on every socket: the ack and the other senders' messages
// leave the server in commit order.
bool fan_track(FanConn& w, std::int64_t seq) {
  if (std::size_t(seq) >= w.got.size())
    w.got.resize(std::max<std::size_t>(std::size_t(seq) + 1, w.got.size() * 2), 0);
  if (w.got[std::size_t(seq)]) {
    ++w.duplicates;
    return false;
  }
  w.got[std::size_t(seq)] = 1;
  if (seq < w.last_seq)
    ++w.order_violations;
  else
    w.last_seq = seq;
  return true;
}

void fan_on_text(Ctx& c, FanConn& w, std::string_view text) {
  const auto now = Clock::now();
  const bool in_window = now >= c.t_meas0 && now < c.t_meas1;
  constexpr std::string_view kMessage = R"({"type":"message","message":{)";
  constexpr std::string_view kAck = R"({"type":"ack","clientMsgId":")";
  if (text.starts_with(kMessage)) {
    const auto seq = scan_seq(text, kMessage.size());
    if (seq < 0) {
      ++w.other;
      return;
    }
    if (!fan_track(w, seq)) return;
    std::uint64_t idx = 0, ctr = 0;
    std::int64_t ns = 0;
    if (!parse_body(scan_string(text, R"("body":")", kMessage.size()), idx, ctr, ns)) {
      ++w.system;  // a join announced late, or anything else not ours
      return;
    }
    ++w.delivered_total;
    if (in_window) {
      ++w.dlv_window;
      auto sent_at = Clock::time_point(
          std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(ns)));
      w.dlv_lat.add(micros_between(sent_at, now));
    }
    return;
  }
  if (text.starts_with(kAck)) {
    const auto e = text.find('"', kAck.size());
    const auto cmid = text.substr(kAck.size(), e == std::string_view::npos ? 0 : e - kAck.size());
    std::uint64_t ctr = 0;
    const auto seq = scan_seq(text, kAck.size());
    if (seq < 0 || !cmid.starts_with(w.cmid_prefix) ||
        !parse_u64(cmid.substr(w.cmid_prefix.size()), ctr)) {
      ++w.unknown_acks;
      return;
    }
    auto it = w.inflight_map.find(ctr);
    if (it == w.inflight_map.end()) {
      ++w.unknown_acks;
      return;
    }
    if (in_window) {
      ++w.acks_window;
      w.ack_lat.add(micros_between(it->second, now));
    }
    w.inflight_map.erase(it);
    w.inflight = w.inflight_map.size();
    fan_track(w, seq);
    w.acked_seqs.push_back(seq);
    ++w.acked_total;
    w.wake.cancel();
    return;
  }
  alignas(16) unsigned char arena[8192];
  json::monotonic_resource mr(arena, sizeof arena);
  Frame f;
  if (!parse_frame(text, f, mr) || f.type != "error") {
    ++w.other;  // group-updated and the like
    return;
  }
  record_error_frame(c, *f.obj);
  std::string_view ref = str_field(*f.obj, "ref");
  std::uint64_t ctr = 0;
  if (ref.starts_with(w.cmid_prefix) && parse_u64(ref.substr(w.cmid_prefix.size()), ctr) &&
      w.inflight_map.erase(ctr)) {
    ++w.rejected;
    w.inflight = w.inflight_map.size();
    w.wake.cancel();
  }
}

awaitable<void> fan_session(Ctx& c, Fanout& f, FanConn& w) {
  if (co_await raw_open(c, w)) {
    co_await raw_read_until_closed(
        c, w, [&c, &w](std::string_view text) { fan_on_text(c, w, text); },
        [&c] { return bool(c.closing); });
    w.wake.cancel();
  }
  --f.live;
}

awaitable<void> fan_writer(Ctx& c, FanConn& w, std::size_t senders, const std::string& conv) {
  const std::size_t window = std::size_t(c.opt.window);
  const std::string head = R"({"type":"send","clientMsgId":")" + w.cmid_prefix;
  const std::string mid = R"(","conversationId":")" + conv + R"(","body":")";
  const std::string tail = R"(","msgType":"text"})";
  std::string frame;
  error_code ec;
  // --rate R: open loop, each sender sends every senders/R seconds (staggered start).
  Pacer pacer = make_pacer(c.t_begin, c.opt.rate, w.index, senders);
  const bool paced = pacer.paced();
  bool stalled = false;
  for (;;) {
    auto now = Clock::now();
    if (now >= c.t_meas1 || !w.open) break;
    if (paced && now < pacer.next) {
      w.pace.expires_at(std::min(pacer.next, c.t_meas1));
      co_await w.pace.async_wait(tok(ec));
      continue;
    }
    if (w.inflight_map.size() >= window) {
      if (paced && !stalled) {
        stalled = true;
        if (now >= c.t_meas0) ++w.window_stalls;
      }
      w.wake.expires_at(c.t_meas1);
      co_await w.wake.async_wait(tok(ec));
      continue;
    }
    stalled = false;
    if (paced) pacer.take(now);
    const std::uint64_t ctr = w.next_counter++;
    frame.clear();
    frame += head;
    frame += std::to_string(ctr);
    frame += mid;
    frame += make_body(
        w.index, ctr,
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count(),
        c.opt.body_bytes);
    frame += tail;
    w.inflight_map.emplace(ctr, now);
    w.inflight = w.inflight_map.size();
    raw_queue(w, 0x1, frame);
    ++w.sent;
    if (now >= c.t_meas0) ++w.sends_in_window;
  }
}

// POST with the user's token, retrying transport errors, 5xx and 429. The response or "".
awaitable<std::optional<HttpResult>> post_as(Ctx& c, const Account& a, std::string target,
                                             std::string body, std::string& error) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    HttpResult r = co_await http_request(c, http::verb::post, target, body, a.token);
    if (r.error.empty() && r.status < 300) co_return r;
    if (r.error.empty() && r.status < 500 && r.status != 429) {
      error = a.login + " POST " + target + ": HTTP " + std::to_string(r.status) + " " +
              r.body.substr(0, 200);
      co_return std::nullopt;
    }
    error = a.login + " POST " + target + ": " +
            (r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error);
    co_await sleep_for(std::chrono::milliseconds(r.status == 429 ? 1000 : 100 * (attempt + 1)));
  }
  co_return std::nullopt;
}

// The first account creates a public group; every other one joins it, K joins in flight.
awaitable<std::string> fan_setup_group(Ctx& c, Fanout& f, std::size_t members) {
  std::string error;
  json::object body{{"name", "fanout " + c.run_id},
                    {"settings", json::object{{"isPublic", true},
                                              {"maxMembers", std::max<std::size_t>(members, 2)}}}};
  auto created = co_await post_as(c, c.accounts[0], "/api/groups", json::serialize(body), error);
  if (!created) co_return error;
  error_code ec;
  json::value v = json::parse(created->body, ec);
  const json::value* g = ec || !v.is_object() ? nullptr : v.as_object().if_contains("group");
  const json::value* id = g && g->is_object() ? g->as_object().if_contains("id") : nullptr;
  if (!id || !id->is_string()) co_return "create group: unexpected body " + created->body;
  f.group_id = std::string(sv(id->as_string()));
  f.conv = "grp_" + f.group_id;

  std::size_t next = 1, done = 1;
  std::vector<std::string> errors;
  const std::string target = "/api/groups/" + f.group_id + "/join";
  auto ex = co_await asio::this_coro::executor;
  const auto t0 = Clock::now();
  for (int k = 0; k < c.opt.join_concurrency; ++k) {
    asio::co_spawn(
        ex,
        [&]() -> awaitable<void> {
          while (next < members) {
            const std::size_t i = next++;
            std::string err;
            if (!co_await post_as(c, c.accounts[i], target, "", err)) errors.push_back(err);
            ++done;
          }
        },
        asio::detached);
  }
  co_await wait_until(
      [&] { return done == members; }, Clock::time_point::max(),
      [&] { log("joins: " + std::to_string(done) + "/" + std::to_string(members)); });
  log(std::to_string(members - 1 - errors.size()) + " members joined " + f.conv + " in " +
      fmt("%.1f s", seconds_between(t0, Clock::now())));
  co_return errors.empty() ? std::string() : errors.front();
}

awaitable<void> run_fanout(Ctx& c, int& exit_code) {
  const Options& o = c.opt;
  const std::size_t n = std::size_t(o.members);
  const std::size_t senders = std::size_t(o.senders);
  Fanout f;

  if (!co_await login_or_report(c, n, "fanout")) {
    exit_code = 1;
    co_return;
  }
  if (auto err = co_await fan_setup_group(c, f, n); !err.empty()) {
    std::printf("fanout: group setup failed: %s\n", err.c_str());
    exit_code = 1;
    co_return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto w = std::make_unique<FanConn>(c.ioc);
    w->index = i;
    w->user = i;
    w->cmid_prefix = c.run_id + "-" + std::to_string(i) + "-";
    f.conns.push_back(std::move(w));
  }
  co_await raw_open_all(c, n, [&](std::size_t i) {
    FanConn& w = *f.conns[i];
    ++f.live;
    asio::co_spawn(w.strand, fan_session(c, f, w), asio::detached);
  });
  if (c.failed > 0) {
    std::printf("fanout: %ld of %zu WebSocket connections failed\n", long(c.failed), n);
    print_errors(c);
    co_await raw_close_all(c, f.conns, f.live, std::chrono::seconds(5));
    exit_code = 1;
    co_return;
  }
  log("all " + std::to_string(n) + " members online; " + std::to_string(senders) + " senders for " +
      fmt("%.1f s", o.warmup_s) + " warmup + " + fmt("%.1f s", o.duration_s) + " measured");

  c.t_begin = Clock::now() + std::chrono::milliseconds(50);
  c.t_meas0 = c.t_begin + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(o.warmup_s));
  c.t_meas1 = c.t_meas0 + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(o.duration_s));
  for (std::size_t i = 0; i < senders; ++i) {
    FanConn& w = *f.conns[i];
    asio::co_spawn(
        w.strand,
        [&c, &w, &f, senders]() -> awaitable<void> {
          asio::steady_timer t(w.strand, c.t_begin);
          error_code ec;
          co_await t.async_wait(tok(ec));
          co_await fan_writer(c, w, senders, f.conv);
        },
        asio::detached);
  }

  auto sum = [&](auto member) {
    std::uint64_t s = 0;
    for (auto& wp : f.conns) s += ((*wp).*member).load();
    return s;
  };
  co_await wait_until([&] { return Clock::now() >= c.t_meas0; }, c.t_meas0);
  const double srv_cpu0 = o.server_pid ? proc_cpu_seconds(o.server_pid) : -1;
  const double self_cpu0 = proc_cpu_seconds(0);
  co_await wait_until([&] { return Clock::now() >= c.t_meas1; }, c.t_meas1,
                      [&] {
                        log("acked so far: " + std::to_string(sum(&FanConn::acked_total)) +
                            ", delivered " + std::to_string(sum(&FanConn::delivered_total)) +
                            ", open sockets " + std::to_string(c.open_now.load()));
                      });
  const double srv_cpu1 = o.server_pid ? proc_cpu_seconds(o.server_pid) : -1;
  const double self_cpu1 = proc_cpu_seconds(0);
  const long long srv_rss = o.server_pid ? proc_rss_bytes(o.server_pid) : -1;

  // Drain: everything acked, and every acked message delivered to every other member.
  const auto t_drain0 = Clock::now();
  co_await wait_until(
      [&] {
        return sum(&FanConn::inflight) == 0 &&
               sum(&FanConn::delivered_total) >= (n - 1) * sum(&FanConn::acked_total);
      },
      Clock::now() +
          std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.drain_s)));
  const double drain_s = seconds_between(t_drain0, Clock::now());
  co_await raw_close_all(c, f.conns, f.live, std::chrono::seconds(10));

  // Every session has ended: merge per-socket data.
  Latencies ack_lat, dlv_lat;
  std::uint64_t sent = 0, sends_w = 0, acked = 0, delivered = 0, acks_w = 0, dlv_w = 0, dups = 0,
                order = 0, system = 0, other = 0, unknown_acks = 0, rejected = 0, unacked = 0,
                lost = 0, stalls = 0;
  for (auto& wp : f.conns) {
    FanConn& w = *wp;
    sent += w.sent;
    sends_w += w.sends_in_window;
    stalls += w.window_stalls;
    acked += w.acked_total;
    delivered += w.delivered_total;
    acks_w += w.acks_window;
    dlv_w += w.dlv_window;
    dups += w.duplicates;
    order += w.order_violations;
    system += w.system;
    other += w.other;
    unknown_acks += w.unknown_acks;
    rejected += w.rejected;
    unacked += w.inflight_map.size();
    ack_lat.merge(w.ack_lat);
    dlv_lat.merge(w.dlv_lat);
  }
  // Lost: an acked message some other member never got.
  for (auto& sp : f.conns) {
    for (auto seq : sp->acked_seqs) {
      for (auto& wp : f.conns) {
        if (wp.get() == sp.get()) continue;
        if (std::size_t(seq) >= wp->got.size() || !wp->got[std::size_t(seq)]) ++lost;
      }
    }
  }
  ack_lat.finish();
  dlv_lat.finish();
  const double dur = o.duration_s;
  const double ack_rate = double(acks_w) / dur;
  const double dlv_rate = double(dlv_w) / dur;
  const long unexpected = c.unexpected_closes;
  const long errs = c.error_frames;
  const bool met = dlv_rate >= 300000 && dlv_lat.percentile_ms(0.99) <= 50;

  std::printf(
      "\n== fanout: %zu members online, %zu senders, window %d, %d-byte bodies, %s, %.1f s "
      "measured after %.1f s warmup ==\n",
      n, senders, o.window, o.body_bytes,
      o.rate > 0 ? fmt("offered %.0f msgs/s", o.rate).c_str() : "maximum rate", o.duration_s,
      o.warmup_s);
  std::printf("  %-30s %12s %10s %10s %10s %10s %10s\n", "", "count", "per s", "p50 ms", "p99 ms",
              "p99.9 ms", "max ms");
  std::printf("  %-30s %12llu %10.0f %10.2f %10.2f %10.2f %10.2f\n", "acks (send -> ack)",
              (unsigned long long)acks_w, ack_rate, ack_lat.percentile_ms(0.50),
              ack_lat.percentile_ms(0.99), ack_lat.percentile_ms(0.999), ack_lat.max_ms());
  std::printf("  %-30s %12llu %10.0f %10.2f %10.2f %10.2f %10.2f\n", "deliveries (send -> member)",
              (unsigned long long)dlv_w, dlv_rate, dlv_lat.percentile_ms(0.50),
              dlv_lat.percentile_ms(0.99), dlv_lat.percentile_ms(0.999), dlv_lat.max_ms());
  std::printf("  %-30s %llu sent, %llu acked, %llu delivered to members\n", "totals (incl. warmup)",
              (unsigned long long)sent, (unsigned long long)acked, (unsigned long long)delivered);
  std::printf("  %-30s %llu\n", "lost (acked, not delivered)", (unsigned long long)lost);
  std::printf("  %-30s %llu\n", "duplicates", (unsigned long long)dups);
  std::printf("  %-30s %llu\n", "order violations", (unsigned long long)order);
  std::printf("  %-30s %llu (after %.2f s drain)\n", "never acked", (unsigned long long)unacked,
              drain_s);
  std::printf("  %-30s %ld (%llu rejected sends)\n", "error frames", errs,
              (unsigned long long)rejected);
  std::printf("  %-30s %ld\n", "unexpected closes", unexpected);
  if (system || other || unknown_acks)
    std::printf("  %-30s %llu system messages, %llu other frames, %llu unknown acks\n",
                "other frames", (unsigned long long)system, (unsigned long long)other,
                (unsigned long long)unknown_acks);
  if (o.rate > 0)
    std::printf("  %-30s %.0f msgs/s offered, %.0f sent; %llu send slots waited for the window\n",
                "offered load", o.rate, double(sends_w) / dur, (unsigned long long)stalls);
  if (srv_cpu0 >= 0 && srv_cpu1 >= 0)
    std::printf("  %-30s %.2f cores (%.1f CPU s)\n", "server CPU (measured period)",
                (srv_cpu1 - srv_cpu0) / dur, srv_cpu1 - srv_cpu0);
  std::printf("  %-30s %.2f cores\n", "loadgen CPU (measured period)",
              (self_cpu1 - self_cpu0) / dur);
  if (srv_rss >= 0) std::printf("  %-30s %s\n", "server RSS at end", fmt_bytes(srv_rss).c_str());
  std::printf("  %-30s >= 300000 deliveries/s with delivery p99 <= 50 ms: %s\n", "target",
              met ? "met" : "MISSED");
  print_errors(c);

  if (o.json) {
    auto lat = [](const Latencies& l) {
      return json::object{{"count", l.count()},
                          {"p50_ms", l.percentile_ms(0.5)},
                          {"p99_ms", l.percentile_ms(0.99)},
                          {"p999_ms", l.percentile_ms(0.999)},
                          {"max_ms", l.max_ms()},
                          {"mean_ms", l.mean_ms()}};
    };
    json::object j{{"scenario", "fanout"},
                   {"members", n},
                   {"senders", senders},
                   {"window", o.window},
                   {"offered_rate", o.rate},
                   {"sends_per_second", double(sends_w) / dur},
                   {"window_stalls", stalls},
                   {"body_bytes", o.body_bytes},
                   {"warmup_seconds", o.warmup_s},
                   {"duration_seconds", o.duration_s},
                   {"acks_per_second", ack_rate},
                   {"deliveries_per_second", dlv_rate},
                   {"ack_latency", lat(ack_lat)},
                   {"delivery_latency", lat(dlv_lat)},
                   {"sent", sent},
                   {"acked", acked},
                   {"delivered", delivered},
                   {"lost", lost},
                   {"duplicates", dups},
                   {"order_violations", order},
                   {"unacked", unacked},
                   {"rejected", rejected},
                   {"error_frames", errs},
                   {"unexpected_closes", unexpected},
                   {"server_cpu_cores", srv_cpu0 >= 0 ? (srv_cpu1 - srv_cpu0) / dur : -1.0},
                   {"loadgen_cpu_cores", (self_cpu1 - self_cpu0) / dur},
                   {"server_rss_bytes", srv_rss}};
    print_json_result(c, std::move(j));
  }
  std::fflush(stdout);
  exit_code = (lost || dups || order || errs || unexpected || unacked) ? 1 : 0;
}

// ---------------------------------------------------------------------------------------
// presence scenario
//
// U users, one raw socket each, friends on a ring (admin create-friendships: user i has the
// F/2 users on each side of it). Once all are online and the start-up events have arrived,
// --churn users a second close their socket (a close frame) and reconnect --offline-ms
// later. With the server's presence grace at 0 each churn is two transitions, offline and
// online, and each should reach every friend that is online. Every presence frame is checked
// as it arrives (a subject that is not the receiver's friend is an error); after the run each
// transition is matched against the frames of every friend that stayed connected from the
// churn's close until --settle after its reconnect: missing and duplicate events are counted.

struct PresEvent {
  std::uint32_t subject;
  bool online;      // else offline (away is never sent here)
  std::int64_t us;  // received, µs since the scenario's t0
};

// One churn of one user, in µs since t0. open_us < 0: never came back.
struct PresCycle {
  std::int64_t close_us = 0, reopen_us = -1, open_us = -1;
};

struct PresConn : RawConn {
  explicit PresConn(asio::io_context& ioc) : RawConn(ioc), pause(strand) {}
  asio::steady_timer pause;  // away between a churn's close and its reconnect
  bool leaving = false;      // this session's end was asked for (a churn)
  std::vector<PresEvent> events;
  std::vector<PresCycle> cycles;
  std::uint64_t not_friend = 0, unknown_subject = 0, other = 0;
  std::atomic<std::uint64_t> frames_total{0};
};

struct PresenceRun {
  Clock::time_point t0;
  std::size_t n = 0, half = 0;
  std::vector<std::unique_ptr<PresConn>> conns;
  std::unordered_map<std::string, std::uint32_t> index_of;  // user id → index
  std::atomic<long> live{0}, skipped{0}, reconnect_failures{0};
  std::atomic<std::uint64_t> closes_window{0}, opens_window{0};

  std::int64_t us(Clock::time_point t) const { return micros_between(t0, t); }
  // Friends on the ring: within `half` steps either way.
  bool friends(std::size_t a, std::size_t b) const {
    const std::size_t d = (a + n - b) % n;
    return d != 0 && (d <= half || d >= n - half);
  }
};

void pres_on_text(Ctx& c, PresenceRun& p, PresConn& w, std::string_view text) {
  constexpr std::string_view kPresence = R"({"type":"presence","userId":")";
  if (!text.starts_with(kPresence)) {
    alignas(16) unsigned char arena[4096];
    json::monotonic_resource mr(arena, sizeof arena);
    Frame f;
    if (parse_frame(text, f, mr) && f.type == "error")
      record_error_frame(c, *f.obj);
    else
      ++w.other;
    return;
  }
  const auto now = Clock::now();
  const auto id = scan_string(text, R"("userId":")", 0);
  const auto status = scan_string(text, R"("status":")", kPresence.size());
  const auto it = p.index_of.find(std::string(id));
  if (it == p.index_of.end() || (status != "online" && status != "offline")) {
    ++w.unknown_subject;
    return;
  }
  if (!p.friends(it->second, w.index)) ++w.not_friend;
  w.events.push_back(
      PresEvent{.subject = it->second, .online = status == "online", .us = p.us(now)});
  ++w.frames_total;
}

// A churn, on w's strand: close now, come back after --offline-ms (pres_session does).
void pres_leave(Ctx& c, PresenceRun& p, PresConn& w) {
  if (!w.open || w.leaving || c.closing) {
    ++p.skipped;  // still away from its previous churn
    return;
  }
  const auto now = Clock::now();
  w.leaving = true;
  w.cycles.push_back(PresCycle{.close_us = p.us(now)});
  if (now >= c.t_meas0 && now < c.t_meas1) ++p.closes_window;
  raw_queue(w, 0x8, kCloseNormal);
}

awaitable<void> pres_session(Ctx& c, PresenceRun& p, PresConn& w) {
  const TextHandler on_text = [&c, &p, &w](std::string_view t) { pres_on_text(c, p, w, t); };
  while (co_await raw_open(c, w)) {
    const auto now = Clock::now();
    if (!w.cycles.empty()) {
      w.cycles.back().open_us = p.us(now);
      if (now >= c.t_meas0 && now < c.t_meas1) ++p.opens_window;
    }
    w.leaving = false;
    co_await raw_read_until_closed(c, w, on_text, [&] { return w.leaving || bool(c.closing); });
    if (!w.leaving || c.closing) break;
    // Churned: stay away, and let the old socket's write loop finish before reopening.
    error_code ec;
    w.pause.expires_at(p.t0 + std::chrono::microseconds(w.cycles.back().close_us) +
                       std::chrono::milliseconds(c.opt.offline_ms));
    co_await w.pause.async_wait(tok(ec));
    while (w.writing) co_await sleep_for(std::chrono::milliseconds(1));
    if (c.closing) break;
    w.cycles.back().reopen_us = p.us(Clock::now());
  }
  if (!w.cycles.empty() && w.cycles.back().open_us < 0 && !c.closing) ++p.reconnect_failures;
  --p.live;
}

// What the friends of churned users received, against what they should have.
struct PresCheck {
  std::uint64_t cycles = 0, never_back = 0, expected = 0, missing_offline = 0, missing_online = 0,
                duplicates = 0, out_of_order = 0;
  Latencies offline_lat, online_lat;  // from the close / from the start of the reconnect
};

PresCheck pres_check(const PresenceRun& p, std::int64_t end_us, std::int64_t settle_us) {
  PresCheck r;
  // f was connected all through [from, to]: none of its own churns overlaps it.
  auto stayed = [&](std::size_t f, std::int64_t from, std::int64_t to) {
    for (const auto& fc : p.conns[f]->cycles) {
      const std::int64_t back = fc.open_us < 0 ? end_us : fc.open_us;
      if (fc.close_us <= to && back >= from) return false;
    }
    return true;
  };
  for (std::size_t u = 0; u < p.n; ++u) {
    const auto& cycles = p.conns[u]->cycles;
    for (std::size_t k = 0; k < cycles.size(); ++k) {
      const PresCycle& cy = cycles[k];
      ++r.cycles;
      if (cy.open_us < 0) {
        ++r.never_back;
        continue;
      }
      std::int64_t to = std::min(cy.open_us + settle_us, end_us);
      if (k + 1 < cycles.size()) to = std::min(to, cycles[k + 1].close_us);
      for (std::size_t d = 1; d <= p.half; ++d) {
        for (const std::size_t f : {(u + d) % p.n, (u + p.n - d) % p.n}) {
          if (!stayed(f, cy.close_us, to)) continue;
          r.expected += 2;
          const auto& ev = p.conns[f]->events;  // in arrival order
          auto e = std::lower_bound(ev.begin(), ev.end(), cy.close_us,
                                    [](const PresEvent& x, std::int64_t t) { return x.us < t; });
          int offline = 0, online = 0;
          for (; e != ev.end() && e->us <= to; ++e) {
            if (e->subject != u) continue;
            if (e->online) {
              if (++online == 1) r.online_lat.add(e->us - cy.reopen_us);
            } else {
              if (online > 0) ++r.out_of_order;
              if (++offline == 1) r.offline_lat.add(e->us - cy.close_us);
            }
          }
          if (offline == 0) ++r.missing_offline;
          if (online == 0) ++r.missing_online;
          r.duplicates += std::uint64_t(std::max(offline - 1, 0) + std::max(online - 1, 0));
        }
      }
    }
  }
  r.offline_lat.finish();
  r.online_lat.finish();
  return r;
}

awaitable<void> run_presence(Ctx& c, int& exit_code) {
  const Options& o = c.opt;
  PresenceRun p;
  p.n = std::size_t(o.user_count);
  p.half = std::size_t(o.friends / 2);
  if (!co_await login_or_report(c, p.n, "presence")) {
    exit_code = 1;
    co_return;
  }
  for (std::size_t i = 0; i < p.n; ++i) {
    p.index_of.emplace(c.accounts[i].id, std::uint32_t(i));
    auto w = std::make_unique<PresConn>(c.ioc);
    w->index = i;
    w->user = i;
    p.conns.push_back(std::move(w));
  }
  auto frames = [&] {
    std::uint64_t s = 0;
    for (auto& wp : p.conns) s += wp->frames_total.load();
    return s;
  };

  // Everyone online. Each friendship yields at least one online event: the later of the two
  // to connect is announced to the earlier.
  p.t0 = Clock::now();
  const double cpu_connect0 = o.server_pid ? proc_cpu_seconds(o.server_pid) : -1;
  co_await raw_open_all(c, p.n, [&](std::size_t i) {
    PresConn& w = *p.conns[i];
    ++p.live;
    asio::co_spawn(w.strand, pres_session(c, p, w), asio::detached);
  });
  const double connect_s = seconds_between(p.t0, Clock::now());
  if (c.failed > 0) {
    std::printf("presence: %ld of %zu WebSocket connections failed\n", long(c.failed), p.n);
    print_errors(c);
    co_await raw_close_all(c, p.conns, p.live, std::chrono::seconds(5));
    exit_code = 1;
    co_return;
  }
  const std::uint64_t setup_expected = std::uint64_t(p.n * p.half);
  co_await wait_until([&] { return frames() >= setup_expected; },
                      Clock::now() + std::chrono::seconds(60),
                      [&] {
                        log("start-up presence frames: " + std::to_string(frames()) + "/" +
                            std::to_string(setup_expected));
                      });
  co_await sleep_for(std::chrono::seconds(1));
  const std::uint64_t setup_frames = frames();
  const double cpu_connect1 = o.server_pid ? proc_cpu_seconds(o.server_pid) : -1;
  const long long rss_online = o.server_pid ? proc_rss_bytes(o.server_pid) : -1;
  log("all " + std::to_string(p.n) + " online, " + std::to_string(setup_frames) +
      " start-up presence frames; churning " + fmt("%.0f users/s", o.churn) + " for " +
      fmt("%.1f s", o.warmup_s) + " warmup + " + fmt("%.1f s", o.duration_s) + " measured");

  // Churn: walk a random permutation, one user per slot.
  std::vector<std::size_t> order(p.n);
  for (std::size_t i = 0; i < p.n; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937_64(12345));
  c.t_begin = Clock::now() + std::chrono::milliseconds(50);
  c.t_meas0 = c.t_begin + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(o.warmup_s));
  c.t_meas1 = c.t_meas0 + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(o.duration_s));
  Pacer pacer = make_pacer(c.t_begin, o.churn, 0, 1);
  double srv_cpu0 = -1, self_cpu0 = -1;
  std::size_t next = 0;
  asio::steady_timer slot(co_await asio::this_coro::executor);
  for (;;) {
    const auto now = Clock::now();
    if (self_cpu0 < 0 && now >= c.t_meas0) {
      srv_cpu0 = o.server_pid ? proc_cpu_seconds(o.server_pid) : -1;
      self_cpu0 = proc_cpu_seconds(0);
    }
    if (now >= c.t_meas1) break;
    if (!pacer.paced() || now < pacer.next) {
      slot.expires_at(pacer.paced() ? std::min(pacer.next, c.t_meas1) : c.t_meas1);
      error_code ec;
      co_await slot.async_wait(tok(ec));
      continue;
    }
    pacer.take(now);
    PresConn& w = *p.conns[order[next++ % p.n]];
    asio::post(w.strand, [&c, &p, &w] { pres_leave(c, p, w); });
  }
  const double srv_cpu1 = o.server_pid ? proc_cpu_seconds(o.server_pid) : -1;
  const double self_cpu1 = proc_cpu_seconds(0);
  const long long srv_rss = o.server_pid ? proc_rss_bytes(o.server_pid) : -1;

  // Let the last churns come back and their events arrive, then close everything.
  co_await wait_until([&] { return c.open_now + p.reconnect_failures >= long(p.n); },
                      Clock::now() + std::chrono::seconds(30));
  co_await sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::duration<double>(o.settle_s)));
  const std::int64_t end_us = p.us(Clock::now());
  co_await raw_close_all(c, p.conns, p.live, std::chrono::seconds(15));

  // Every session has ended: check and merge.
  const PresCheck chk = pres_check(p, end_us, std::int64_t(o.settle_s * 1e6));
  const std::int64_t m0 = p.us(c.t_meas0), m1 = p.us(c.t_meas1);
  std::uint64_t frames_window = 0, not_friend = 0, unknown = 0, other = 0;
  for (auto& wp : p.conns) {
    for (const auto& e : wp->events) frames_window += (e.us >= m0 && e.us < m1);
    not_friend += wp->not_friend;
    unknown += wp->unknown_subject;
    other += wp->other;
  }
  const double dur = o.duration_s;
  const std::uint64_t transitions = p.closes_window + p.opens_window;
  const double srv_cpu = srv_cpu0 >= 0 ? srv_cpu1 - srv_cpu0 : -1;
  const double us_per_transition =
      srv_cpu >= 0 && transitions ? srv_cpu * 1e6 / double(transitions) : -1;
  const double us_per_frame =
      srv_cpu >= 0 && frames_window ? srv_cpu * 1e6 / double(frames_window) : -1;
  const long errs = c.error_frames, unexpected = c.unexpected_closes;
  const std::uint64_t missing = chk.missing_offline + chk.missing_online;

  std::printf(
      "\n== presence: %zu users online, %d friends each, churn %.0f users/s (offline %d ms), "
      "%.1f s measured after %.1f s warmup ==\n",
      p.n, o.friends, o.churn, o.offline_ms, o.duration_s, o.warmup_s);
  std::printf("  %-34s %.1f s; %llu start-up presence frames (>= %llu expected)\n", "all online in",
              connect_s, (unsigned long long)setup_frames, (unsigned long long)setup_expected);
  if (cpu_connect0 >= 0)
    std::printf("  %-34s %.2f s\n", "server CPU, connects + start-up", cpu_connect1 - cpu_connect0);
  std::printf("  %-34s %.0f /s (%llu offline + %llu online)\n", "transitions (measured)",
              double(transitions) / dur, (unsigned long long)p.closes_window.load(),
              (unsigned long long)p.opens_window.load());
  std::printf("  %-34s %.0f /s (%.1f per transition)\n", "presence frames received",
              double(frames_window) / dur,
              transitions ? double(frames_window) / double(transitions) : 0.0);
  if (srv_cpu >= 0) {
    std::printf("  %-34s %.2f cores (%.2f CPU s)\n", "server CPU (measured period)", srv_cpu / dur,
                srv_cpu);
    std::printf("  %-34s %.1f µs per transition, %.2f µs per presence frame\n", "server CPU",
                us_per_transition, us_per_frame);
  }
  std::printf("  %-34s %.2f cores\n", "loadgen CPU (measured period)",
              (self_cpu1 - self_cpu0) / dur);
  std::printf("  %-34s %s online, %s at end of churn\n", "server RSS",
              fmt_bytes(rss_online).c_str(), fmt_bytes(srv_rss).c_str());
  std::printf("  %-34s %.2f / %.2f / %.2f ms (p50 / p99 / max)\n", "offline event after close",
              chk.offline_lat.percentile_ms(0.5), chk.offline_lat.percentile_ms(0.99),
              chk.offline_lat.max_ms());
  std::printf("  %-34s %.2f / %.2f / %.2f ms\n", "online event after reconnect start",
              chk.online_lat.percentile_ms(0.5), chk.online_lat.percentile_ms(0.99),
              chk.online_lat.max_ms());
  std::printf("  %-34s %llu churns (%ld skipped: user still away), %llu never back\n", "cycles",
              (unsigned long long)chk.cycles, long(p.skipped), (unsigned long long)chk.never_back);
  std::printf("  %-34s %llu expected, %llu missing offline, %llu missing online\n",
              "events to friends online throughout", (unsigned long long)chk.expected,
              (unsigned long long)chk.missing_offline, (unsigned long long)chk.missing_online);
  std::printf("  %-34s %llu duplicates, %llu online before offline\n", "",
              (unsigned long long)chk.duplicates, (unsigned long long)chk.out_of_order);
  std::printf("  %-34s %llu from non-friends, %llu unknown users, %llu other frames\n",
              "presence errors", (unsigned long long)not_friend, (unsigned long long)unknown,
              (unsigned long long)other);
  std::printf("  %-34s %ld error frames, %ld unexpected closes, %ld failed reconnects\n", "", errs,
              unexpected, long(p.reconnect_failures));
  print_errors(c);

  if (o.json) {
    auto lat = [](const Latencies& l) {
      return json::object{{"count", l.count()},
                          {"p50_ms", l.percentile_ms(0.5)},
                          {"p99_ms", l.percentile_ms(0.99)},
                          {"max_ms", l.max_ms()}};
    };
    json::object j{
        {"scenario", "presence"},
        {"users", p.n},
        {"friends_per_user", o.friends},
        {"churn_per_second", o.churn},
        {"offline_ms", o.offline_ms},
        {"warmup_seconds", o.warmup_s},
        {"duration_seconds", dur},
        {"connect_seconds", connect_s},
        {"startup_frames", setup_frames},
        {"startup_server_cpu_seconds", cpu_connect0 >= 0 ? cpu_connect1 - cpu_connect0 : -1.0},
        {"offline_transitions", p.closes_window.load()},
        {"online_transitions", p.opens_window.load()},
        {"transitions_per_second", double(transitions) / dur},
        {"presence_frames_per_second", double(frames_window) / dur},
        {"server_cpu_cores", srv_cpu >= 0 ? srv_cpu / dur : -1.0},
        {"server_cpu_us_per_transition", us_per_transition},
        {"server_cpu_us_per_frame", us_per_frame},
        {"loadgen_cpu_cores", (self_cpu1 - self_cpu0) / dur},
        {"server_rss_online_bytes", rss_online},
        {"server_rss_bytes", srv_rss},
        {"offline_latency", lat(chk.offline_lat)},
        {"online_latency", lat(chk.online_lat)},
        {"cycles", chk.cycles},
        {"skipped", long(p.skipped)},
        {"never_back", chk.never_back},
        {"expected_events", chk.expected},
        {"missing_offline", chk.missing_offline},
        {"missing_online", chk.missing_online},
        {"duplicates", chk.duplicates},
        {"out_of_order", chk.out_of_order},
        {"not_friend", not_friend},
        {"unknown_subject", unknown},
        {"error_frames", errs},
        {"unexpected_closes", unexpected},
        {"reconnect_failures", long(p.reconnect_failures)}};
    print_json_result(c, std::move(j));
  }
  std::fflush(stdout);
  exit_code = (not_friend || unknown || errs || unexpected || missing || chk.duplicates ||
               chk.out_of_order || p.reconnect_failures || chk.never_back)
                  ? 1
                  : 0;
}

std::string random_run_id() {
  std::random_device rd;
  std::uniform_int_distribution<unsigned> dist(0, 15);
  std::string s;
  for (int i = 0; i < 8; ++i) s.push_back("0123456789abcdef"[dist(rd)]);
  return s;
}

void raise_fd_limit(long want) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur != RLIM_INFINITY && long(rl.rlim_cur) < want + 64)
    log("warning: open-file limit " + std::to_string(rl.rlim_cur) + " is below " +
        std::to_string(want + 64) + "; raise it (ulimit -n) or expect 'Too many open files'");
}

}  // namespace

int run(int argc, char** argv) {
  Ctx c(parse_options(argc, argv));
  const Options& o = c.opt;
  raise_fd_limit(o.scenario == "conns"      ? o.count
                 : o.scenario == "fanout"   ? long(o.members)
                 : o.scenario == "presence" ? long(o.user_count)
                                            : 2L * o.pairs);
  c.run_id = random_run_id();
  c.host_header = o.host + ":" + o.port;
  for (const auto& s : o.sources) {
    error_code ec;
    auto a = asio::ip::make_address(s, ec);
    if (ec) {
      std::fprintf(stderr, "gopherchat-loadgen: --sources: bad address '%s'\n", s.c_str());
      return 2;
    }
    c.sources.push_back(a);
  }
  {
    tcp::resolver res(c.ioc);
    error_code ec;
    auto eps = res.resolve(o.host, o.port, ec);
    if (ec || eps.empty()) {
      std::fprintf(stderr, "gopherchat-loadgen: cannot resolve %s:%s: %s\n", o.host.c_str(),
                   o.port.c_str(), ec.message().c_str());
      return 2;
    }
    c.server = eps.begin()->endpoint();
    for (const auto& [host, port] : o.peers) {
      auto peer = res.resolve(host, port, ec);
      if (ec || peer.empty()) {
        std::fprintf(stderr, "gopherchat-loadgen: cannot resolve %s:%s\n", host.c_str(),
                     port.c_str());
        return 2;
      }
      c.peers.push_back(peer.begin()->endpoint());
    }
  }
  if (o.server_pid && proc_rss_bytes(o.server_pid) < 0)
    log("warning: cannot read /proc/" + std::to_string(o.server_pid) + "/status");

  int exit_code = 1;
  auto main_strand = asio::make_strand(c.ioc);
  asio::co_spawn(
      main_strand,
      [&]() -> awaitable<void> {
        try {
          if (o.scenario == "conns")
            co_await run_conns(c, exit_code);
          else if (o.scenario == "fanout")
            co_await run_fanout(c, exit_code);
          else if (o.scenario == "presence")
            co_await run_presence(c, exit_code);
          else
            co_await run_dm(c, exit_code);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "gopherchat-loadgen: %s\n", e.what());
          exit_code = 1;
        }
        c.ioc.stop();
      },
      asio::detached);

  std::vector<std::thread> threads;
  for (int i = 1; i < o.threads; ++i) threads.emplace_back([&] { c.ioc.run(); });
  c.ioc.run();
  for (auto& t : threads) t.join();
  if (o.server_pid && !proc_alive(o.server_pid))
    std::printf("WARNING: server process %ld is gone\n", o.server_pid);
  std::fflush(stdout);
  std::fflush(stderr);
  // Skip tearing down thousands of sockets and suspended coroutine frames: the process ends.
  std::_Exit(exit_code);
}

}  // namespace loadgen

int main(int argc, char** argv) {
  return loadgen::run(argc, argv);
}

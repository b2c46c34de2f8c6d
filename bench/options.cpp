#include "options.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <tuple>

namespace loadgen {
namespace {

constexpr const char* kUsage = R"(usage:
  gopherchat-loadgen conns --url http://HOST:PORT --count N [options]
      Log in users, open N authenticated WebSockets, ping/pong every one, report server RSS.
  gopherchat-loadgen dm --url http://HOST:PORT --pairs P [options]
      P pairs of users exchange direct messages at maximum rate with W messages in flight.
  gopherchat-loadgen fanout --url http://HOST:PORT --members N --senders S [options]
      N users in one public group, all online; S of them send into it with W in flight each.
  gopherchat-loadgen presence --url http://HOST:PORT --user-count U --friends F --churn C [options]
      U users online (friends on a ring, see admin create-friendships); C a second go offline
      and come back: presence events per transition, server CPU per transition.

common options:
  --url URL               server base URL (http only)               (required)
  --users PREFIX          user name prefix: PREFIX1..PREFIXU        (bench)
  --user-count U          number of provisioned users to use        (400)
  --password PW           password of every user                    (benchpass123)
  --login-concurrency K   logins in flight                          (16)
  --threads T             io_context threads                        (1)
  --server-pid PID        server process, for RSS/CPU figures from /proc
  --sources A,B,...       client source addresses, round-robin      (127.0.0.1)
  --connect-timeout S     per connection connect+handshake timeout  (30)
  --json                  also print one JSON object line with all figures
conns options:
  --count N               WebSocket connections to open             (required)
  --batch B               connects/handshakes in flight             (500)
  --hold S                seconds to hold before the second ping     (5)
  --ping-timeout S        seconds to wait for all pongs             (60)
dm options:
  --pairs P               user pairs (uses users 1..2P)             (50)
  --window W              un-acked messages in flight per socket    (32)
  --rate R                offered msgs/s over all sockets, open loop (0 = maximum rate)
  --duration S            measured seconds                          (10)
  --warmup S              seconds sent before measuring             (2)
  --body-bytes B          message body size                         (64)
  --drain S               seconds to wait for stragglers            (5)
  --peer-urls U1,U2       more instances of one cluster: socket i connects to instance
                          i % (1 + peers); one peer puts every pair across two instances
fanout options (and --window, --rate, --duration, --warmup, --body-bytes, --drain):
  --members N             group members, users 1..N, one socket each (1000)
  --senders S             members 1..S send                         (8)
  --join-concurrency K    joins in flight while setting up          (32)
presence options (and --duration, --warmup, --batch; one socket per user, users 1..U):
  --friends F             friends per user on the ring (even)        (50)
  --churn C               users a second that close and reconnect     (200)
  --offline-ms MS         how long a churned user stays away          (100)
  --settle S              seconds a transition's events may take      (2)
)";

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "gopherchat-loadgen: %s\n\n%s", msg.c_str(), kUsage);
  std::exit(2);
}

long to_long(std::string_view name, const std::string& v, long min, long max) {
  try {
    std::size_t pos = 0;
    long x = std::stol(v, &pos);
    if (pos != v.size() || x < min || x > max) throw std::out_of_range(v);
    return x;
  } catch (const std::exception&) {
    die(std::string(name) + ": expected an integer in [" + std::to_string(min) + ", " +
        std::to_string(max) + "], got '" + v + "'");
  }
}

double to_double(std::string_view name, const std::string& v, double min, double max) {
  try {
    std::size_t pos = 0;
    double x = std::stod(v, &pos);
    if (pos != v.size() || !(x >= min && x <= max)) throw std::out_of_range(v);
    return x;
  } catch (const std::exception&) {
    die(std::string(name) + ": expected a number in [" + std::to_string(min) + ", " +
        std::to_string(max) + "], got '" + v + "'");
  }
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// http://HOST:PORT → {host, port}.
std::pair<std::string, std::string> parse_url(std::string_view u, const char* flag) {
  constexpr std::string_view scheme = "http://";
  if (u.substr(0, scheme.size()) != scheme)
    die(std::string(flag) + ": only http://HOST:PORT is supported");
  u.remove_prefix(scheme.size());
  if (auto slash = u.find('/'); slash != std::string_view::npos) u = u.substr(0, slash);
  std::pair<std::string, std::string> out;
  auto colon = u.rfind(':');
  if (colon == std::string_view::npos) {
    out = {std::string(u), "80"};
  } else {
    out = {std::string(u.substr(0, colon)), std::string(u.substr(colon + 1))};
    to_long(std::string(flag) + " port", out.second, 1, 65535);
  }
  if (out.first.empty()) die(std::string(flag) + ": missing host");
  return out;
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  if (argc < 2) die("missing scenario");
  o.scenario = argv[1];
  if (o.scenario == "-h" || o.scenario == "--help") {
    std::fputs(kUsage, stdout);
    std::exit(0);
  }
  if (o.scenario != "conns" && o.scenario != "dm" && o.scenario != "fanout" &&
      o.scenario != "presence")
    die("unknown scenario '" + o.scenario + "'");

  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--json") {
      o.json = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) die(std::string(a) + ": missing value");
    std::string v = argv[++i];
    if (a == "--url")
      o.url = v;
    else if (a == "--users")
      o.user_prefix = v;
    else if (a == "--user-count")
      o.user_count = int(to_long(a, v, 1, 10'000'000));
    else if (a == "--password")
      o.password = v;
    else if (a == "--login-concurrency")
      o.login_concurrency = int(to_long(a, v, 1, 1024));
    else if (a == "--threads")
      o.threads = int(to_long(a, v, 1, 64));
    else if (a == "--server-pid")
      o.server_pid = to_long(a, v, 1, 1L << 30);
    else if (a == "--peer-urls") {
      for (const auto& u : split_commas(v)) o.peers.push_back(parse_url(u, "--peer-urls"));
    } else if (a == "--sources")
      o.sources = split_commas(v);
    else if (a == "--connect-timeout")
      o.connect_timeout_s = int(to_long(a, v, 1, 3600));
    else if (a == "--count")
      o.count = to_long(a, v, 1, 10'000'000);
    else if (a == "--batch")
      o.batch = int(to_long(a, v, 1, 100'000));
    else if (a == "--hold")
      o.hold_s = int(to_long(a, v, 0, 86400));
    else if (a == "--ping-timeout")
      o.ping_timeout_s = int(to_long(a, v, 1, 3600));
    else if (a == "--pairs")
      o.pairs = int(to_long(a, v, 1, 1'000'000));
    else if (a == "--window")
      o.window = int(to_long(a, v, 1, 100'000));
    else if (a == "--rate")
      o.rate = to_double(a, v, 0, 1e9);
    else if (a == "--duration")
      o.duration_s = to_double(a, v, 0.1, 86400);
    else if (a == "--warmup")
      o.warmup_s = to_double(a, v, 0, 86400);
    else if (a == "--body-bytes")
      o.body_bytes = int(to_long(a, v, 1, 4000));
    else if (a == "--members")
      o.members = int(to_long(a, v, 2, 10'000));
    else if (a == "--senders")
      o.senders = int(to_long(a, v, 1, 10'000));
    else if (a == "--join-concurrency")
      o.join_concurrency = int(to_long(a, v, 1, 1024));
    else if (a == "--drain")
      o.drain_s = to_double(a, v, 0, 3600);
    else if (a == "--friends")
      o.friends = int(to_long(a, v, 0, 1000));
    else if (a == "--churn")
      o.churn = to_double(a, v, 0, 1e6);
    else if (a == "--offline-ms")
      o.offline_ms = int(to_long(a, v, 0, 600'000));
    else if (a == "--settle")
      o.settle_s = to_double(a, v, 0.1, 600);
    else
      die("unknown option " + std::string(a));
  }

  if (o.url.empty()) die("--url is required");
  std::tie(o.host, o.port) = parse_url(o.url, "--url");
  if (o.sources.empty()) die("--sources: empty list");
  if (o.scenario == "conns" && o.count == 0) die("conns: --count is required");
  if (o.scenario == "dm" && 2L * o.pairs > o.user_count)
    die("dm: --pairs P needs --user-count >= 2P");
  if (o.scenario == "fanout" && o.members > o.user_count)
    die("fanout: --members N needs --user-count >= N");
  if (o.scenario == "fanout" && o.senders > o.members)
    die("fanout: --senders S must not exceed --members N");
  if (o.scenario == "presence" && (o.friends % 2 != 0 || o.friends >= o.user_count))
    die("presence: --friends F must be even and below --user-count");
  return o;
}

}  // namespace loadgen

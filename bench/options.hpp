// Command-line options of gopherchat-loadgen (no Asio/Beast here: cheap to include).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace loadgen {

struct Options {
  std::string scenario;  // "conns", "dm", "fanout" or "presence"

  // Common.
  std::string url;   // http://HOST:PORT
  std::string host;  // parsed from url
  std::string port;  // parsed from url
  // dm: more instances of one cluster (--peer-urls); socket i connects to instance
  // i % (1 + peers), so with one peer every pair's two users are on different instances.
  std::vector<std::pair<std::string, std::string>> peers;  // host, port
  std::string user_prefix = "bench";
  int user_count = 400;
  std::string password = "benchpass123";
  int login_concurrency = 16;
  int threads = 1;
  long server_pid = 0;  // 0 = unknown (no RSS/CPU figures)
  std::vector<std::string> sources{"127.0.0.1"};
  bool json = false;
  int connect_timeout_s = 30;

  // conns
  long count = 0;
  int batch = 500;  // handshakes in flight
  int hold_s = 5;
  int ping_timeout_s = 60;

  // dm
  int pairs = 50;
  int window = 32;
  double rate = 0;  // total offered msgs/s over all sockets; 0 = as fast as the window allows
  double duration_s = 10;
  double warmup_s = 2;
  int body_bytes = 64;
  double drain_s = 5;  // wait for stragglers after stopping sends

  // fanout (also --window, --rate, --duration, --warmup, --body-bytes, --drain)
  int members = 1000;  // users 1..N in one group, one WebSocket each
  int senders = 8;     // members 1..S send
  int join_concurrency = 32;

  // presence (also --user-count, --duration, --warmup, --batch)
  int friends = 50;      // per user, on the ring of admin create-friendships
  double churn = 200;    // users a second that close their socket and reconnect
  int offline_ms = 100;  // from a churned user's close to its reconnect
  double settle_s = 2;   // how long after a reconnect its events may still arrive
};

// Parses argv; on error prints a message plus usage to stderr and exits(2).
Options parse_options(int argc, char** argv);

}  // namespace loadgen

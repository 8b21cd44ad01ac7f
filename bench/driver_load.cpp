// Closed-loop load generator for driver-service (issue #3 measurements):
//
//   driver_load seed      --port P --secrets F [--drivers 10000]
//       creates N drivers (internal API), sets them online and sends one
//       ping each at a random point over Ho Chi Minh City
//       (lat 10.70-10.85, lng 106.60-106.80);
//   driver_load search    --port P --secrets F [--seconds 15] [--connections 32]
//                         [--radius 3000] [--limit 10]
//       GET /v1/drivers/search at random points of the same area (rider token);
//   driver_load locations --port P --secrets F [--drivers 10000] [--seconds 15] [--connections 32]
//       PUT /v1/drivers/me/location for random drivers (their own tokens).
//   driver_load trips     --port P --secrets F [--seconds 15] [--connections 32]
//                         [--rate R] [--trips N]
//       POST /v1/trips (64 riders, pickups and drop-offs at random points of
//       the same area), expecting 201. --rate R paces the requests at R per
//       second in total (open model: each request has a scheduled start and
//       latency counts from it, so a slow answer cannot hide the queueing it
//       causes); --trips N stops after N requests (no warm-up then).
//
// Each connection sends its next request when the previous answer arrived
// (keep-alive). The first --warmup seconds (default 2) are not counted.
// Prints one line: requests, requests/s, p50/p95/p99 latency, errors.
// The secrets file is the run dir's secrets.env (JWT_SECRET, INTERNAL_TOKEN).
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/auth/jwt.hpp"
#include "secrets_file.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kMinLat = 10.70, kMaxLat = 10.85, kMinLng = 106.60, kMaxLng = 106.80;

struct Options {
  std::string mode;
  int port = 8083;
  std::string secrets;
  int drivers = 10000;
  double seconds = 15;
  double warmup = 2;
  int connections = 32;
  double radius = 3000;
  int limit = 10;
  double rate = 0;  // trips mode: requests per second in total (0 = as fast as answers come)
  int trips = 0;    // trips mode: stop after this many (0 = run for --seconds)
};

std::string driver_id(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "d0000000-0000-4000-8000-%012d", i);
  return buf;
}

using uitgo::bench::secret;

struct Request {
  std::string text;
  int expect;  // expected status
};

// One HTTP/1.1 exchange on a kept-alive connection; returns status and body.
asio::awaitable<std::pair<int, std::string>> exchange(tcp::socket& socket, asio::streambuf& buffer,
                                                      const std::string& request) {
  co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
  const std::size_t header_bytes = co_await asio::async_read_until(socket, buffer, "\r\n\r\n", asio::use_awaitable);
  std::string header(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + header_bytes);
  buffer.consume(header_bytes);
  const int status = std::atoi(header.c_str() + 9);
  std::size_t length = 0;
  for (const char* name : {"\r\nContent-Length:", "\r\ncontent-length:"}) {
    const auto at = header.find(name);
    if (at != std::string::npos) length = std::strtoul(header.c_str() + at + std::strlen(name), nullptr, 10);
  }
  if (buffer.size() < length) {
    co_await asio::async_read(socket, buffer, asio::transfer_exactly(length - buffer.size()), asio::use_awaitable);
  }
  std::string body(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + length);
  buffer.consume(length);
  co_return std::make_pair(status, std::move(body));
}

std::string http(const std::string& method, const std::string& target, const std::string& body,
                 const std::string& auth_header) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: bench\r\n" + auth_header;
  if (!body.empty()) r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

struct Stats {
  std::vector<std::uint32_t> micros;
  std::uint64_t errors = 0;
  std::uint64_t items = 0;  // search results seen
  std::map<int, std::uint64_t> statuses;
};

class Load {
 public:
  Load(Options o) : o_(std::move(o)) {
    const auto jwt_secret = secret(o_.secrets, "JWT_SECRET");
    internal_ = secret(o_.secrets, "INTERNAL_TOKEN");
    jwt_ = std::make_unique<uitgo::auth::Jwt>(jwt_secret, std::chrono::hours(2));
    if (o_.mode == "seed" || o_.mode == "locations") {
      for (int i = 0; i < o_.drivers; ++i) driver_tokens_.push_back(jwt_->issue(driver_id(i), "driver"));
    }
    for (int i = 0; i < 64; ++i) {
      char sub[40];
      std::snprintf(sub, sizeof sub, "a0000000-0000-4000-8000-%012d", i);
      rider_tokens_.push_back(jwt_->issue(sub, "rider"));
    }
  }

  int run() {
    asio::io_context io(1);
    const auto started = Clock::now();
    started_ = started;
    if (o_.trips > 0) o_.warmup = 0;
    measure_from_ = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.warmup));
    stop_at_ = measure_from_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.seconds));
    next_seed_ = 0;
    std::vector<Stats> stats(static_cast<std::size_t>(o_.connections));
    for (int c = 0; c < o_.connections; ++c) {
      asio::co_spawn(io, connection(c, stats[static_cast<std::size_t>(c)]), [](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& x) {
            std::cerr << "driver_load: connection failed: " << x.what() << "\n";
          }
        }
      });
    }
    io.run();
    Stats all;
    for (auto& s : stats) {
      all.micros.insert(all.micros.end(), s.micros.begin(), s.micros.end());
      all.errors += s.errors;
      all.items += s.items;
      for (auto [k, v] : s.statuses) all.statuses[k] += v;
    }
    report(all, Clock::now() - started);
    return all.errors == 0 ? 0 : 1;
  }

 private:
  // `step` and `seed` are used by seed mode only (create, online, ping of driver `seed`).
  Request next(std::mt19937_64& rng, int step, int seed) {
    std::uniform_real_distribution<double> lat(kMinLat, kMaxLat), lng(kMinLng, kMaxLng);
    char body[256];
    if (o_.mode == "trips") {
      std::snprintf(body, sizeof body,
                    R"({"originText":"Bench pickup","destText":"Bench drop-off","serviceId":"car",)"
                    R"("originLat":%.6f,"originLng":%.6f,"destLat":%.6f,"destLng":%.6f})",
                    lat(rng), lng(rng), lat(rng), lng(rng));
      return {http("POST", "/v1/trips", body,
                   "Authorization: Bearer " + rider_tokens_[rng() % rider_tokens_.size()] + "\r\n"),
              201};
    }
    if (o_.mode == "search") {
      char target[160];
      std::snprintf(target, sizeof target, "/v1/drivers/search?lat=%.6f&lng=%.6f&radius=%g&limit=%d", lat(rng),
                    lng(rng), o_.radius, o_.limit);
      return {http("GET", target, "", "Authorization: Bearer " + rider_tokens_[rng() % rider_tokens_.size()] + "\r\n"),
              200};
    }
    const int i = o_.mode == "seed" ? seed : static_cast<int>(rng() % static_cast<std::uint64_t>(o_.drivers));
    const std::string bearer = "Authorization: Bearer " + driver_tokens_[static_cast<std::size_t>(i)] + "\r\n";
    if (o_.mode == "seed" && step == 0) {
      std::snprintf(body, sizeof body,
                    R"({"id":"%s","fullName":"Bench Driver %d","phone":"+84 900 %06d","licenseNumber":"B2-%d",)"
                    R"("vehicle":{"make":"Honda","model":"Wave","color":"red","year":2020,"plateNumber":"BENCH-%d"}})",
                    driver_id(i).c_str(), i, i % 1000000, i, i);
      return {http("POST", "/internal/drivers", body, "X-Internal-Token: " + internal_ + "\r\n"), 0};
    }
    if (o_.mode == "seed" && step == 1) {
      return {http("PATCH", "/v1/drivers/" + driver_id(i) + "/status", R"({"status":"online"})", bearer), 200};
    }
    std::snprintf(body, sizeof body, R"({"lat":%.7f,"lng":%.7f,"heading":%d,"speedKmh":%d})", lat(rng), lng(rng),
                  static_cast<int>(rng() % 360), static_cast<int>(rng() % 60));
    return {http("PUT", "/v1/drivers/me/location", body, bearer), 204};
  }

  asio::awaitable<void> connection(int c, Stats& stats) {
    auto executor = co_await asio::this_coro::executor;
    tcp::socket socket(executor);
    co_await socket.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(o_.port)), asio::use_awaitable);
    socket.set_option(tcp::no_delay(true));
    asio::streambuf buffer;
    std::mt19937_64 rng(0x5eed + static_cast<std::uint64_t>(c));
    while (true) {
      if (o_.mode == "seed") {
        if (next_seed_ >= o_.drivers) co_return;
        const int i = next_seed_++;
        for (int step = 0; step < 3; ++step) {
          const auto request = next(rng, step, i);
          const auto [status, body] = co_await exchange(socket, buffer, request.text);
          const bool ok = request.expect == 0 ? (status == 200 || status == 201) : status == request.expect;
          if (!ok) {
            ++stats.errors;
            if (stats.errors <= 3) std::cerr << "seed step " << step << ": " << status << " " << body << "\n";
          }
          ++stats.statuses[status];
        }
        continue;
      }
      auto sent = Clock::now();
      if (o_.trips > 0 && issued_ >= o_.trips) co_return;
      if (o_.trips == 0 && sent >= stop_at_) co_return;
      ++issued_;
      if (o_.rate > 0) {
        // The next slot of the schedule; wait for it unless it has passed.
        const auto due = started_ + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(static_cast<double>(slot_++) / o_.rate));
        if (due > sent) {
          asio::steady_timer wait(executor, due);
          co_await wait.async_wait(asio::use_awaitable);
        }
        if (o_.trips == 0 && due >= stop_at_) co_return;
        sent = due;
      }
      const auto request = next(rng, 0, 0);
      const auto [status, body] = co_await exchange(socket, buffer, request.text);
      const auto done = Clock::now();
      if (sent < measure_from_) continue;
      ++stats.statuses[status];
      if (status != request.expect) {
        ++stats.errors;
        if (stats.errors <= 3) std::cerr << "status " << status << ": " << body << "\n";
        continue;
      }
      stats.micros.push_back(
          static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(done - sent).count()));
      if (o_.mode == "search") {
        for (std::size_t at = body.find("\"fullName\""); at != std::string::npos;
             at = body.find("\"fullName\"", at + 1)) {
          ++stats.items;
        }
      }
    }
  }

  void report(Stats& s, Clock::duration elapsed) const {
    if (o_.mode == "seed") {
      std::printf("seed: %d drivers, %.1f s, errors %llu\n", o_.drivers, std::chrono::duration<double>(elapsed).count(),
                  static_cast<unsigned long long>(s.errors));
      return;
    }
    std::sort(s.micros.begin(), s.micros.end());
    const auto pct = [&](double p) {
      if (s.micros.empty()) return 0.0;
      const auto i = std::min(s.micros.size() - 1, static_cast<std::size_t>(p * static_cast<double>(s.micros.size())));
      return s.micros[i] / 1000.0;
    };
    const double seconds = o_.trips > 0 ? std::chrono::duration<double>(elapsed).count() : o_.seconds;
    const double rps = static_cast<double>(s.micros.size()) / seconds;
    std::printf("%s: %zu ok in %.0f s = %.0f req/s, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, errors %llu",
                o_.mode.c_str(), s.micros.size(), seconds, rps, pct(0.50), pct(0.95), pct(0.99),
                static_cast<unsigned long long>(s.errors));
    if (o_.mode == "search" && !s.micros.empty()) {
      std::printf(", %.2f drivers per answer", static_cast<double>(s.items) / static_cast<double>(s.micros.size()));
    }
    if (o_.mode == "trips") {
      std::printf(
          " (%d connections, %s)\n", o_.connections,
          o_.rate > 0 ? ("paced at " + std::to_string(static_cast<int>(o_.rate)) + "/s").c_str() : "closed loop");
      return;
    }
    std::printf(" (%d connections, radius %g m, limit %d)\n", o_.connections, o_.radius, o_.limit);
  }

  Options o_;
  std::string internal_;
  std::unique_ptr<uitgo::auth::Jwt> jwt_;
  std::vector<std::string> driver_tokens_;
  std::vector<std::string> rider_tokens_;
  Clock::time_point started_, measure_from_, stop_at_;
  int next_seed_ = 0;
  int issued_ = 0;          // trips mode: requests started
  std::uint64_t slot_ = 0;  // trips mode with --rate: next schedule slot
};

int usage() {
  std::cerr << "usage: driver_load seed|search|locations|trips --port P --secrets FILE [--drivers N] [--seconds S]"
               " [--warmup S] [--connections C] [--radius M] [--limit N] [--rate R] [--trips N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  Options o;
  o.mode = argv[1];
  if (o.mode != "seed" && o.mode != "search" && o.mode != "locations" && o.mode != "trips") return usage();
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port")
      o.port = std::stoi(value);
    else if (flag == "--secrets")
      o.secrets = value;
    else if (flag == "--drivers")
      o.drivers = std::stoi(value);
    else if (flag == "--seconds")
      o.seconds = std::stod(value);
    else if (flag == "--warmup")
      o.warmup = std::stod(value);
    else if (flag == "--connections")
      o.connections = std::stoi(value);
    else if (flag == "--radius")
      o.radius = std::stod(value);
    else if (flag == "--limit")
      o.limit = std::stoi(value);
    else if (flag == "--rate")
      o.rate = std::stod(value);
    else if (flag == "--trips")
      o.trips = std::stoi(value);
    else
      return usage();
  }
  if (o.secrets.empty()) return usage();
  try {
    return Load(o).run();
  } catch (const std::exception& e) {
    std::cerr << "driver_load: " << e.what() << "\n";
    return 1;
  }
}

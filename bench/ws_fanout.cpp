// WebSocket fan-out latency of live tracking (scripts/bench-live.sh):
//
//   ws_fanout --ports P1,P2 --secrets F [--trips 1000] [--seconds 30]
//             [--interval-ms 1000] [--warmup 5]
//
// Setup (not timed): per trip, a rider creates it (POST /v1/trips, no
// coordinates) and the trip is offered to a fresh driver id through
// trip-service's internal API (POST /internal/trips/{id}/offer), so the
// driver may send locations. Then per trip a rider socket on one instance
// and a driver socket on the OTHER one (every message crosses Redis pub/sub
// between processes). Each driver sends one location every --interval-ms,
// staggered over the interval; the rider's receive time minus the driver's
// send time (one steady clock, one process) is the fan-out latency: parse,
// authorization, PUBLISH, Redis, the other instance's subscriber, its send
// queue, the socket. The first --warmup seconds are not counted.
// Prints one line: trips, sockets, sent, received, lost, p50/p90/p99/max ms.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "core/auth/jwt.hpp"
#include "secrets_file.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kBaseLat = 10.0;
constexpr double kLatStep = 0.0001;  // the location's sequence number is encoded in its latitude

struct Options {
  std::vector<std::uint16_t> ports;
  std::string secrets;
  int trips = 1000;
  int seconds = 30;
  int interval_ms = 1000;
  int warmup = 5;
};

using uitgo::bench::secret;

std::string new_uuid(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(36, '-');
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    id[i] = kHex[rng() & 0xF];
  }
  id[14] = '4';
  id[19] = '8';
  return id;
}

// One blocking HTTP/1.1 request on a new connection (setup only).
std::pair<int, std::string> http_call(std::uint16_t port, bhttp::verb method, const std::string& target,
                                      const std::string& body,
                                      const std::vector<std::pair<std::string, std::string>>& headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::content_type, "application/json");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return {static_cast<int>(res.result_int()), res.body()};
}

struct Trip {
  std::string id;
  std::string rider_token;
  std::string driver_token;
  std::vector<Clock::time_point> sent;  // by sequence number
};

struct Results {
  std::size_t sent = 0;
  std::size_t received = 0;
  std::vector<double> latencies_ms;
  std::size_t errors = 0;
};

using Socket = websocket::stream<beast::tcp_stream>;

asio::awaitable<std::unique_ptr<Socket>> open_socket(std::uint16_t port, const std::string& trip_id,
                                                     const std::string& token) {
  auto ws = std::make_unique<Socket>(co_await asio::this_coro::executor);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  co_await beast::get_lowest_layer(*ws).async_connect(endpoint, asio::use_awaitable);
  beast::get_lowest_layer(*ws).socket().set_option(tcp::no_delay(true));
  ws->set_option(websocket::stream_base::decorator(
      [token](websocket::request_type& req) { req.set(bhttp::field::authorization, "Bearer " + token); }));
  const std::string host = "127.0.0.1:" + std::to_string(port);
  const std::string target = "/v1/trips/" + trip_id + "/ws";
  co_await ws->async_handshake(host, target, asio::use_awaitable);
  co_return ws;
}

// Reads the rider's frames until the socket closes; times location frames.
asio::awaitable<void> read_rider(Socket& ws, Trip& trip, Results& results, Clock::time_point count_from, int& ready) {
  beast::flat_buffer buffer;
  bool first = true;
  while (true) {
    auto [ec, n] = co_await ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    const auto now = Clock::now();
    boost::system::error_code parse_error;
    const auto value = json::parse(beast::buffers_to_string(buffer.data()), parse_error);
    buffer.consume(buffer.size());
    if (first) {
      first = false;
      ++ready;  // the initial status: the subscription is in place
    }
    if (parse_error || !value.is_object()) continue;
    const auto& o = value.get_object();
    if (o.at("type") != "location") {
      if (o.at("type") == "error") ++results.errors;
      continue;
    }
    const double lat = o.at("location").at("lat").as_double();
    const auto seq = static_cast<std::size_t>(std::lround((lat - kBaseLat) / kLatStep));
    if (seq >= trip.sent.size()) continue;
    ++results.received;
    if (trip.sent[seq] >= count_from) {
      results.latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - trip.sent[seq]).count());
    }
  }
}

asio::awaitable<void> drive(Socket& ws, Trip& trip, Results& results, Clock::time_point start, Clock::time_point stop,
                            std::chrono::milliseconds interval) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto next = start;
  for (std::size_t seq = 0; next < stop; ++seq, next += interval) {
    timer.expires_at(next);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    const std::string text = json::serialize(
        json::object{{"type", "location"}, {"lat", kBaseLat + static_cast<double>(seq) * kLatStep}, {"lng", 106.7}});
    trip.sent.push_back(Clock::now());
    ws.text(true);
    auto [ec, n] = co_await ws.async_write(asio::buffer(text), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      ++results.errors;
      co_return;
    }
    ++results.sent;
  }
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

std::vector<Trip> set_up(const Options& o) {
  const uitgo::auth::Jwt jwt(secret(o.secrets, "JWT_SECRET"));
  const auto internal = secret(o.secrets, "INTERNAL_TOKEN");
  std::mt19937_64 rng{std::random_device{}()};
  std::vector<Trip> trips(static_cast<std::size_t>(o.trips));
  for (std::size_t i = 0; i < trips.size(); ++i) {
    const auto port = o.ports[i % o.ports.size()];
    const auto rider = new_uuid(rng);
    const auto driver = new_uuid(rng);
    trips[i].rider_token = jwt.issue(rider, "rider");
    trips[i].driver_token = jwt.issue(driver, "driver");
    const std::string body = R"({"originText":"Ben Thanh","destText":"Tan Son Nhat","serviceId":"car"})";
    const auto created =
        http_call(port, bhttp::verb::post, "/v1/trips", body, {{"Authorization", "Bearer " + trips[i].rider_token}});
    if (created.first != 201) throw std::runtime_error("POST /v1/trips answered " + std::to_string(created.first));
    trips[i].id = std::string(json::parse(created.second).at("id").as_string());
    const auto offered =
        http_call(port, bhttp::verb::post, "/internal/trips/" + trips[i].id + "/offer",
                  json::serialize(json::object{{"driverId", driver}}), {{"X-Internal-Token", internal}});
    if (offered.first != 200) throw std::runtime_error("offer answered " + std::to_string(offered.first));
  }
  return trips;
}

asio::awaitable<void> run(const Options& o, std::vector<Trip>& trips, Results& results) {
  std::vector<std::unique_ptr<Socket>> riders;
  std::vector<std::unique_ptr<Socket>> drivers;
  int ready = 0;
  const auto n = o.ports.size();
  for (std::size_t i = 0; i < trips.size(); ++i) {
    riders.push_back(co_await open_socket(o.ports[i % n], trips[i].id, trips[i].rider_token));
    drivers.push_back(co_await open_socket(o.ports[(i + 1) % n], trips[i].id, trips[i].driver_token));
  }
  const auto interval = std::chrono::milliseconds(o.interval_ms);
  const auto start = Clock::now() + std::chrono::seconds(1);
  const auto count_from = start + std::chrono::seconds(o.warmup);
  const auto stop = start + std::chrono::seconds(o.warmup + o.seconds);
  auto executor = co_await asio::this_coro::executor;
  for (std::size_t i = 0; i < trips.size(); ++i) {
    asio::co_spawn(executor, read_rider(*riders[i], trips[i], results, count_from, ready), asio::detached);
    const auto offset = interval * static_cast<int>(i) / static_cast<int>(trips.size());
    asio::co_spawn(executor, drive(*drivers[i], trips[i], results, start + offset, stop, interval), asio::detached);
  }
  asio::steady_timer timer(executor);
  timer.expires_at(stop + std::chrono::seconds(2));  // the last messages land
  co_await timer.async_wait(asio::use_awaitable);
  if (ready < static_cast<int>(trips.size())) {
    std::cerr << "ws_fanout: only " << ready << " of " << trips.size() << " riders got their initial status\n";
  }
  for (auto& ws : riders) beast::get_lowest_layer(*ws).close();
  for (auto& ws : drivers) beast::get_lowest_layer(*ws).close();
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--ports") {
      std::size_t at = 0;
      while (at <= value.size()) {
        const auto comma = value.find(',', at);
        o.ports.push_back(static_cast<std::uint16_t>(std::stoi(value.substr(at, comma - at))));
        if (comma == std::string::npos) break;
        at = comma + 1;
      }
    } else if (flag == "--secrets") {
      o.secrets = value;
    } else if (flag == "--trips") {
      o.trips = std::stoi(value);
    } else if (flag == "--seconds") {
      o.seconds = std::stoi(value);
    } else if (flag == "--interval-ms") {
      o.interval_ms = std::stoi(value);
    } else if (flag == "--warmup") {
      o.warmup = std::stoi(value);
    } else {
      throw std::runtime_error("unknown flag " + flag);
    }
  }
  if (o.ports.empty() || o.secrets.empty()) {
    throw std::runtime_error(
        "usage: ws_fanout --ports P1,P2 --secrets FILE [--trips N] [--seconds S] [--interval-ms MS] [--warmup S]");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto o = parse(argc, argv);
    auto trips = set_up(o);
    Results results;
    asio::io_context io;
    asio::co_spawn(io, run(o, trips, results), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.run();
    auto& l = results.latencies_ms;
    const double p50 = percentile(l, 0.50);
    const double p90 = percentile(l, 0.90);
    const double p99 = percentile(l, 0.99);
    const double max = l.empty() ? 0 : *std::max_element(l.begin(), l.end());
    std::printf(
        "trips %d, sockets %d, sent %zu, received %zu, lost %zu, errors %zu; fan-out latency p50 %.2f ms, p90 %.2f "
        "ms, p99 %.2f ms, max %.2f ms (%zu samples)\n",
        o.trips, 2 * o.trips, results.sent, results.received,
        results.sent > results.received ? results.sent - results.received : 0, results.errors, p50, p90, p99, max,
        l.size());
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "ws_fanout: " << e.what() << "\n";
    return 1;
  }
}

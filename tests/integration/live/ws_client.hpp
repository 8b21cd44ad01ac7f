// A WebSocket client for integration tests (Beast). Messages are read on a
// background thread into an inbox the test waits on with generous timeouts;
// a client built with `reading = false` never reads (a stalled consumer).
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace uitgo::test::live {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

using WsHeaders = std::vector<std::pair<std::string, std::string>>;

struct Handshake {
  int status = 0;  // 101 when upgraded
  std::string body;
};

class WsClient {
 public:
  WsClient(std::uint16_t port, const std::string& target, const WsHeaders& headers = {}, bool reading = true,
           int receive_buffer = 0)
      : ws_(io_), work_(asio::make_work_guard(io_)) {
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.open(tcp::v4());
    if (receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& [name, value] : headers) req.set(name, value);
    }));
    ws_.read_message_max(0);
    websocket::response_type response;
    beast::error_code ec;
    ws_.handshake(response, "127.0.0.1:" + std::to_string(port), target, ec);
    handshake_.status = static_cast<int>(response.result_int());
    handshake_.body = response.body();
    if (ec) {
      open_ = false;
      return;
    }
    open_ = true;
    if (reading) asio::post(io_, [this] { read_next(); });
    thread_ = std::thread([this] { io_.run(); });
  }

  ~WsClient() {
    if (thread_.joinable()) {
      work_.reset();
      asio::post(io_, [this] {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
      });
      io_.stop();
      thread_.join();
    }
  }

  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  bool upgraded() const { return open_; }
  const Handshake& handshake() const { return handshake_; }

  void send(std::string text) {
    asio::post(io_, [this, text = std::move(text)]() mutable {
      outbox_.push_back(std::move(text));
      if (!writing_) write_next();
    });
  }
  void send(const json::object& o) { send(json::serialize(o)); }

  // Consumes messages until one satisfies `match` (returned) or `timeout` passes.
  std::optional<json::object> next(const std::function<bool(const json::object&)>& match,
                                   std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mutex_);
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (true) {
      while (!inbox_.empty()) {
        auto message = std::move(inbox_.front());
        inbox_.pop_front();
        if (match(message)) return message;
      }
      if (closed_) return std::nullopt;
      if (cv_.wait_until(lock, until) == std::cv_status::timeout && inbox_.empty()) return std::nullopt;
    }
  }

  std::optional<json::object> next_of_type(const std::string& type, std::chrono::milliseconds timeout = 20s) {
    return next([&](const json::object& o) { return o.contains("type") && o.at("type") == type.c_str(); }, timeout);
  }

  // Waits for the connection to end; the close code the server sent (0 if none).
  std::optional<int> wait_closed(std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, timeout, [this] { return closed_; })) return std::nullopt;
    return close_code_;
  }

  // For a client built with `reading = false`: starts reading now.
  void start_reading() {
    asio::post(io_, [this] { read_next(); });
  }

  std::size_t received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

  // Every text frame received so far, as sent.
  std::vector<std::string> texts() const {
    std::lock_guard lock(mutex_);
    return {texts_.begin(), texts_.end()};
  }

 private:
  void read_next() {
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      std::lock_guard lock(mutex_);
      if (ec) {
        closed_ = true;
        close_code_ = ws_.reason().code;
        cv_.notify_all();
        return;
      }
      ++received_;
      boost::system::error_code parse_error;
      auto text = beast::buffers_to_string(buffer_.data());
      auto value = json::parse(text, parse_error);
      texts_.push_back(std::move(text));
      buffer_.consume(buffer_.size());
      if (!parse_error && value.is_object()) inbox_.push_back(std::move(value.as_object()));
      cv_.notify_all();
      read_next();
    });
  }

  void write_next() {
    if (outbox_.empty()) {
      writing_ = false;
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(outbox_.front()), [this](beast::error_code ec, std::size_t) {
      outbox_.pop_front();
      if (ec) {
        outbox_.clear();
        writing_ = false;
        return;
      }
      write_next();
    });
  }

  asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  Handshake handshake_;
  bool open_ = false;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;  // io thread only
  bool writing_ = false;            // io thread only

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<json::object> inbox_;
  std::deque<std::string> texts_;
  std::size_t received_ = 0;
  bool closed_ = false;
  int close_code_ = 0;
};

}  // namespace uitgo::test::live

#include "trips/fake_service.hpp"

#include "support/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <thread>

namespace uitgo::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct FakeService::State {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  mutable std::mutex mutex;
  Handler handler;
  std::vector<FakeRequest> requests;
  std::vector<std::shared_ptr<tcp::socket>> sockets;
  std::vector<std::thread> threads;
  std::thread accept_thread;
  bool stopping = false;

  FakeResponse handle(const FakeRequest& r) {
    Handler h;
    {
      std::lock_guard lock(mutex);
      requests.push_back(r);
      h = handler;
    }
    if (h) return h(r);
    return {};
  }

  void serve(std::shared_ptr<tcp::socket> socket) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> request;
      beast::error_code ec;
      bhttp::read(*socket, buffer, request, ec);
      if (ec) return;
      FakeRequest r;
      r.method = std::string(request.method_string());
      r.target = std::string(request.target());
      for (const auto& field : request) r.headers[lower_case(field.name_string())] = std::string(field.value());
      r.body = request.body();
      const auto answer = handle(r);
      bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(answer.status), request.version()};
      response.set(bhttp::field::content_type, "application/json");
      response.keep_alive(request.keep_alive());
      response.body() = answer.body;
      response.prepare_payload();
      bhttp::write(*socket, response, ec);
      if (ec || !request.keep_alive()) return;
    }
  }
};

FakeService::FakeService() : state_(std::make_shared<State>()) {
  auto& s = *state_;
  s.acceptor.open(tcp::v4());
  s.acceptor.set_option(tcp::acceptor::reuse_address(true));
  s.acceptor.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  s.acceptor.listen();
  port_ = s.acceptor.local_endpoint().port();
  s.accept_thread = std::thread([state = state_] {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(state->io);
      beast::error_code ec;
      state->acceptor.accept(*socket, ec);
      std::lock_guard lock(state->mutex);
      if (ec || state->stopping) return;
      state->sockets.push_back(socket);
      state->threads.emplace_back([state, socket] { state->serve(socket); });
    }
  });
}

FakeService::~FakeService() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    beast::error_code ignored;
    state_->acceptor.cancel(ignored);
    state_->acceptor.close(ignored);
    for (auto& s : state_->sockets) {
      s->shutdown(tcp::socket::shutdown_both, ignored);
      s->close(ignored);
    }
  }
  // Wake a blocking accept() that close() did not interrupt (error codes, no throws).
  {
    asio::io_context io;
    tcp::socket poke(io);
    beast::error_code ignored;
    poke.connect(tcp::endpoint(asio::ip::make_address_v4("127.0.0.1", ignored), port_), ignored);
  }
  if (state_->accept_thread.joinable()) state_->accept_thread.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(state_->mutex);
    threads.swap(state_->threads);
  }
  for (auto& t : threads) t.join();
}

void FakeService::set_handler(Handler handler) {
  std::lock_guard lock(state_->mutex);
  state_->handler = std::move(handler);
}

std::vector<FakeRequest> FakeService::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::vector<FakeRequest> FakeService::requests(const std::string& prefix) const {
  std::vector<FakeRequest> out;
  for (auto& r : requests()) {
    if (r.target.rfind(prefix, 0) == 0) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace uitgo::test

#include "core/http/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <cctype>
#include <mutex>
#include <vector>

#include "core/base/errors.hpp"

namespace uitgo::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::as_tuple;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One kept-alive connection: plain TCP, or TLS over it for https:// URLs.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> tls;
  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

struct Client::State {
  asio::any_io_executor executor;
  ClientOptions options;
  std::string host;
  std::string port;
  std::string host_header;
  std::unique_ptr<asio::ssl::context> tls;  // https only
  std::mutex mutex;
  std::vector<Connection> idle;
};

namespace {

using State = Client::State;

void parse_base_url(State& st) {
  auto url = boost::urls::parse_uri(st.options.base_url);
  const bool https = url && url->scheme() == "https";
  if (!url || (url->scheme() != "http" && !https) || url->host().empty()) {
    throw std::invalid_argument("service URL must look like http(s)://host[:port], got '" + st.options.base_url + "'");
  }
  st.host = std::string(url->host());
  st.port = url->has_port() ? std::string(url->port()) : (https ? "443" : "80");
  st.host_header = url->has_port() ? st.host + ":" + st.port : st.host;
  if (!https) return;
  st.tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  st.tls->set_default_verify_paths();
  st.tls->set_verify_mode(asio::ssl::verify_peer);
}

std::optional<Connection> take_idle(State& st) {
  std::lock_guard lock(st.mutex);
  if (st.idle.empty()) return std::nullopt;
  auto connection = std::move(st.idle.back());
  st.idle.pop_back();
  return connection;
}

void give_back(State& st, Connection connection) {
  connection.tcp().expires_never();
  std::lock_guard lock(st.mutex);
  if (st.idle.size() < st.options.max_idle) st.idle.push_back(std::move(connection));
}

// TLS on top of a connected stream: SNI, the peer's certificate checked
// against the system's CAs and against the host name.
awaitable<Connection> handshake(State& st, std::unique_ptr<beast::tcp_stream> tcp) {
  Connection connection;
  connection.tls = std::make_unique<TlsStream>(std::move(*tcp), *st.tls);
  if (!SSL_set_tlsext_host_name(connection.tls->native_handle(), st.host.c_str())) {
    throw UnavailableError("TLS to " + st.options.base_url + ": cannot set the server name");
  }
  connection.tls->set_verify_callback(asio::ssl::host_name_verification(st.host));
  auto [ec] = co_await connection.tls->async_handshake(asio::ssl::stream_base::client, as_tuple(use_awaitable));
  if (ec == beast::error::timeout) throw TimeoutError("TLS handshake with " + st.options.base_url + " timed out");
  if (ec) throw UnavailableError("TLS handshake with " + st.options.base_url + " failed: " + ec.message());
  co_return connection;
}

awaitable<Connection> connect(State& st) {
  auto stream = std::make_unique<beast::tcp_stream>(asio::make_strand(st.executor));
  tcp::resolver resolver(st.executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(st.host, st.port, as_tuple(use_awaitable));
  if (rec) throw UnavailableError("cannot resolve " + st.host + ": " + rec.message());
  stream->expires_after(st.options.timeout);
  auto [ec, endpoint] = co_await stream->async_connect(endpoints, as_tuple(use_awaitable));
  if (ec == beast::error::timeout) throw TimeoutError("connect to " + st.options.base_url + " timed out");
  if (ec) throw UnavailableError("cannot connect to " + st.options.base_url + ": " + ec.message());
  stream->socket().set_option(tcp::no_delay(true), ec);
  if (st.tls) co_return co_await handshake(st, std::move(stream));
  Connection connection;
  connection.plain = std::move(stream);
  co_return connection;
}

struct Exchange {
  boost::system::error_code ec;
  bool got_response_bytes = false;
  bhttp::response<bhttp::string_body> response;
};

template <typename Stream>
awaitable<Exchange> exchange(Stream& stream, const bhttp::request<bhttp::string_body>& request, Millis timeout) {
  Exchange out;
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [wec, written] = co_await bhttp::async_write(stream, request, as_tuple(use_awaitable));
  if (wec) {
    out.ec = wec;
    co_return out;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(8 * 1024 * 1024);
  auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, as_tuple(use_awaitable));
  out.ec = rec;
  out.got_response_bytes = read > 0;
  if (!rec) out.response = parser.release();
  co_return out;
}

ClientResponse to_client_response(bhttp::response<bhttp::string_body>&& in) {
  ClientResponse out;
  out.status = static_cast<int>(in.result_int());
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = std::move(in.body());
  return out;
}

}  // namespace

Client::Client(asio::any_io_executor executor, ClientOptions options) : state_(std::make_shared<State>()) {
  state_->executor = std::move(executor);
  state_->options = std::move(options);
  parse_base_url(*state_);
}

Client::~Client() = default;

namespace {

using Message = bhttp::request<bhttp::string_body>;

awaitable<ClientResponse> perform(std::shared_ptr<State> st, Message request, Millis limit) {
  const std::string what =
      std::string(request.method_string()) + " " + st->options.base_url + std::string(request.target());
  // A pooled connection may have been closed by the server while idle; when
  // it fails before any response byte arrived, the request never reached a
  // handler, so it is sent once more on a fresh connection.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto connection = attempt == 0 ? take_idle(*st) : std::nullopt;
    const bool reused = connection.has_value();
    if (!connection) connection.emplace(co_await connect(*st));
    Exchange result;
    if (connection->tls) {
      result = co_await exchange(*connection->tls, request, limit);
    } else {
      result = co_await exchange(*connection->plain, request, limit);
    }
    if (!result.ec) {
      const bool keep = result.response.keep_alive();
      auto response = to_client_response(std::move(result.response));
      if (keep) give_back(*st, std::move(*connection));
      co_return response;
    }
    if (result.ec == beast::error::timeout) throw TimeoutError(what + " timed out");
    if (!(reused && !result.got_response_bytes)) throw UnavailableError(what + " failed: " + result.ec.message());
  }
  throw UnavailableError(what + " failed");
}

}  // namespace

awaitable<ClientResponse> Client::request(std::string_view method, std::string_view target, std::string_view body,
                                          std::string_view request_id, std::optional<Millis> timeout) {
  OutboundRequest r;
  r.method = std::string(method);
  r.target = std::string(target);
  r.body = std::string(body);
  r.request_id = std::string(request_id);
  r.timeout = timeout;
  return send(r);
}

awaitable<ClientResponse> Client::send(const OutboundRequest& r) {
  const auto& st = *state_;
  Message request{bhttp::string_to_verb(r.method), r.target, 11};
  request.set(bhttp::field::host, st.host_header);
  if (!st.options.internal_token.empty()) request.set("X-Internal-Token", st.options.internal_token);
  if (!r.request_id.empty()) request.set("X-Request-Id", r.request_id);
  if (!r.body.empty()) request.set(bhttp::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) request.set(name, value);
  request.body() = r.body;
  request.keep_alive(true);
  request.prepare_payload();
  return perform(state_, std::move(request), r.timeout.value_or(st.options.timeout));
}

const std::string& Client::host_header() const { return state_->host_header; }

}  // namespace uitgo::http

// Internal to uitgo_http: the step from an accepted upgrade request to a
// running WebSocket session (used by server.cpp; Beast types, hence separate).
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "core/http/websocket.hpp"

namespace uitgo::http::detail {

// Completes the handshake on `stream` with the headers of `handshake`, runs
// its session and closes. Returns when the connection is gone.
awaitable<void> run_websocket(boost::beast::tcp_stream stream,
                              boost::beast::http::request<boost::beast::http::string_body> request, Response handshake,
                              WebSocketRegistry& registry);

}  // namespace uitgo::http::detail

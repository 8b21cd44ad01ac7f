// The standard middleware: request ids, access log + metrics, and the mapping
// of exceptions to the JSON error shape.
#include <boost/json/object.hpp>

#include <chrono>
#include <random>

#include "core/base/errors.hpp"
#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/base/rate_limit.hpp"
#include "core/http/pipeline.hpp"

namespace uitgo::http {
namespace {

// A client-supplied id is kept only if it is short and printable, so it can
// not forge log lines.
bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return c > 32 && c < 127 && c != '"'; });
}

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    auto bits = rng();
    for (int i = 0; i < 16; ++i, bits >>= 4) id[half * 16 + i] = kHex[bits & 0xF];
  }
  return id;
}

Response map_exception(std::exception_ptr failure, const Request& request) {
  try {
    std::rethrow_exception(failure);
  } catch (const DomainError& e) {
    return Response::error(e);
  } catch (const RateLimitedError& e) {
    auto response = Response::error(429, "rate_limited", e.what());
    response.with_header("Retry-After", std::to_string(e.retry_after_seconds));
    return response;
  } catch (const OverloadedError& e) {
    log::warn("overloaded", {{"request_id", request.request_id}, {"detail", e.what()}});
    return Response::unavailable("overloaded", "the service is overloaded, retry later");
  } catch (const TimeoutError& e) {
    log::warn("dependency timeout", {{"request_id", request.request_id}, {"detail", e.what()}});
    return Response::unavailable("unavailable", "a dependency timed out, retry later");
  } catch (const UnavailableError& e) {
    log::warn("dependency unavailable", {{"request_id", request.request_id}, {"detail", e.what()}});
    return Response::unavailable("unavailable", "a dependency is unavailable, retry later");
  } catch (const std::exception& e) {
    // 5xx never leaks internals: the detail goes to the log only.
    log::error("unhandled error", {{"request_id", request.request_id}, {"route", request.route}, {"detail", e.what()}});
    return Response::error(500, "internal", "internal error");
  }
}

}  // namespace

Middleware request_id_middleware() {
  return [](Request& request, const Next& next) -> awaitable<Response> {
    auto given = request.header("x-request-id");
    request.request_id = given && acceptable_request_id(*given) ? std::string(*given) : new_request_id();
    auto response = co_await next(request);
    response.with_header("X-Request-Id", request.request_id);
    co_return response;
  };
}

Middleware access_log_middleware(metrics::Registry& registry) {
  return [&registry](Request& request, const Next& next) -> awaitable<Response> {
    const auto started = Clock::now();
    auto response = co_await next(request);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const auto status = std::to_string(response.status);
    const std::string method(method_label(request.method));
    registry
        .counter("http_requests_total", "HTTP requests by route template, method and status",
                 {{"route", request.route}, {"method", method}, {"status", status}})
        .inc();
    registry
        .histogram("http_request_duration_seconds", "HTTP request latency by route template and method",
                   {{"route", request.route}, {"method", method}})
        .observe(seconds);
    if (log::enabled(log::Level::info)) {
      log::info("request", {{"request_id", request.request_id},
                            {"method", request.method},
                            {"path", request.path},
                            {"route", request.route},
                            {"status", response.status},
                            {"duration_us", static_cast<std::int64_t>(seconds * 1e6)},
                            {"remote", request.remote_address}});
    }
    co_return response;
  };
}

Middleware error_mapping_middleware() {
  return [](Request& request, const Next& next) -> awaitable<Response> {
    std::exception_ptr failure;
    try {
      co_return co_await next(request);
    } catch (...) {
      // co_await is not allowed inside a handler block: map it after.
      failure = std::current_exception();
    }
    co_return map_exception(failure, request);
  };
}

}  // namespace uitgo::http

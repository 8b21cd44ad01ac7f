#include "core/http/pipeline.hpp"

#include <algorithm>

#include "core/base/errors.hpp"

namespace uitgo::http {
namespace {

std::string join_methods(const std::vector<std::string>& methods) {
  std::string out;
  for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m;
  return out;
}

// Compares in time independent of where the strings differ.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

void check_role(const Access& access, const Principal& caller) {
  if (access.roles.empty()) return;
  if (std::find(access.roles.begin(), access.roles.end(), caller.role) == access.roles.end()) {
    std::string allowed;
    for (std::size_t i = 0; i < access.roles.size(); ++i) {
      allowed += i == 0 ? "" : (i + 1 == access.roles.size() ? " or " : ", ");
      allowed += access.roles[i];
    }
    throw DomainError::forbidden("only " + allowed + " accounts may do this (this token is a " + caller.role + "'s)");
  }
}

}  // namespace

std::string limit_class_of(const Access& access, std::string_view method) {
  if (!access.authenticate || access.limit == "none") return {};
  if (!access.limit.empty()) return access.limit;
  return method == "GET" || method == "HEAD" ? std::string() : std::string("writes");
}

Pipeline::Pipeline(const Router& router, std::shared_ptr<const Authenticator> authenticator)
    : router_(router), authenticator_(std::move(authenticator)) {
  if (!authenticator_) authenticator_ = std::make_shared<RejectAllAuthenticator>();
  rebuild();
}

void Pipeline::use(Middleware middleware) {
  middlewares_.push_back(std::move(middleware));
  rebuild();
}

void Pipeline::rebuild() {
  chain_ = [this](Request& r) { return dispatch(r); };
  for (auto it = middlewares_.rbegin(); it != middlewares_.rend(); ++it) {
    chain_ = [middleware = *it, inner = chain_](Request& r) { return middleware(r, inner); };
  }
}

awaitable<Response> Pipeline::handle(Request& request) const { return chain_(request); }

awaitable<Response> Pipeline::dispatch(Request& request) const {
  if (!known_method(request.method)) {
    request.route = "unmatched";
    co_return Response::error(501, "not_implemented", "this server does not implement that method");
  }
  auto match = router_.match(request.method, request.path);
  if (match.kind == RouteMatch::Kind::not_found) {
    request.route = "unmatched";
    throw DomainError::not_found("no route for " + request.path);
  }
  if (match.kind == RouteMatch::Kind::method_not_allowed) {
    request.route = "unmatched";
    auto response = Response::error(405, "method_not_allowed", request.method + " is not allowed here");
    response.with_header("Allow", join_methods(match.allowed_methods));
    co_return response;
  }
  const Route& route = *match.route;
  request.route = route.path_template;
  request.path_params = std::move(match.params);
  if (route.access.internal) {
    const auto presented = request.header("x-internal-token").value_or(std::string_view{});
    if (internal_token_.empty() || !same_secret(presented, internal_token_)) {
      throw DomainError::unauthenticated("internal token required");
    }
  }
  if (route.access.authenticate) {
    request.principal = authenticator_->authenticate(request);
    check_role(route.access, *request.principal);
    const auto limit_class = limit_class_of(route.access, request.method);
    if (user_limit_ && !limit_class.empty()) co_await user_limit_(limit_class, *request.principal);
  }
  co_return co_await route.handler(request);
}

}  // namespace uitgo::http

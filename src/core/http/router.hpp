// Maps (method, path) to a handler. Templates use {name} segments:
// "/v1/trips/{id}/status". Literal segments win over parameters, so
// "/v1/drivers/me" and "/v1/drivers/{id}" can coexist.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/async.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace uitgo::http {

using Handler = std::function<awaitable<Response>(Request&)>;

// Who may call a route. Default: anyone, no authentication.
struct Access {
  bool authenticate = false;
  std::vector<std::string> roles;  // empty with authenticate = any signed-in user
  // Service-to-service only: the caller must present X-Internal-Token. It
  // proves the caller is a service, never who the user is.
  bool internal = false;
  // The per-user rate limit the call counts against (Pipeline::set_user_limit):
  // "" = "writes" for a signed-in call that is not a GET, none for reads;
  // "none" opts a route out; otherwise a class name ("search", "pings").
  std::string limit;

  static Access anyone() { return {}; }
  static Access internal_only() { return {.internal = true}; }
  static Access user() { return {.authenticate = true}; }
  static Access roles_of(std::vector<std::string> allowed) {
    return {.authenticate = true, .roles = std::move(allowed)};
  }
  Access limited_as(std::string limit_class) const {
    Access out = *this;
    out.limit = std::move(limit_class);
    return out;
  }
};

struct Route {
  std::string method;
  std::string path_template;
  std::vector<std::string> segments;  // "{id}" kept as-is for parameters
  Handler handler;
  Access access;
};

struct RouteMatch {
  enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::string> allowed_methods;  // for 405's Allow header
};

class Router {
 public:
  // Throws std::logic_error for malformed templates or duplicate routes:
  // those are programming errors, caught at start.
  void add(std::string method, std::string path_template, Handler handler, Access access = Access::anyone());
  RouteMatch match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

std::vector<std::string_view> split_path(std::string_view path);

// The one way a service binds its routes: handlers are free functions
// `awaitable<Response> name(Context&, Request&)` on the service's shared
// context (its app), listed in one table per service (its routes.cpp):
//
//   http::RouteTable<TripApp> routes(router, app);
//   routes.add("POST", "/v1/trips", Access::roles_of({"rider"}), lifecycle::create);
template <typename Context>
class RouteTable {
 public:
  using Fn = awaitable<Response> (*)(Context&, Request&);

  RouteTable(Router& router, std::shared_ptr<Context> context) : router_(router), context_(std::move(context)) {}

  RouteTable& add(std::string method, std::string path_template, Access access, Fn handler) {
    router_.add(
        std::move(method), std::move(path_template),
        [context = context_, handler](Request& request) { return handler(*context, request); }, std::move(access));
    return *this;
  }

 private:
  Router& router_;
  std::shared_ptr<Context> context_;
};

}  // namespace uitgo::http

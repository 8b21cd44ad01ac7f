// The request pipeline: middleware (outermost first) around routing,
// authentication and the handler. Built once at start; per request it is a
// chain of plain calls.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "core/base/async.hpp"
#include "core/http/auth.hpp"
#include "core/http/router.hpp"

namespace uitgo::metrics {
class Registry;
}

namespace uitgo::http {

using Next = std::function<awaitable<Response>(Request&)>;
using Middleware = std::function<awaitable<Response>(Request&, const Next&)>;
// Takes one request of `limit_class` from the signed-in caller's allowance;
// throws RateLimitedError when it is used up (core/service/user_limits.hpp).
using UserLimit = std::function<awaitable<void>(const std::string& limit_class, const Principal& caller)>;

// The per-user limit class of a call to `route` with `method` ("" = none).
std::string limit_class_of(const Access& access, std::string_view method);

class Pipeline {
 public:
  Pipeline(const Router& router, std::shared_ptr<const Authenticator> authenticator);

  // Adds a middleware inside the ones added before it.
  void use(Middleware middleware);
  // The token internal routes require; when empty, internal routes refuse everyone.
  void set_internal_token(std::string token) { internal_token_ = std::move(token); }
  // Checked after authentication, before the handler; unset = no per-user limits.
  void set_user_limit(UserLimit limit) { user_limit_ = std::move(limit); }
  awaitable<Response> handle(Request& request) const;

 private:
  awaitable<Response> dispatch(Request& request) const;
  void rebuild();

  const Router& router_;
  std::shared_ptr<const Authenticator> authenticator_;
  std::vector<Middleware> middlewares_;
  std::string internal_token_;
  UserLimit user_limit_;
  Next chain_;
};

// The standard middleware, in the order services install them.
Middleware request_id_middleware();
Middleware access_log_middleware(metrics::Registry& registry);
Middleware error_mapping_middleware();

}  // namespace uitgo::http

#include "user/home/handlers.hpp"

#include <boost/json/array.hpp>

#include "core/base/log.hpp"
#include "user/app.hpp"
#include "user/home/payloads.hpp"

namespace uitgo::user::home {
namespace {

using http::Request;
using http::Response;

Response json_text(std::string body) { return Response{.status = 200, .body = std::move(body)}; }

void audit(const char* action, const Request& request, const std::string& id) {
  log::info(action, {{"id", id}, {"adminId", request.caller().user_id}, {"requestId", request.request_id}});
}

}  // namespace

awaitable<Response> list_promotions(UserApp& app, Request&) {
  auto body = co_await app.home.promotions();
  co_return json_text(std::move(body));
}

awaitable<Response> list_news(UserApp& app, Request& request) {
  const int limit = parse_news_limit(request.query_param("limit"));
  auto body = co_await app.home.news(limit);
  co_return json_text(std::move(body));
}

awaitable<Response> admin_list_promotions(UserApp& app, Request&) {
  const auto all = co_await app.home.all_promotions();
  boost::json::array items;
  items.reserve(all.size());
  for (const auto& p : all) items.emplace_back(admin_json(p));
  co_return Response::json(200, items);
}

awaitable<Response> admin_list_news(UserApp& app, Request&) {
  const auto all = co_await app.home.all_news();
  boost::json::array items;
  items.reserve(all.size());
  for (const auto& n : all) items.emplace_back(admin_json(n));
  co_return Response::json(200, items);
}

awaitable<Response> create_promotion(UserApp& app, Request& request) {
  const auto draft = parse_promotion_draft(request.body);
  const auto created = co_await app.home.create_promotion(draft);
  audit("promotion created", request, created.id);
  co_return Response::json(201, admin_json(created));
}

awaitable<Response> update_promotion(UserApp& app, Request& request) {
  const auto id = parse_id(request.path_param("id"));
  const auto patch = parse_promotion_patch(request.body);
  const auto updated = co_await app.home.update_promotion(id, patch);
  audit("promotion updated", request, id);
  co_return Response::json(200, admin_json(updated));
}

awaitable<Response> delete_promotion(UserApp& app, Request& request) {
  const auto id = parse_id(request.path_param("id"));
  co_await app.home.delete_promotion(id);
  audit("promotion deactivated", request, id);
  co_return Response::no_content();
}

awaitable<Response> create_news(UserApp& app, Request& request) {
  const auto draft = parse_news_draft(request.body);
  const auto created = co_await app.home.create_news(draft);
  audit("news created", request, created.id);
  co_return Response::json(201, admin_json(created));
}

awaitable<Response> update_news(UserApp& app, Request& request) {
  const auto id = parse_id(request.path_param("id"));
  const auto patch = parse_news_patch(request.body);
  const auto updated = co_await app.home.update_news(id, patch);
  audit("news updated", request, id);
  co_return Response::json(200, admin_json(updated));
}

awaitable<Response> delete_news(UserApp& app, Request& request) {
  const auto id = parse_id(request.path_param("id"));
  co_await app.home.delete_news(id);
  audit("news deleted", request, id);
  co_return Response::no_content();
}

}  // namespace uitgo::user::home

#include "core/http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace uitgo::http {
namespace {

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Fills `params` and returns true when `segments` match the route. `rank`
// records where parameters matched, so more literal routes can win.
bool matches(const Route& route, const std::vector<std::string_view>& segments,
             std::vector<std::pair<std::string, std::string>>& params, std::vector<bool>& rank) {
  if (route.segments.size() != segments.size()) return false;
  params.clear();
  rank.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& pattern = route.segments[i];
    if (is_parameter(pattern)) {
      if (segments[i].empty()) return false;
      params.emplace_back(pattern.substr(1, pattern.size() - 2), std::string(segments[i]));
      rank.push_back(true);
    } else if (pattern == segments[i]) {
      rank.push_back(false);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return out;
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

void Router::add(std::string method, std::string path_template, Handler handler, Access access) {
  if (path_template.empty() || path_template.front() != '/') {
    throw std::logic_error("route template must start with '/': " + path_template);
  }
  Route route{.method = std::move(method),
              .path_template = std::move(path_template),
              .handler = std::move(handler),
              .access = std::move(access)};
  for (auto segment : split_path(route.path_template)) {
    const bool braces = segment.find_first_of("{}") != std::string_view::npos;
    if (segment.empty() || (braces && !is_parameter(segment))) {
      throw std::logic_error("malformed route template: " + route.path_template);
    }
    route.segments.emplace_back(segment);
  }
  for (const auto& existing : routes_) {
    if (existing.method == route.method && existing.segments == route.segments) {
      throw std::logic_error("duplicate route: " + route.method + " " + route.path_template);
    }
  }
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  const auto segments = split_path(path);
  RouteMatch result;
  std::vector<bool> best_rank;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<bool> rank;
  for (const auto& route : routes_) {
    if (!matches(route, segments, params, rank)) continue;
    if (route.method != method) {
      if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), route.method) ==
          result.allowed_methods.end()) {
        result.allowed_methods.push_back(route.method);
      }
      continue;
    }
    // vector<bool> compares lexicographically with false < true: literal first.
    if (result.route == nullptr || rank < best_rank) {
      result.route = &route;
      result.params = params;
      best_rank = rank;
    }
  }
  if (result.route != nullptr) {
    result.kind = RouteMatch::Kind::found;
  } else if (!result.allowed_methods.empty()) {
    result.kind = RouteMatch::Kind::method_not_allowed;
  }
  return result;
}

}  // namespace uitgo::http

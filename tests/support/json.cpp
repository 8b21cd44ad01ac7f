#include "support/json.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <cmath>
#include <cstdio>

namespace uitgo::test {

json::object body_of(const HttpResponse& response) {
  boost::system::error_code error;
  auto value = json::parse(response.body, error);
  if (error || !value.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << response.status << " " << response.body;
    return {};
  }
  return std::move(value.as_object());
}

json::array items_of(const HttpResponse& response) {
  const auto body = body_of(response);
  const auto* items = body.if_contains("items");
  if (items == nullptr || !items->is_array()) {
    ADD_FAILURE() << "no \"items\" array: " << response.status << " " << response.body;
    return {};
  }
  return items->as_array();
}

std::vector<std::string> ids_of(const HttpResponse& response) {
  std::vector<std::string> ids;
  for (const auto& item : items_of(response)) ids.push_back(str(item, "id"));
  return ids;
}

std::string str(const json::object& object, std::string_view key) {
  const auto* v = object.if_contains(key);
  return (v != nullptr && v->is_string()) ? std::string(v->as_string()) : std::string();
}

std::string str(const json::value& value, std::string_view key) {
  return value.is_object() ? str(value.as_object(), key) : std::string();
}

double num(const json::object& object, std::string_view key) {
  const auto* v = object.if_contains(key);
  return (v != nullptr && v->is_number()) ? v->to_number<double>() : std::nan("");
}

std::string decimal(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

}  // namespace uitgo::test

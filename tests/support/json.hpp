// Reading JSON answers in tests: the body as an object, fields as text or numbers.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.hpp"

namespace uitgo::test {

namespace json = boost::json;

// The response body as a JSON object; a test failure and {} when it is not one.
json::object body_of(const HttpResponse& response);

// The "items" of a JSON list answer; a test failure and [] when there are none.
json::array items_of(const HttpResponse& response);

// The "id" of each of those items.
std::vector<std::string> ids_of(const HttpResponse& response);

// The string at `key`; "" when it is missing or not a string.
std::string str(const json::object& object, std::string_view key);
std::string str(const json::value& value, std::string_view key);

// The number at `key`; NaN when it is missing or not a number.
double num(const json::object& object, std::string_view key);

// `value` as a query-string decimal ("%.10g").
std::string decimal(double value);

}  // namespace uitgo::test

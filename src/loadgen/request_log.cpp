#include "loadgen/request_log.hpp"

#include <boost/json/parse.hpp>

#include <cstdio>

namespace uitgo::loadgen {
namespace json = boost::json;
namespace {

void append_field(std::string& out, std::string_view text) {
  for (const char c : text) out += (c == ',' || c == '\n' || c == '\r') ? ' ' : c;
}

}  // namespace

std::string request_log_line(const RequestLogEntry& entry) {
  std::string line = std::to_string(entry.end_ms);
  line += ',';
  append_field(line, entry.scenario);
  line += ',';
  append_field(line, entry.request);
  line += ',';
  line += std::to_string(entry.status);
  line += ',';
  append_field(line, entry.error);
  char latency[32];
  std::snprintf(latency, sizeof latency, ",%.3f,", entry.latency_ms);
  line += latency;
  append_field(line, entry.id);
  line += '\n';
  return line;
}

std::string answer_id(std::string_view body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || body[first] != '{') return {};
  boost::system::error_code ec;
  const auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return {};
  const auto* id = doc.as_object().if_contains("id");
  if (id == nullptr || !id->is_string()) return {};
  return std::string(id->as_string());
}

}  // namespace uitgo::loadgen

#include "core/http/request.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "core/base/errors.hpp"

namespace uitgo::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <typename Pairs>
std::optional<std::string_view> find_value(const Pairs& pairs, std::string_view name) {
  for (const auto& [k, v] : pairs) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view lower_case_name) const {
  return find_value(headers, lower_case_name);
}

std::optional<std::string_view> Request::query_param(std::string_view name) const { return find_value(query, name); }

std::string_view Request::path_param(std::string_view name) const {
  return find_value(path_params, name).value_or(std::string_view{});
}

const Principal& Request::caller() const {
  if (!principal) throw DomainError::unauthenticated();
  return *principal;
}

bool known_method(std::string_view method) {
  static constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  return std::find(std::begin(kMethods), std::end(kMethods), method) != std::end(kMethods);
}

std::string_view method_label(std::string_view method) { return known_method(method) ? method : "other"; }

Request make_request(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers,
                     std::string body, std::string remote_address) {
  Request out;
  out.method = std::move(method);
  out.target = std::move(target);
  const std::string_view raw = out.target;
  const auto question = raw.find('?');
  auto path = percent_decode(raw.substr(0, question), false);
  if (!path || path->empty() || path->front() != '/') {
    throw DomainError::bad_input("bad_request", "malformed request target");
  }
  out.path = std::move(*path);
  if (question != std::string_view::npos) out.query = parse_query(raw.substr(question + 1));
  for (auto& [name, value] : headers) {
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  out.headers = std::move(headers);
  out.body = std::move(body);
  out.remote_address = std::move(remote_address);
  return out;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    auto key = percent_decode(part.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
    if (!key || !value) throw DomainError::bad_input("invalid_query", "malformed percent-encoding in query string");
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

}  // namespace uitgo::http

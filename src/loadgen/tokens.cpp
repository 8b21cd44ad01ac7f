#include "loadgen/tokens.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>

namespace uitgo::loadgen {
namespace json = boost::json;
namespace {

// Documented in README.md ("Demo accounts").
constexpr const char* kDemoRider[] = {"rider@uitgo.dev", "rider-demo-2026"};
constexpr const char* kDemoDriver[] = {"driver@uitgo.dev", "driver-demo-2026"};

// The `exp` claim of a JWT (seconds since the epoch), if it can be read. The
// signature is the server's business; this only spots stale token files.
std::optional<std::int64_t> expiry_of(const std::string& token) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) return std::nullopt;
  std::string payload;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : token.substr(first + 1, second - first - 1)) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '-' || c == '+') v = 62;
    if (c == '_' || c == '/') v = 63;
    if (v < 0) break;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    if ((count += 6) >= 8) {
      count -= 8;
      payload += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  boost::system::error_code ec;
  const auto claims = json::parse(payload, ec);
  const auto* exp = ec || !claims.is_object() ? nullptr : claims.as_object().if_contains("exp");
  if (!exp || !exp->is_number()) return std::nullopt;
  return exp->to_number<std::int64_t>();
}

void add_account(Tokens& out, const json::value& entry, const std::string& list, const std::string& path) {
  const auto* o = entry.if_object();
  const auto* token = o ? o->if_contains("accessToken") : nullptr;
  if (!token || !token->is_string() || token->as_string().empty()) {
    throw TokenError("tokens file " + path + ": an entry of \"" + list + "\" has no accessToken");
  }
  Account a;
  if (const auto* id = o->if_contains("id"); id && id->is_string()) a.id = std::string(id->as_string());
  a.token = std::string(token->as_string());
  std::string role = list == "riders" ? "rider" : list == "drivers" ? "driver" : "";
  if (const auto* r = o->if_contains("role"); r && r->is_string()) role = std::string(r->as_string());
  if (role == "rider") {
    out.riders.push_back(std::move(a));
  } else if (role == "driver") {
    out.drivers.push_back(std::move(a));
  }
}

}  // namespace

Tokens tokens_from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw TokenError("cannot read tokens file " + path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  const auto doc = json::parse(text.str(), ec);
  if (ec || !doc.is_object()) {
    throw TokenError("tokens file " + path + " is not the JSON object printed by `uitgo seed`");
  }
  Tokens out;
  out.source = "file " + path;
  // Load-test accounts first so the demo accounts carry no more than their share.
  for (const char* list : {"riders", "drivers", "demo"}) {
    const auto* entries = doc.as_object().if_contains(list);
    if (!entries) continue;
    if (!entries->is_array()) throw TokenError("tokens file " + path + ": \"" + list + "\" must be an array");
    for (const auto& entry : entries->as_array()) add_account(out, entry, list, path);
  }
  if (out.riders.empty() && out.drivers.empty()) throw TokenError("tokens file " + path + " holds no tokens");
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  for (const auto* list : {&out.riders, &out.drivers}) {
    for (const auto& a : *list) {
      const auto exp = expiry_of(a.token);
      if (exp && *exp <= now + 5) {
        throw TokenError("the tokens in " + path + " have expired (" + std::to_string(now - *exp) +
                         " s ago): seed again (scripts/stack.sh seed, or uitgo seed)");
      }
    }
  }
  return out;
}

Tokens single_rider_token(const std::string& token) {
  Tokens out;
  out.source = "--access-token";
  out.riders.push_back({"", token});
  return out;
}

awaitable<Tokens> login_demo_accounts(const std::shared_ptr<const Endpoint>& endpoint, Clock::duration timeout) {
  auto executor = co_await asio::this_coro::executor;
  Connection connection(executor, endpoint);
  Tokens out;
  out.source = "demo login";
  for (const auto* account : {kDemoRider, kDemoDriver}) {
    Outgoing login;
    login.method = "POST";
    login.target = "/auth/login";
    login.body = json::serialize(json::object{{"email", account[0]}, {"password", account[1]}});
    const auto reply = co_await connection.send(login, timeout);
    if (reply.status != 200) {
      throw TokenError(std::string("no tokens given and the demo login as ") + account[0] + " failed (" +
                       (reply.status == 0 ? reply.error : "HTTP " + std::to_string(reply.status)) +
                       "): pass --tokens FILE or --access-token TOKEN, or run `scripts/stack.sh seed`");
    }
    boost::system::error_code ec;
    const auto doc = json::parse(reply.body, ec);
    const auto* o = ec ? nullptr : doc.if_object();
    const auto* token = o ? o->if_contains("accessToken") : nullptr;
    const auto* id = o ? o->if_contains("id") : nullptr;
    if (!token || !token->is_string() || !id || !id->is_string()) {
      throw TokenError(std::string("the login answer for ") + account[0] + " has no accessToken");
    }
    Account a{std::string(id->as_string()), std::string(token->as_string())};
    (account == kDemoRider ? out.riders : out.drivers).push_back(std::move(a));
  }
  co_return out;
}

}  // namespace uitgo::loadgen

#include "core/redis/options.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>
#include <stdexcept>

namespace uitgo::redis {

namespace {

[[noreturn]] void bad_url(std::string_view url, const std::string& why) {
  // The password must not reach logs through a configuration error.
  std::string shown(url);
  if (auto at = shown.rfind('@'); at != std::string::npos) {
    auto scheme_end = shown.find("://");
    shown.replace(scheme_end == std::string::npos ? 0 : scheme_end + 3,
                  at - (scheme_end == std::string::npos ? 0 : scheme_end + 3), "***");
  }
  throw std::invalid_argument("invalid redis URL '" + shown + "': " + why);
}

int parse_db(std::string_view url, std::string_view path) {
  if (path.empty() || path == "/") return 0;
  std::string_view digits = path.substr(1);
  int db = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), db);
  if (path[0] != '/' || ec != std::errc() || end != digits.data() + digits.size() || db < 0) {
    bad_url(url, "the path must be a database number such as /0");
  }
  return db;
}

}  // namespace

Options Options::from_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) bad_url(url, parsed.error().message());
  const boost::urls::url_view& u = *parsed;

  if (u.scheme() != "redis") {
    bad_url(url, "only the redis:// scheme is supported (no TLS: rediss:// is not available)");
  }
  if (u.has_query() || u.has_fragment()) bad_url(url, "query and fragment are not supported");

  Options options;
  options.host = u.host_address();
  if (options.host.empty()) bad_url(url, "missing host");
  if (u.has_port()) {
    // Checked by hand: port_number() wraps values above 65535 instead of failing.
    std::string_view text = u.port();
    unsigned port = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) {
      bad_url(url, "invalid port");
    }
    options.port = static_cast<std::uint16_t>(port);
  }
  if (u.has_userinfo()) {
    if (u.has_password()) {
      options.username = u.user();
      options.password = u.password();
    } else {
      // redis://secret@host: AUTH needs a password, so a lone word can only be one.
      options.password = u.user();
    }
  }
  options.db = parse_db(url, u.path());
  return options;
}

}  // namespace uitgo::redis

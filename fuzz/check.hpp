// What every fuzz target uses to report a broken property: a message and an
// abort, which libFuzzer records as a crash and keeps the input for.
#pragma once

#include <boost/json/parse.hpp>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace uitgo::fuzz {

inline void expect(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property broken: %s\n", property);
  std::abort();
}

// Text the services send must be a JSON object that parses back.
inline void expect_json_object(std::string_view text, const char* what) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(text, ec);
  expect(!ec && value.is_object(), what);
}

}  // namespace uitgo::fuzz

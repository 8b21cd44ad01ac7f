// aws4_sign_cli: signs requests with the project's SigV4 signer for the
// cross-check against npm aws4 (crosscheck.mjs). One JSON request per input
// line, one JSON answer per output line:
//   in:  {"method", "path", "query": [[name, value]...] (decoded), "headers": [[name, value]...],
//         "body", "accessKeyId", "secretAccessKey", "sessionToken", "region", "service", "time" (Unix s)}
//   out: {"authorization", "amzDate", "securityToken", "canonicalRequest", "stringToSign"}
#include <boost/json.hpp>

#include <iostream>
#include <string>

#include "core/aws/sigv4.hpp"

namespace {

std::string text(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::vector<std::pair<std::string, std::string>> pairs(const boost::json::object& o, const char* key) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& p : v->get_array()) {
    const auto& a = p.as_array();
    out.emplace_back(std::string(a.at(0).as_string()), std::string(a.at(1).as_string()));
  }
  return out;
}

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    const auto in = boost::json::parse(line).as_object();
    uitgo::aws::SigningInput input{.method = text(in, "method"),
                                   .path = text(in, "path"),
                                   .query = pairs(in, "query"),
                                   .headers = pairs(in, "headers"),
                                   .payload = text(in, "body")};
    const uitgo::aws::Credentials credentials{.access_key_id = text(in, "accessKeyId"),
                                              .secret_access_key = text(in, "secretAccessKey"),
                                              .session_token = text(in, "sessionToken")};
    const uitgo::aws::Scope scope{.region = text(in, "region"), .service = text(in, "service")};
    const auto s = uitgo::aws::sign(input, credentials, scope, in.at("time").to_number<std::int64_t>());
    boost::json::object out;
    for (const auto& [name, value] : s.headers) {
      if (name == "Authorization") out["authorization"] = value;
      if (name == "X-Amz-Date") out["amzDate"] = value;
      if (name == "X-Amz-Security-Token") out["securityToken"] = value;
    }
    out["canonicalRequest"] = s.canonical_request;
    out["stringToSign"] = s.string_to_sign;
    std::cout << boost::json::serialize(out) << "\n";
  }
  return 0;
}

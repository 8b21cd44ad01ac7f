// AWS Signature Version 4 (header form): the canonical request, the string to
// sign, the derived signing key and the Authorization header, as AWS
// documents them. Pure; checked against AWS's published test-suite vectors
// and against an independent signer (npm aws4) in the tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace uitgo::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials (instance profile, STS); empty otherwise
};

struct Scope {
  std::string region;   // us-east-1
  std::string service;  // sqs
};

struct SigningInput {
  std::string method;  // GET, POST
  std::string path;    // decoded path, e.g. "/" or "/123456789012/queue"; each segment is encoded once
  std::vector<std::pair<std::string, std::string>> query;    // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // must hold Host; names in any case
  std::string payload;
};

struct Signature {
  // Headers to send besides the input's: X-Amz-Date, X-Amz-Security-Token
  // (with a session token) and Authorization.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // hex
};

// "20150830T123600Z" for a Unix time in seconds.
std::string amz_date(std::int64_t unix_seconds);
// RFC 3986 percent-encoding of everything but unreserved characters
// (A-Z a-z 0-9 - _ . ~); '/' kept when `keep_slash`.
std::string uri_encode(std::string_view text, bool keep_slash);

Signature sign(const SigningInput& input, const Credentials& credentials, const Scope& scope,
               std::int64_t unix_seconds);

}  // namespace uitgo::aws

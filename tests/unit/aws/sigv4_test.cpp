// The SigV4 signer against AWS's Signature Version 4 test suite (the
// aws-sig-v4-test-suite cases as AWS published them, also shipped by the AWS
// SDKs): credentials AKIDEXAMPLE, region us-east-1, service "service",
// 2015-08-30T12:36:00Z. Each case checks the canonical request, the string
// to sign and the signature, so a mismatch points at the step that differs.
#include "core/aws/sigv4.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace uitgo::aws {
namespace {

constexpr std::int64_t kSuiteTime = 1440938160;  // 2015-08-30T12:36:00Z
constexpr const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const Credentials kSuiteCredentials{.access_key_id = "AKIDEXAMPLE",
                                    .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                    .session_token = ""};
const Scope kSuiteScope{.region = "us-east-1", .service = "service"};

struct SuiteCase {
  std::string name;
  SigningInput input;
  std::string session_token;
  std::string canonical_request;
  std::string string_to_sign_hash;  // the last line of the string to sign
  std::string signed_headers;
  std::string signature;
};

SigningInput request(std::string method, std::string path, std::vector<std::pair<std::string, std::string>> query = {},
                     std::vector<std::pair<std::string, std::string>> extra_headers = {}, std::string payload = {}) {
  SigningInput in;
  in.method = std::move(method);
  in.path = std::move(path);
  in.query = std::move(query);
  in.headers = {{"Host", "example.amazonaws.com"}};
  in.headers.insert(in.headers.end(), extra_headers.begin(), extra_headers.end());
  in.payload = std::move(payload);
  return in;
}

std::string plain_canonical(const std::string& method, const std::string& path, const std::string& query) {
  return method + "\n" + path + "\n" + query +
         "\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + kEmptyHash;
}

std::vector<SuiteCase> suite() {
  return {
      {"get-vanilla", request("GET", "/"), "", plain_canonical("GET", "/", ""),
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case", request("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}), "",
       plain_canonical("GET", "/", "Param1=value1&Param2=value2"),
       "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0", "host;x-amz-date",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"post-vanilla", request("POST", "/"), "", plain_canonical("POST", "/", ""), "", "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      // The path holds U+1234 (three UTF-8 bytes), encoded once.
      {"get-utf8", request("GET", "/\xE1\x88\xB4"), "", plain_canonical("GET", "/%E1%88%B4", ""),
       "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102", "host;x-amz-date",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"post-vanilla-query", request("POST", "/", {{"Param1", "value1"}}), "",
       plain_canonical("POST", "/", "Param1=value1"),
       "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd", "host;x-amz-date",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"get-vanilla-with-session-token", request("GET", "/"),
       "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
       std::string("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"
                   "x-amz-security-token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267\n\n"
                   "host;x-amz-date;x-amz-security-token\n") +
           kEmptyHash,
       "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b", "host;x-amz-date;x-amz-security-token",
       "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"},
      // Leading blanks dropped, inner runs of blanks folded (quotes included).
      {"get-header-value-trim", request("GET", "/", {}, {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}}),
       "",
       std::string("GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
                   "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n") +
           kEmptyHash,
       "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7", "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"post-header-value-case", request("POST", "/", {}, {{"My-Header1", "VALUE1"}}), "", "", "",
       "host;my-header1;x-amz-date", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      // A body: the payload hash is the last line of the canonical request.
      {"post-x-www-form-urlencoded",
       request("POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded"}}, "Param1=value1"), "",
       "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
       "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
       "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
       "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281", "content-type;host;x-amz-date",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
  };
}

std::string header(const Signature& s, const std::string& name) {
  for (const auto& [k, v] : s.headers) {
    if (k == name) return v;
  }
  return "<missing>";
}

class SigV4Suite : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(SigV4Suite, MatchesThePublishedVector) {
  const auto& c = GetParam();
  Credentials credentials = kSuiteCredentials;
  credentials.session_token = c.session_token;
  const auto s = sign(c.input, credentials, kSuiteScope, kSuiteTime);
  if (!c.canonical_request.empty()) {
    EXPECT_EQ(s.canonical_request, c.canonical_request);
  }
  if (!c.string_to_sign_hash.empty()) {
    EXPECT_EQ(s.string_to_sign,
              "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" + c.string_to_sign_hash);
  }
  EXPECT_EQ(s.signature, c.signature);
  EXPECT_EQ(header(s, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=" +
                c.signed_headers + ", Signature=" + c.signature);
  EXPECT_EQ(header(s, "X-Amz-Date"), "20150830T123600Z");
  if (c.session_token.empty()) {
    EXPECT_EQ(header(s, "X-Amz-Security-Token"), "<missing>");
  } else {
    EXPECT_EQ(header(s, "X-Amz-Security-Token"), c.session_token);
  }
}

INSTANTIATE_TEST_SUITE_P(AwsTestSuite, SigV4Suite, ::testing::ValuesIn(suite()),
                         [](const ::testing::TestParamInfo<SuiteCase>& info) {
                           std::string name;
                           for (const char ch : info.param.name) name += ch == '-' ? '_' : ch;
                           return name;
                         });

TEST(SigV4, AmzDateIsBasicIso8601InUtc) {
  EXPECT_EQ(amz_date(kSuiteTime), "20150830T123600Z");
  EXPECT_EQ(amz_date(0), "19700101T000000Z");
  EXPECT_EQ(amz_date(1767225599), "20251231T235959Z");
}

TEST(SigV4, UriEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(uri_encode("AZaz09-_.~", false), "AZaz09-_.~");
  EXPECT_EQ(uri_encode("a b+c=d&e/f", false), "a%20b%2Bc%3Dd%26e%2Ff");
  EXPECT_EQ(uri_encode("/123456789012/my queue", true), "/123456789012/my%20queue");
  EXPECT_EQ(uri_encode("\xE1\x88\xB4", false), "%E1%88%B4");
  EXPECT_EQ(uri_encode("*", false), "%2A");
}

TEST(SigV4, HeaderNamesAndOrderDoNotChangeTheSignature) {
  auto a = request("POST", "/", {},
                   {{"X-Amz-Target", "AmazonSQS.SendMessage"}, {"Content-Type", "application/x-amz-json-1.0"}},
                   R"({"QueueUrl":"q"})");
  auto b = a;
  b.headers = {{"content-type", "application/x-amz-json-1.0"},
               {"x-amz-target", "AmazonSQS.SendMessage"},
               {"HOST", "example.amazonaws.com"}};
  const auto sa = sign(a, kSuiteCredentials, kSuiteScope, kSuiteTime);
  const auto sb = sign(b, kSuiteCredentials, kSuiteScope, kSuiteTime);
  EXPECT_EQ(sa.signature, sb.signature);
  EXPECT_NE(sa.canonical_request.find("content-type;host;x-amz-date;x-amz-target\n"), std::string::npos)
      << sa.canonical_request;
}

TEST(SigV4, EverySignedPartChangesTheSignature) {
  const auto base = request("POST", "/", {}, {{"X-Amz-Target", "AmazonSQS.ReceiveMessage"}}, "{}");
  const auto reference = sign(base, kSuiteCredentials, kSuiteScope, kSuiteTime).signature;
  auto other_body = base;
  other_body.payload = "{ }";
  auto other_target = base;
  other_target.headers.back().second = "AmazonSQS.DeleteMessage";
  EXPECT_NE(sign(other_body, kSuiteCredentials, kSuiteScope, kSuiteTime).signature, reference);
  EXPECT_NE(sign(other_target, kSuiteCredentials, kSuiteScope, kSuiteTime).signature, reference);
  EXPECT_NE(sign(base, kSuiteCredentials, {"ap-southeast-1", "service"}, kSuiteTime).signature, reference);
  EXPECT_NE(sign(base, kSuiteCredentials, {"us-east-1", "sqs"}, kSuiteTime).signature, reference);
  EXPECT_NE(sign(base, kSuiteCredentials, kSuiteScope, kSuiteTime + 1).signature, reference);
  auto rotated = kSuiteCredentials;
  rotated.secret_access_key += "x";
  EXPECT_NE(sign(base, rotated, kSuiteScope, kSuiteTime).signature, reference);
}

TEST(SigV4, RepeatedHeaderValuesAreJoinedInOrder) {
  // The suite's get-header-key-duplicate, given as separate header lines.
  const auto s =
      sign(request("GET", "/", {}, {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}),
           kSuiteCredentials, kSuiteScope, kSuiteTime);
  EXPECT_NE(s.canonical_request.find("my-header1:value2,value2,value1\n"), std::string::npos) << s.canonical_request;
  EXPECT_EQ(s.signature, "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
}

}  // namespace
}  // namespace uitgo::aws

// The home routes' input formats: RFC 3339 timestamps, http(s) URLs, UUIDs,
// ?limit= and the PATCH semantics of null.
#include <gtest/gtest.h>

#include <functional>

#include "core/base/errors.hpp"
#include "user/home/payloads.hpp"

using namespace uitgo::user::home;

TEST(HomePayloads, Rfc3339Timestamps) {
  for (const char* ok :
       {"2030-01-31T23:59:59Z", "2030-01-31t23:59:59z", "2028-02-29T00:00:00Z", "2030-01-31T23:59:59.5Z",
        "2030-01-31T23:59:59.123456789+07:00", "2030-06-30T23:59:60Z", "2030-01-31T00:00:00-14:30"}) {
    EXPECT_TRUE(is_rfc3339_timestamp(ok)) << ok;
  }
  for (const char* bad :
       {"", "2030-01-31", "2030-01-31 23:59:59Z", "2030-01-31T23:59:59", "2029-02-29T00:00:00Z", "2030-04-31T00:00:00Z",
        "2030-00-10T00:00:00Z", "2030-01-31T24:00:00Z", "2030-01-31T23:60:00Z", "2030-01-31T23:59:59.Z",
        "2030-01-31T23:59:59.1234567890Z", "2030-01-31T23:59:59+0700", "2030-01-31T23:59:59+07:00x",
        "1899-12-31T00:00:00Z", "+2030-01-31T23:59:59Z", "2030-1-31T23:59:59Z", "2030-01-31T23:59:59+24:00"}) {
    EXPECT_FALSE(is_rfc3339_timestamp(bad)) << bad;
  }
}

TEST(HomePayloads, HttpUrls) {
  EXPECT_TRUE(is_http_url("https://cdn.example.com/a.png?x=1"));
  EXPECT_TRUE(is_http_url("HTTP://example.com"));
  EXPECT_TRUE(is_http_url("http://127.0.0.1:8080/p"));
  for (const char* bad : {"", "example.com/a.png", "/a.png", "ftp://example.com/a", "javascript:alert(1)", "https://",
                          "https:///path", "http://exa mple.com/", "data:image/png;base64,AAAA"}) {
    EXPECT_FALSE(is_http_url(bad)) << bad;
  }
}

TEST(HomePayloads, Uuids) {
  EXPECT_EQ(parse_id("0B7E3C1A-2F4D-4C5E-9A6B-7C8D9E0F1A2B"), "0b7e3c1a-2f4d-4c5e-9a6b-7c8d9e0f1a2b");
  for (const char* bad : {"", "1", "0b7e3c1a2f4d4c5e9a6b7c8d9e0f1a2b", "{0b7e3c1a-2f4d-4c5e-9a6b-7c8d9e0f1a2b}",
                          "0b7e3c1a-2f4d-4c5e-9a6b-7c8d9e0f1a2g", "0b7e3c1a-2f4d-4c5e-9a6b_7c8d9e0f1a2b"}) {
    EXPECT_FALSE(is_uuid(bad)) << bad;
    EXPECT_THROW(parse_id(bad), uitgo::DomainError) << bad;
  }
}

TEST(HomePayloads, NewsLimit) {
  EXPECT_EQ(parse_news_limit(std::nullopt), 5) << "the apps' default";
  EXPECT_EQ(parse_news_limit("1"), 1);
  EXPECT_EQ(parse_news_limit("050"), 50);
  EXPECT_EQ(parse_news_limit("51"), 50);
  EXPECT_EQ(parse_news_limit("123456789012345678901234567890"), 50);
  EXPECT_EQ(parse_news_limit("00000000000000000000007"), 7);
  for (const char* bad : {"", "0", "000", "-1", "+1", "1.0", "1e3", " 5", "ten"}) {
    try {
      parse_news_limit(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const uitgo::DomainError& e) {
      EXPECT_EQ(e.kind(), uitgo::Refusal::invalid);
      EXPECT_EQ(e.field(), "limit");
    }
  }
}

TEST(HomePayloads, PatchNullClearsNullableFieldsOnly) {
  const auto p = parse_promotion_patch(R"({"imageUrl":null,"title":null,"expiresAt":"2030-01-01T00:00:00Z"})");
  ASSERT_TRUE(p.image_url.has_value());
  EXPECT_FALSE(p.image_url->has_value()) << "null clears";
  EXPECT_FALSE(p.title.has_value()) << "null on a required column is ignored";
  ASSERT_TRUE(p.expires_at.has_value());
  EXPECT_EQ(**p.expires_at, "2030-01-01T00:00:00Z");
  const auto untouched = parse_promotion_patch("{}");
  EXPECT_FALSE(untouched.image_url.has_value());
  EXPECT_FALSE(untouched.expires_at.has_value());
}

TEST(HomePayloads, DraftDefaults) {
  const auto d = parse_promotion_draft(R"({"title":"T","code":"C"})");
  EXPECT_EQ(d.description, "");
  EXPECT_TRUE(d.active);
  EXPECT_FALSE(d.image_url);
  EXPECT_FALSE(d.expires_at);
  EXPECT_EQ(d.gradient_start, "#667EEA");
  EXPECT_EQ(d.gradient_end, "#764BA2");
  EXPECT_EQ(d.priority, 0);
  const auto n = parse_news_draft(R"({"title":"T","body":"B"})");
  EXPECT_FALSE(n.published_at);
  EXPECT_EQ(n.category, "general");
  EXPECT_EQ(n.icon, "news");
}

namespace {

std::string failing_field(const std::function<void()>& f) {
  try {
    f();
  } catch (const uitgo::DomainError& e) {
    return e.field().value_or("");
  }
  ADD_FAILURE() << "accepted";
  return {};
}

}  // namespace

TEST(HomePayloads, TheOriginalAdminPromotionBody) {
  const auto d = parse_promotion_draft(
      R"({"title":"Giảm 30%","description":"D","code":"UITNEW","imageUrl":null,"gradientStart":"#FFA751",)"
      R"("gradientEnd":"#ffe259","expiresAt":"2030-01-31T23:59:59Z","priority":20})");
  EXPECT_EQ(d.gradient_start, "#FFA751");
  EXPECT_EQ(d.gradient_end, "#ffe259");
  EXPECT_EQ(d.priority, 20);
  EXPECT_TRUE(d.active);
  EXPECT_FALSE(parse_promotion_draft(R"({"title":"T","code":"C","isActive":false})").active);
  EXPECT_FALSE(parse_promotion_draft(R"({"title":"T","code":"C","active":false,"isActive":false})").active);
  EXPECT_EQ(failing_field([] { parse_promotion_draft(R"({"title":"T","code":"C","active":true,"isActive":false})"); }),
            "isActive");
  const auto p = parse_promotion_patch(R"({"gradientStart":"#80112233","priority":-5,"isActive":true})");
  EXPECT_EQ(p.gradient_start, "#80112233");
  EXPECT_FALSE(p.gradient_end);
  EXPECT_EQ(p.priority, -5);
  EXPECT_EQ(p.active, true);
}

TEST(HomePayloads, PromotionFieldRules) {
  for (const char* bad : {R"("667EEA")", R"("#667EE")", R"("#GGGGGG")", R"("#667EEA00FF")", "12"}) {
    EXPECT_EQ(failing_field([&] {
                parse_promotion_draft(std::string(R"({"title":"T","code":"C","gradientStart":)") + bad + "}");
              }),
              "gradientStart")
        << bad;
  }
  for (const char* bad : {"1001", "-1001", "1.5", R"("high")"}) {
    EXPECT_EQ(failing_field(
                  [&] { parse_promotion_draft(std::string(R"({"title":"T","code":"C","priority":)") + bad + "}"); }),
              "priority")
        << bad;
  }
  EXPECT_TRUE(is_hex_color("#667EEA"));
  EXPECT_TRUE(is_hex_color("#ff667eea"));
  EXPECT_FALSE(is_hex_color("667EEA"));
}

TEST(HomePayloads, NewsCategoryAndIcon) {
  const auto n = parse_news_draft(R"({"title":"T","body":"B","category":"safety","icon":"two_wheeler"})");
  EXPECT_EQ(n.category, "safety");
  EXPECT_EQ(n.icon, "two_wheeler");
  EXPECT_EQ(failing_field([] { parse_news_draft(R"({"title":"T","body":"B","icon":"Two Wheeler"})"); }), "icon");
  EXPECT_EQ(failing_field([] { parse_news_draft(R"({"title":"T","body":"B","category":"  "})"); }), "category");
  const auto p = parse_news_patch(R"({"icon":"shield"})");
  EXPECT_EQ(p.icon, "shield");
  EXPECT_FALSE(p.category);
}

TEST(HomePayloads, PublicShapesCarryEveryFieldTheAppReads) {
  Promotion promo{.id = "p",
                  .title = "T",
                  .description = "D",
                  .code = "C",
                  .gradient_start = "#111111",
                  .gradient_end = "#222222",
                  .priority = 7,
                  .active = true,
                  .created_at = "c",
                  .updated_at = "u"};
  const auto pj = public_json(promo);
  for (const char* key : {"id", "title", "description", "code", "imageUrl", "gradientStart", "gradientEnd", "expiresAt",
                          "priority", "isActive"}) {
    EXPECT_TRUE(pj.contains(key)) << key;
  }
  EXPECT_TRUE(pj.at("priority").is_int64());
  EXPECT_FALSE(pj.contains("createdAt")) << "public shape only";
  EXPECT_TRUE(admin_json(promo).contains("createdAt"));
  NewsItem news{.id = "n", .title = "T", .body = "B", .category = "fleet", .icon = "two_wheeler", .published_at = "x"};
  const auto nj = public_json(news);
  for (const char* key : {"id", "title", "body", "category", "icon", "publishedAt"})
    EXPECT_TRUE(nj.contains(key)) << key;
}

TEST(HomePayloads, ControlCharacters) {
  // A news body and a description are multi-line text: tab and line breaks only.
  const auto n = parse_news_draft(R"({"title":"T","body":"line one\r\n\tline two"})");
  EXPECT_EQ(n.body, "line one\r\n\tline two");
  EXPECT_EQ(failing_field([] { parse_news_draft(R"({"title":"T","body":"a\u0000b"})"); }), "body");
  EXPECT_EQ(failing_field([] { parse_news_draft(R"({"title":"T","body":"\u001b[2J"})"); }), "body");
  EXPECT_EQ(failing_field([] { parse_news_draft(R"({"title":"\u0000x","body":"B"})"); }), "title");
  EXPECT_EQ(failing_field([] { parse_news_draft(R"({"title":"two\nlines","body":"B"})"); }), "title");
  EXPECT_EQ(failing_field([] { parse_news_draft(R"({"title":"T","body":"B","category":"a\tb"})"); }), "category");
}

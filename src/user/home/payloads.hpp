// The wire format of the home routes: request bodies and parameters parsed
// and validated into content.hpp types (every failure is a 400 naming the
// field, thrown before anything is written), and items rendered as JSON.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "user/home/content.hpp"

namespace uitgo::user::home {

PromotionDraft parse_promotion_draft(std::string_view body);
PromotionPatch parse_promotion_patch(std::string_view body);
NewsDraft parse_news_draft(std::string_view body);
NewsPatch parse_news_patch(std::string_view body);

// ?limit=: absent → kNewsDefaultLimit; above kNewsMaxLimit → kNewsMaxLimit;
// not an integer or below 1 → 400 validation_failed naming "limit".
int parse_news_limit(std::optional<std::string_view> raw);
// A {id} path segment: a canonical UUID (8-4-4-4-12 hex) or 400 naming "id".
std::string parse_id(std::string_view raw);

// Formats the checks above use; exposed for unit tests.
bool is_rfc3339_timestamp(std::string_view text);
bool is_http_url(std::string_view text);
// #RRGGBB or #AARRGGBB (hex digits in either case): what the rider app parses.
bool is_hex_color(std::string_view text);
bool is_uuid(std::string_view text);

// Public shapes (GET /promotions: {id, title, description, code, imageUrl,
// gradientStart, gradientEnd, expiresAt, priority, isActive}; GET /news: {id,
// title, body, category, icon, imageUrl, publishedAt}) and admin shapes (the
// public fields plus createdAt/updatedAt, and active for promotions).
boost::json::object public_json(const Promotion& p);
boost::json::object admin_json(const Promotion& p);
boost::json::object public_json(const NewsItem& n);
boost::json::object admin_json(const NewsItem& n);

}  // namespace uitgo::user::home

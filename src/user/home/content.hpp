// Home-screen content (promotions and news) as user-service stores and serves
// it. Timestamps are already RFC 3339 UTC text (Postgres formats them).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace uitgo::user::home {

// GET /news?limit=N: default and largest N (larger values are clamped).
inline constexpr int kNewsDefaultLimit = 5;
inline constexpr int kNewsMaxLimit = 50;
// GET /promotions lists at most this many active promotions.
inline constexpr int kPromotionsMax = 100;
// GET /admin/promotions and GET /admin/news list at most this many.
inline constexpr int kAdminListMax = 1000;
// What a promotion or news item gets when the admin does not say (the rider
// app's own defaults).
inline constexpr const char* kDefaultGradientStart = "#667EEA";
inline constexpr const char* kDefaultGradientEnd = "#764BA2";
inline constexpr const char* kDefaultNewsCategory = "general";
inline constexpr const char* kDefaultNewsIcon = "news";
// priority: higher first.
inline constexpr int kMinPriority = -1000;
inline constexpr int kMaxPriority = 1000;

struct Promotion {
  std::string id;
  std::string title;
  std::string description;
  std::string code;
  std::optional<std::string> image_url;
  std::string gradient_start;  // #RRGGBB or #AARRGGBB
  std::string gradient_end;
  std::optional<std::string> expires_at;  // nullopt: never expires
  int priority = 0;
  bool active = true;
  std::string created_at;
  std::string updated_at;
};

struct NewsItem {
  std::string id;
  std::string title;
  std::string body;
  std::string category;
  std::string icon;  // a Material icon name the app shows, e.g. news, shield
  std::optional<std::string> image_url;
  std::string published_at;
  std::string created_at;
  std::string updated_at;
};

// A public list plus how long it stays right: the time until the next listed
// promotion expires, or until the next scheduled news item is published
// (nullopt: nothing changes by itself). The cache never keeps it longer.
template <typename T>
struct Listing {
  std::vector<T> items;
  std::optional<std::chrono::seconds> valid_for;
};

// POST bodies, validated (see payloads.hpp).
struct PromotionDraft {
  std::string title;
  std::string description;  // "" when not given
  std::string code;
  std::optional<std::string> image_url;
  std::string gradient_start = kDefaultGradientStart;
  std::string gradient_end = kDefaultGradientEnd;
  std::optional<std::string> expires_at;  // RFC 3339, any offset; Postgres converts
  int priority = 0;
  bool active = true;
};

struct NewsDraft {
  std::string title;
  std::string body;
  std::string category = kDefaultNewsCategory;
  std::string icon = kDefaultNewsIcon;
  std::optional<std::string> image_url;
  std::optional<std::string> published_at;  // nullopt: now
};

// PATCH bodies: an absent field is kept. For the nullable columns the inner
// optional is empty when the client sent null, which clears the value.
struct PromotionPatch {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> code;
  std::optional<std::optional<std::string>> image_url;
  std::optional<std::string> gradient_start;
  std::optional<std::string> gradient_end;
  std::optional<std::optional<std::string>> expires_at;
  std::optional<int> priority;
  std::optional<bool> active;
};

struct NewsPatch {
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<std::string> category;
  std::optional<std::string> icon;
  std::optional<std::optional<std::string>> image_url;
  std::optional<std::string> published_at;
};

}  // namespace uitgo::user::home

// user-service's GET /internal/users/{id} answer, both ways.
#include "peers/user_view.hpp"

#include <gtest/gtest.h>

#include "core/base/errors.hpp"
#include "core/base/json_text.hpp"

using uitgo::peers::UserView;

TEST(UserView, RoundTrip) {
  const UserView v{.id = "u-1", .role = "rider", .disabled = true};
  const auto back = UserView::from_json(uitgo::json::to_text(v.to_json()));
  EXPECT_EQ(back.id, "u-1");
  EXPECT_EQ(back.role, "rider");
  EXPECT_TRUE(back.disabled);
}

TEST(UserView, GarbageIsUnavailable) {
  for (const char* body : {"", "[]", R"({"id":"x"})", R"({"id":"x","role":"rider","disabled":"no"})"}) {
    EXPECT_THROW(UserView::from_json(body), uitgo::UnavailableError) << body;
  }
}

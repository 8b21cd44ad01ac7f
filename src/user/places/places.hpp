// Saved places use case and its SQL (user_db.saved_places). Every statement
// is scoped to the owner: someone else's place is not found (404), so ids
// tell nothing about other users. HTTP-free.
#pragma once

#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/pg/pool.hpp"
#include "user/places/payloads.hpp"

namespace uitgo::user::places {

class SavedPlaces {
 public:
  explicit SavedPlaces(pg::Pool& db) : db_(db) {}

  // The owner's places, newest first (at most kPlacesMax).
  awaitable<std::vector<SavedPlace>> list(const std::string& user_id);
  // 409 too_many_places beyond kPlacesMax.
  awaitable<SavedPlace> create(const std::string& user_id, const PlaceDraft& draft);
  // 404 when there is no such place of this owner.
  awaitable<void> remove(const std::string& user_id, const std::string& id);

 private:
  pg::Pool& db_;
};

}  // namespace uitgo::user::places

#include "user/places/places.hpp"

#include "core/base/errors.hpp"

namespace uitgo::user::places {
namespace {

// clang-format off
constexpr const char* kColumns =
    "id::text AS id, name, address, lat, lng,"
    " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS created_at,"
    " to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS updated_at";

const std::string kList = std::string("SELECT ") + kColumns +
    " FROM saved_places WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT " + std::to_string(kPlacesMax);

// The count and the insert in one statement; no row back when the user has kPlacesMax already.
const std::string kInsert = std::string(
    "INSERT INTO saved_places (user_id, name, address, lat, lng)"
    " SELECT $1, $2, $3, $4, $5"
    "  WHERE (SELECT count(*) FROM saved_places WHERE user_id = $1) < ") + std::to_string(kPlacesMax) +
    " RETURNING " + kColumns;

const std::string kDelete = "DELETE FROM saved_places WHERE id = $1 AND user_id = $2";
// clang-format on

SavedPlace read_place(const pg::Result& r, int row) {
  return {.id = r.get<std::string>(row, "id"),
          .name = r.get<std::string>(row, "name"),
          .address = r.get<std::string>(row, "address"),
          .lat = r.get<double>(row, "lat"),
          .lng = r.get<double>(row, "lng"),
          .created_at = r.get<std::string>(row, "created_at"),
          .updated_at = r.get<std::string>(row, "updated_at")};
}

}  // namespace

awaitable<std::vector<SavedPlace>> SavedPlaces::list(const std::string& user_id) {
  const auto r = co_await db_.query(kList, pg::Params{user_id});
  std::vector<SavedPlace> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_place(r, i));
  co_return out;
}

awaitable<SavedPlace> SavedPlaces::create(const std::string& user_id, const PlaceDraft& d) {
  const auto r = co_await db_.query(kInsert, pg::Params{user_id, d.name, d.address, d.lat, d.lng});
  if (r.rows() == 0) {
    throw DomainError::conflict("too_many_places",
                                "at most " + std::to_string(kPlacesMax) + " saved places; delete one first");
  }
  co_return read_place(r, 0);
}

awaitable<void> SavedPlaces::remove(const std::string& user_id, const std::string& id) {
  const auto r = co_await db_.query(kDelete, pg::Params{id, user_id});
  if (r.affected_rows() == 0) throw DomainError::not_found("saved place not found");
}

}  // namespace uitgo::user::places

// Saved places: the model and its wire format (pure, unit-tested).
//
//   POST /saved_places {name, address, lat, lng} (what the rider app's
//   createSavedPlace sends; `latitude`/`longitude` are accepted too) → 201 the place
//   GET  /saved_places → a bare JSON array (the app parses `as List`)
//   place: {id, name, address, lat, lng, createdAt, updatedAt}
//
// Coordinates go through the one field validator (json::Fields: finite, lat
// in [-90, 90], lng in [-180, 180]; 0 is a coordinate like any other).
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "core/base/json_body.hpp"

namespace uitgo::user::places {

inline constexpr std::size_t kNameMax = 100;
inline constexpr std::size_t kAddressMax = 500;
// A user keeps at most this many places (a create beyond it → 409 too_many_places).
inline constexpr int kPlacesMax = 100;

struct PlaceDraft {
  std::string name;
  std::string address;
  double lat = 0;
  double lng = 0;
  static PlaceDraft from_json(const json::Fields& f);
};

struct SavedPlace {
  std::string id;
  std::string name;
  std::string address;
  double lat = 0;
  double lng = 0;
  std::string created_at;  // RFC 3339 UTC
  std::string updated_at;
};

PlaceDraft parse_place_draft(std::string_view body);
boost::json::object to_json(const SavedPlace& place);

}  // namespace uitgo::user::places

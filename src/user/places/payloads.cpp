#include "user/places/payloads.hpp"

namespace uitgo::user::places {

PlaceDraft PlaceDraft::from_json(const json::Fields& f) {
  PlaceDraft d;
  d.name = f.required_string("name", {.min_length = 1, .max_length = kNameMax});
  d.address = f.optional_string("address", {.min_length = 0, .max_length = kAddressMax}).value_or("");
  // The rider app sends lat/lng; latitude/longitude (its model's names) are accepted too.
  const auto latitude = f.optional_number("latitude", -90, 90);
  const auto longitude = f.optional_number("longitude", -180, 180);
  d.lat = latitude && !f.optional_number("lat", -90, 90) ? *latitude : f.required_latitude("lat");
  d.lng = longitude && !f.optional_number("lng", -180, 180) ? *longitude : f.required_longitude("lng");
  return d;
}

PlaceDraft parse_place_draft(std::string_view body) { return json::parse_body<PlaceDraft>(body); }

boost::json::object to_json(const SavedPlace& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"address", p.address},
          {"lat", p.lat},
          {"lng", p.lng},
          {"createdAt", p.created_at},
          {"updatedAt", p.updated_at}};
}

}  // namespace uitgo::user::places

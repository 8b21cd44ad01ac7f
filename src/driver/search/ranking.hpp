// The last step of both search modes: exact distances, the radius filter and
// the order (distance, then id), so GEO and SQL answer identically for the
// same data. Plus the text form of a position kept in drivers:pos.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "driver/profiles/profile.hpp"
#include "driver/search/redis_geo.hpp"

namespace uitgo::driver {

// A driver near the search centre with its exact last position.
struct Candidate {
  std::string id;
  Fix fix;
};

struct Ranked {
  std::string id;
  Fix fix;
  double distance_meters = 0;
};

// Exact distances from `center`; only those within `radius_meters`; nearest
// first, ties broken by id; at most `limit`.
std::vector<Ranked> rank_candidates(std::vector<Candidate> candidates, geo::LatLng center, double radius_meters,
                                    int limit);

// "lat,lng,receivedMs" (shortest round-trip doubles) <-> Fix.
std::string encode_fix(const Fix& fix);
std::optional<Fix> decode_fix(std::string_view text);

}  // namespace uitgo::driver

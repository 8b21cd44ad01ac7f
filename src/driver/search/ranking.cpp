#include "driver/search/ranking.hpp"

#include <algorithm>
#include <charconv>

namespace uitgo::driver {

std::vector<Ranked> rank_candidates(std::vector<Candidate> candidates, geo::LatLng center, double radius_meters,
                                    int limit) {
  std::vector<Ranked> ranked;
  ranked.reserve(candidates.size());
  for (auto& c : candidates) {
    const double d = redis_geo::distance_meters(center, {c.fix.lat, c.fix.lng});
    if (d <= radius_meters) ranked.push_back({std::move(c.id), c.fix, d});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return a.distance_meters != b.distance_meters ? a.distance_meters < b.distance_meters : a.id < b.id;
  });
  // The same driver twice (cannot happen from one source) would waste a slot.
  ranked.erase(std::unique(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.id == b.id; }),
               ranked.end());
  if (limit >= 0 && ranked.size() > static_cast<std::size_t>(limit)) ranked.resize(static_cast<std::size_t>(limit));
  return ranked;
}

std::string encode_fix(const Fix& fix) {
  char buf[96];
  char* p = buf;
  p = std::to_chars(p, buf + sizeof buf, fix.lat).ptr;
  *p++ = ',';
  p = std::to_chars(p, buf + sizeof buf, fix.lng).ptr;
  *p++ = ',';
  p = std::to_chars(p, buf + sizeof buf, fix.recorded_at_ms).ptr;
  return std::string(buf, p);
}

std::optional<Fix> decode_fix(std::string_view text) {
  Fix fix;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  auto r = std::from_chars(p, end, fix.lat);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != ',') return std::nullopt;
  r = std::from_chars(r.ptr + 1, end, fix.lng);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != ',') return std::nullopt;
  r = std::from_chars(r.ptr + 1, end, fix.recorded_at_ms);
  if (r.ec != std::errc() || r.ptr != end) return std::nullopt;
  return fix;
}

}  // namespace uitgo::driver

#include "trip/matching/handlers.hpp"

#include "core/base/json_body.hpp"
#include "peers/internal_trip.hpp"
#include "trip/app.hpp"
#include "trip/lifecycle/handlers.hpp"

namespace uitgo::trip::matching {
namespace {

using http::Request;
using http::Response;

// The wire shape of a trip for the matcher (peers/internal_trip.hpp).
peers::InternalTrip peer_view(const Trip& t) {
  peers::InternalTrip v;
  v.id = t.id;
  v.rider_id = t.rider_id;
  v.driver_id = t.driver_id;
  v.status = std::string(to_string(t.status));
  v.service_id = t.service_id;
  v.origin_lat = t.origin_lat;
  v.origin_lng = t.origin_lng;
  v.dest_lat = t.dest_lat;
  v.dest_lng = t.dest_lng;
  v.created_at = t.created_at;
  v.created_at_ms = t.created_at_ms;
  v.updated_at = t.updated_at;
  v.offered_at = t.offered_at;
  v.match_attempt = t.match_attempt;
  v.cancel_reason = t.cancel_reason;
  return v;
}

peers::InternalTrip peer_view(const MatchingView& m) {
  auto v = peer_view(m.trip);
  v.age_ms = m.age_ms;
  v.offer_age_ms = m.offer_age_ms;
  for (const auto& o : m.offers) {
    v.offers.push_back({.driver_id = o.driver_id,
                        .attempt = o.attempt,
                        .outcome = o.outcome,
                        .offered_at = o.offered_at,
                        .resolved_at = o.resolved_at});
  }
  return v;
}

const std::string kMatcher = "matcher";

}  // namespace

awaitable<Response> accept(TripApp& app, Request& request) {
  const auto id = trip_id_param(request);
  const auto trip = co_await app.offers.accept(request.caller(), id);
  co_return Response::json(200, public_json(trip));
}

awaitable<Response> decline(TripApp& app, Request& request) {
  const auto id = trip_id_param(request);
  const auto trip = co_await app.offers.decline(request.caller(), id);
  co_return Response::json(200, public_json(trip));
}

awaitable<Response> assign(TripApp& app, Request& request) {
  const auto id = trip_id_param(request);
  const auto input = json::parse_body<DriverRequest>(request.body);
  const auto trip = co_await app.dispatch->assign(request.caller(), id, input.driver_id, request.request_id);
  co_return Response::json(200, public_json(trip));
}

awaitable<Response> internal_get(TripApp& app, Request& request) {
  const auto id = trip_id_param(request);
  const auto view = co_await app.offers.internal(id);
  app.sweep.seen(id);  // matching is alive for this trip
  co_return Response::json(200, peer_view(view).to_json());
}

awaitable<Response> internal_offer(TripApp& app, Request& request) {
  const auto id = trip_id_param(request);
  const auto input = json::parse_body<OfferRequest>(request.body);
  const auto result = co_await app.offers.offer(id, input);
  auto body = peer_view(result.trip).to_json(false);
  body["created"] = result.fresh;
  co_return Response::json(200, body);
}

awaitable<Response> internal_lookup(TripApp& app, Request& request) {
  const auto input = json::parse_body<LookupRequest>(request.body);
  const auto views = co_await app.offers.internal_many(input.ids);
  boost::json::array trips;
  for (const auto& view : views) {
    app.sweep.seen(view.trip.id);
    trips.push_back(peer_view(view).to_json());
  }
  co_return Response::json(200, boost::json::object{{"trips", std::move(trips)}});
}

awaitable<Response> internal_offers(TripApp& app, Request& request) {
  const auto input = json::parse_body<OffersRequest>(request.body);
  const auto outcomes = co_await app.offers.offer_many(input.offers);
  boost::json::array results;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    results.push_back(boost::json::object{{"tripId", input.offers[i].trip_id}, {"outcome", outcomes[i]}});
  }
  co_return Response::json(200, boost::json::object{{"results", std::move(results)}});
}

awaitable<Response> internal_offer_expired(TripApp& app, Request& request) {
  const auto id = trip_id_param(request);
  const auto input = json::parse_body<DriverRequest>(request.body);
  const auto result = co_await app.offers.expire_offer(id, input.driver_id, kMatcher, "matcher");
  auto body = peer_view(result.trip).to_json(false);
  body["expired"] = result.expired_now;
  body["offerOutcome"] = result.outcome;
  co_return Response::json(200, body);
}

awaitable<Response> internal_cancel(TripApp& app, Request& request) {
  const auto id = trip_id_param(request);
  const auto input = json::parse_body<CancelRequest>(request.body);
  const auto trip = co_await app.offers.cancel_unmatched(id, input.reason, kMatcher, "matcher");
  co_return Response::json(200, peer_view(trip).to_json(false));
}

}  // namespace uitgo::trip::matching

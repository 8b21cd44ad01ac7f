// How a trip row leaves Postgres and becomes a Trip: the select list (table
// alias `t`) and the reader, shared by every store that returns trips.
#pragma once

#include <string>

#include "core/pg/result.hpp"
#include "trip/lifecycle/trip.hpp"

namespace uitgo::trip {

// The columns of a Trip, from `trips t`; timestamps as RFC 3339 UTC text with milliseconds.
const std::string& trip_columns();
Trip read_trip(const pg::Result& r, int row);

}  // namespace uitgo::trip

// JSON text as people write it, and the one serializer every response,
// WebSocket frame, peer call and log line uses: doubles in their shortest
// round-trip form (10.7003, 5.0, 1e-07; never 1.07003E1), integers as
// integers, NaN and infinities as null (JSON has no such numbers), -0 as 0.0.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace uitgo::json {

// `value` as compact JSON text (object members in insertion order).
std::string to_text(const boost::json::value& value);
// Appends it to `out`.
void append_text(std::string& out, const boost::json::value& value);

// One double as JSON: the shortest text that reads back as the same double,
// with ".0" added to whole numbers written without an exponent (so it still
// reads as a floating-point number); "null" when not finite.
std::string number_text(double value);

}  // namespace uitgo::json

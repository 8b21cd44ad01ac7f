// The request log (`--request-log FILE`): one CSV line per scenario request,
// with the wall-clock instant its answer came, so a run can be lined up with
// events outside the generator (a fault injected at a known time) and checked
// against the database afterwards (the "id" of each answer, e.g. the trip a
// 201 created).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace uitgo::loadgen {

inline constexpr std::string_view kRequestLogHeader = "end_ms,scenario,request,status,error,latency_ms,id\n";

struct RequestLogEntry {
  std::int64_t end_ms = 0;  // Unix milliseconds when the answer (or the failure) came
  std::string_view scenario;
  std::string_view request;  // the request's name, e.g. "POST /v1/trips"
  int status = 0;            // 0: no HTTP answer
  std::string_view error;    // why there was no answer ("timeout", ...), else empty
  double latency_ms = 0;     // from the scheduled start, as in the summary
  std::string_view id;       // answer_id() of the body, may be empty
};

// One line, newline included. Commas and line breaks inside the text fields
// become spaces, so every line has exactly seven fields.
std::string request_log_line(const RequestLogEntry& entry);

// The top-level "id" string of a JSON object answer; "" for anything else
// (an array, a number id, no id, not JSON).
std::string answer_id(std::string_view body);

}  // namespace uitgo::loadgen

// Instants as Unix milliseconds and their RFC 3339 text, without the C
// library's locale or time-zone state. The one place that reads the wall clock
// as milliseconds and that writes or parses timestamps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uitgo {

// Milliseconds since the Unix epoch by the system clock.
std::int64_t now_ms();

// "2026-11-24T10:00:00.123Z" (UTC, always three fractional digits).
std::string format_rfc3339_ms(std::int64_t unix_ms);

// Strict RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM), 'T' or
// 't', 'Z' or 'z'; fractions beyond milliseconds are truncated. nullopt for
// anything else (including invalid dates such as 2025-02-30 or leap seconds).
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

// Seconds (with a fraction) from `unix_ms` to now; 0 for instants in the future.
double seconds_since_ms(std::int64_t unix_ms);

}  // namespace uitgo

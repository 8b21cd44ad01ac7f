// Seed report §2: scenario `riders` (ramping-arrival-rate up to TARGET_RPS,
// default 50, on POST /v1/trips) and `driverSearch` (constant-arrival-rate,
// 40/s, on GET /v1/drivers/search), as defined in
// loadtests/scenarios/trip_matching.json.
//
//   k6 run -e ACCESS_TOKEN=... -e API_BASE=http://localhost:8080 \
//          -e TARGET_RPS=50 -e DURATION=30s loadtests/k6/trip_matching.js
//
// Thresholds: http_req_failed rate<0.01, http_req_duration p(95)<250. The
// summary goes to RESULT (default loadtests/results/trip_matching.json).
// `make loadtest-trip-matching` runs this when k6 is installed.
import { buildOptions, resolveProfile, runIteration, setupTokens, summarize } from './lib.js';

const profile = resolveProfile(open('../scenarios/trip_matching.json'), 'trip_matching');

export const options = buildOptions(profile);

export function setup() {
  return setupTokens(profile);
}

export function iteration(tokens) {
  runIteration(profile, tokens);
}

export function handleSummary(data) {
  return summarize(data, profile);
}

// Any profile of loadtests/scenarios, chosen with -e PROFILE=<name>
// (smoke, spike, soak, search_only, trip_matching):
//
//   k6 run -e PROFILE=smoke -e API_BASE=http://localhost:8080 loadtests/k6/profile.js
//
// Same environment as trip_matching.js (ACCESS_TOKEN, DRIVER_TOKEN, TARGET_RPS,
// DURATION, VUS, RESULT). `make loadtest PROFILE=<name>` runs this when k6 is
// installed.
import { buildOptions, resolveProfile, runIteration, setupTokens, summarize } from './lib.js';

const name = __ENV.PROFILE || 'smoke';
if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`bad profile name '${name}'`);
const profile = resolveProfile(open(`../scenarios/${name}.json`), name);

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

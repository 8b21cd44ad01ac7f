#include "loadgen/options.hpp"

#include "loadgen/scenario_file.hpp"

namespace uitgo::loadgen {

const char* const kUsage =
    "usage: uitgo loadgen PROFILE [options]\n"
    "  PROFILE                a name in loadtests/scenarios (trip_matching, smoke, spike, soak, search_only)\n"
    "                         or the path of a scenario file\n"
    "  --api-base URL         where to send requests (API_BASE, default http://localhost:8080)\n"
    "  --tokens FILE          tokens printed by `uitgo seed` or the run dir's demo-tokens.json\n"
    "  --access-token TOKEN   one rider token for every request (ACCESS_TOKEN); without either,\n"
    "                         the demo accounts log in through POST /auth/login\n"
    "  --target-rps N         sets the profile's ${TARGET_RPS} (TARGET_RPS)\n"
    "  --duration D           sets ${DURATION}, the steady stage (DURATION), e.g. 30s, 2m\n"
    "  --vus N                sets ${VUS} (VUS)\n"
    "  --drivers N            sets ${DRIVERS}, the simulated drivers (DRIVERS)\n"
    "  --var NAME=VALUE       sets any other ${NAME} of the profile\n"
    "  --scenario A[,B]       run only these scenarios of the profile\n"
    "  --out FILE             summary JSON (default '-': stdout)\n"
    "  --timeseries FILE      CSV per second per scenario, written as the run goes:\n"
    "                         t,scenario,requests,errors,p50_ms,p95_ms,p99_ms\n"
    "  --request-log FILE     CSV line per scenario request: end_ms (Unix ms of the answer),scenario,request,\n"
    "                         status (0: no answer),error,latency_ms,id (the \"id\" of a JSON object answer)\n"
    "  --metrics-url URL      Prometheus endpoint to read match_queue_depth from each second,\n"
    "                         e.g. http://127.0.0.1:8083/metrics\n"
    "  --timeout D            per-request timeout (default 10s)\n"
    "  --fail-on-error        exit 1 when any request got an unexpected status or no answer\n"
    "  --no-thresholds        do not judge the profile's thresholds (k6's --no-thresholds)\n"
    "  --quiet                no progress lines\n"
    "Exit status: 0 ok, 1 thresholds failed (or errors with --fail-on-error), 2 bad usage or setup.";

config::Spec options_spec() {
  config::Spec s;
  s.string("API_BASE", "http://localhost:8080", "base URL of the API (the gateway)")
      .string("ACCESS_TOKEN", "", "rider access token used when neither --tokens nor --access-token is given", true)
      .string("TARGET_RPS", "", "default for --target-rps")
      .string("DURATION", "", "default for --duration")
      .string("VUS", "", "default for --vus")
      .string("DRIVERS", "", "default for --drivers")
      .string("LOADTEST_SCENARIOS_DIR", "loadtests/scenarios", "where profile names are looked up");
  return s;
}

namespace {

double positive_seconds(const std::string& flag, const std::string& text) {
  const auto s = parse_duration(text);
  if (!s || *s <= 0 || *s > kMaxDurationSeconds) {
    throw UsageError(flag + " needs a duration such as 30s (at most 30 days), got '" + text + "'");
  }
  return *s;
}

void check_number(const std::string& flag, const std::string& text) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used != text.size() || v < 0) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw UsageError(flag + " needs a number >= 0, got '" + text + "'");
  }
}

}  // namespace

Options parse_options(const config::Values& env, const std::vector<std::string>& args) {
  Options o;
  o.api_base = env.str("API_BASE");
  o.scenarios_dir = env.str("LOADTEST_SCENARIOS_DIR");
  if (env.has("ACCESS_TOKEN")) o.access_token = env.str("ACCESS_TOKEN");
  for (const char* name : {"TARGET_RPS", "DURATION", "VUS", "DRIVERS"}) {
    if (env.has(name)) o.ambient[name] = env.str(name);
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
      return args[++i];
    };
    if (a == "--api-base") {
      o.api_base = value();
    } else if (a == "--tokens") {
      o.tokens_file = value();
    } else if (a == "--access-token") {
      o.access_token = value();
    } else if (a == "--target-rps") {
      o.overrides["TARGET_RPS"] = value();
      check_number(a, o.overrides["TARGET_RPS"]);
    } else if (a == "--duration") {
      o.overrides["DURATION"] = value();
      positive_seconds(a, o.overrides["DURATION"]);
    } else if (a == "--vus") {
      o.overrides["VUS"] = value();
      check_number(a, o.overrides["VUS"]);
    } else if (a == "--drivers") {
      o.overrides["DRIVERS"] = value();
      check_number(a, o.overrides["DRIVERS"]);
    } else if (a == "--var") {
      const auto kv = value();
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError("--var needs NAME=VALUE, got '" + kv + "'");
      o.overrides[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (a == "--scenario" || a == "--scenarios") {
      o.only_scenarios = value();
    } else if (a == "--out") {
      o.out = value();
    } else if (a == "--timeseries") {
      o.timeseries = value();
    } else if (a == "--request-log") {
      o.request_log = value();
    } else if (a == "--metrics-url") {
      o.metrics_url = value();
    } else if (a == "--timeout") {
      o.timeout_seconds = positive_seconds(a, value());
    } else if (a == "--fail-on-error") {
      o.fail_on_error = true;
    } else if (a == "--no-thresholds") {
      o.thresholds = false;
    } else if (a == "--quiet") {
      o.progress = false;
    } else if (a == "--scenarios-dir") {
      o.scenarios_dir = value();
    } else if (!a.empty() && a[0] == '-') {
      throw UsageError("unknown option '" + a + "' (see uitgo loadgen --help)");
    } else if (o.profile.empty()) {
      o.profile = a;
    } else {
      throw UsageError("unexpected argument '" + a + "'");
    }
  }
  if (o.profile.empty()) throw UsageError("which profile? e.g. `uitgo loadgen trip_matching` (see --help)");
  return o;
}

}  // namespace uitgo::loadgen

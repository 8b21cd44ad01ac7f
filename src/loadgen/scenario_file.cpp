#include "loadgen/scenario_file.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "loadgen/thresholds.hpp"

namespace uitgo::loadgen {
namespace json = boost::json;
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw ScenarioError(path + ": " + problem);
}

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Finite numbers only: from_chars also reads "nan" and "inf".
std::optional<double> to_number(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// ---- ${VARIABLE} substitution over the whole document

std::string substitute_text(std::string_view text, const std::map<std::string, std::string>& vars,
                            const std::string& path) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const auto open = text.find("${", at);
    if (open == std::string_view::npos) break;
    const auto close = text.find('}', open);
    if (close == std::string_view::npos) fail(path, "unterminated ${ in '" + std::string(text) + "'");
    const std::string name(text.substr(open + 2, close - open - 2));
    const auto found = vars.find(name);
    if (found == vars.end()) fail(path, "unknown variable ${" + name + "} (declare it under \"variables\")");
    out.append(text.substr(at, open - at)).append(found->second);
    at = close + 1;
  }
  return out.append(text.substr(at));
}

void substitute(json::value& v, const std::map<std::string, std::string>& vars, const std::string& path) {
  if (v.is_object()) {
    for (auto& [key, child] : v.as_object()) substitute(child, vars, path + "." + std::string(key));
  } else if (v.is_array()) {
    auto& a = v.as_array();
    for (std::size_t i = 0; i < a.size(); ++i) substitute(a[i], vars, path + "[" + std::to_string(i) + "]");
  } else if (v.is_string() && v.as_string().find("${") != json::string::npos) {
    const std::string text(v.as_string());
    const auto replaced = substitute_text(text, vars, path);
    // A value that is exactly "${X}" takes X's type: "50" becomes the number 50.
    const bool whole = text.size() > 3 && text.rfind("${", 0) == 0 && text.find('}') == text.size() - 1;
    if (whole) {
      if (const auto n = to_number(replaced)) {
        v = *n;
        return;
      }
    }
    v = replaced;
  }
}

std::map<std::string, std::string> resolve_variables(const json::object& root, const Overrides& overrides) {
  std::map<std::string, std::string> vars;
  if (const auto* declared = root.if_contains("variables")) {
    if (!declared->is_object()) fail("variables", "must be an object of NAME: default value");
    for (const auto& [key, value] : declared->as_object()) {
      const std::string name(key);
      if (!is_identifier(name)) fail("variables." + name, "not a valid variable name");
      if (value.is_string()) {
        vars[name] = std::string(value.as_string());
      } else if (value.is_number()) {
        vars[name] = json::serialize(value);
      } else {
        fail("variables." + name, "must be a number or a string");
      }
    }
  }
  for (const auto& [name, value] : overrides.ambient) {
    if (vars.count(name)) vars[name] = value;
  }
  for (const auto& [name, value] : overrides.required) {
    if (!vars.count(name)) {
      std::string known;
      for (const auto& [k, unused] : vars) known += (known.empty() ? "" : ", ") + k;
      fail("variables",
           "the profile has no variable " + name + " to override (it has: " + (known.empty() ? "none" : known) + ")");
    }
    vars[name] = value;
  }
  return vars;
}

// ---- typed field access with the field's path in every error

class Fields {
 public:
  Fields(const json::value& v, std::string path, std::set<std::string> allowed) : path_(std::move(path)) {
    if (!v.is_object()) fail(path_, "must be an object");
    object_ = &v.as_object();
    allowed.insert("description");
    allowed.insert("comment");
    for (const auto& [key, unused] : *object_) {
      if (!allowed.count(std::string(key))) fail(at(std::string(key)), "unknown field");
    }
  }

  std::string at(const std::string& key) const { return path_ + "." + key; }
  const json::value* find(const std::string& key) const { return object_->if_contains(key); }
  bool has(const std::string& key) const { return find(key) != nullptr; }

  const json::value& required(const std::string& key) const {
    const auto* v = find(key);
    if (!v) fail(at(key), "is required");
    return *v;
  }

  double number(const std::string& key, double min, double max, std::optional<double> fallback = {}) const {
    const auto* v = find(key);
    if (!v) {
      if (fallback) return *fallback;
      fail(at(key), "is required");
    }
    if (!v->is_number()) fail(at(key), "must be a number");
    const double d = v->to_number<double>();
    if (!std::isfinite(d) || d < min || d > max) {
      std::ostringstream msg;
      msg << "must be between " << min << " and " << max << " (got " << d << ")";
      fail(at(key), msg.str());
    }
    return d;
  }

  int integer(const std::string& key, int min, int max, std::optional<int> fallback = {}) const {
    const double d = number(key, min, max, fallback);
    if (d != std::floor(d)) fail(at(key), "must be a whole number");
    return static_cast<int>(d);
  }

  double seconds(const std::string& key, std::optional<double> fallback = {}) const {
    const auto* v = find(key);
    if (!v) {
      if (fallback) return *fallback;
      fail(at(key), "is required");
    }
    std::optional<double> s;
    if (v->is_number()) s = v->to_number<double>();
    if (v->is_string()) s = parse_duration(v->as_string());
    if (!s || *s < 0) fail(at(key), "must be a duration such as \"30s\", \"1m30s\" or \"500ms\"");
    if (*s > kMaxDurationSeconds) fail(at(key), "must be at most 30 days");
    return *s;
  }

  std::string string(const std::string& key, std::optional<std::string> fallback = {}) const {
    const auto* v = find(key);
    if (!v) {
      if (fallback) return *fallback;
      fail(at(key), "is required");
    }
    if (!v->is_string()) fail(at(key), "must be a string");
    return std::string(v->as_string());
  }

  bool flag(const std::string& key, bool fallback) const {
    const auto* v = find(key);
    if (!v) return fallback;
    if (!v->is_bool()) fail(at(key), "must be true or false");
    return v->as_bool();
  }

 private:
  std::string path_;
  const json::object* object_ = nullptr;
};

// ---- pieces

Variable parse_variable(const std::string& name, const json::value& v, const std::string& path) {
  if (!is_identifier(name)) fail(path, "not a valid variable name");
  const auto& builtins = builtin_names();
  if (std::find(builtins.begin(), builtins.end(), name) != builtins.end()) fail(path, "is a built-in name");
  const Fields f(v, path, {"uniform", "decimals", "oneOf"});
  Variable var;
  var.name = name;
  if (f.has("uniform")) {
    const auto& range = f.required("uniform");
    if (!range.is_array() || range.as_array().size() != 2 || !range.as_array()[0].is_number() ||
        !range.as_array()[1].is_number()) {
      fail(f.at("uniform"), "must be [low, high]");
    }
    var.low = range.as_array()[0].to_number<double>();
    var.high = range.as_array()[1].to_number<double>();
    if (!std::isfinite(var.low) || !std::isfinite(var.high)) fail(f.at("uniform"), "must be [low, high]");
    if (!(var.low <= var.high)) fail(f.at("uniform"), "low must not exceed high");
    var.decimals = f.integer("decimals", 0, 12, 6);
  } else if (f.has("oneOf")) {
    const auto& list = f.required("oneOf");
    if (!list.is_array() || list.as_array().empty()) fail(f.at("oneOf"), "must be a non-empty array of strings");
    var.kind = Variable::Kind::one_of;
    for (const auto& item : list.as_array()) {
      if (!item.is_string()) fail(f.at("oneOf"), "must be a non-empty array of strings");
      var.choices.emplace_back(item.as_string());
    }
  } else {
    fail(path, "needs \"uniform\": [low, high] or \"oneOf\": [...]");
  }
  return var;
}

Template compile(const std::string& text, TemplateKind kind, const std::vector<std::string>& names,
                 const std::string& path) {
  try {
    return Template::compile(text, kind, names);
  } catch (const std::invalid_argument& e) {
    fail(path, e.what());
  }
}

RequestSpec parse_request(const json::value& v, const std::string& path, const std::vector<std::string>& names) {
  const Fields f(v, path, {"name", "method", "path", "body", "headers", "auth", "expect"});
  RequestSpec r;
  r.method = f.string("method", std::string("GET"));
  static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
  if (!kMethods.count(r.method)) fail(f.at("method"), "must be one of GET, POST, PUT, PATCH, DELETE, HEAD");
  const auto target = f.string("path");
  if (target.empty() || target.front() != '/') fail(f.at("path"), "must start with '/'");
  r.path = compile(target, TemplateKind::path, names, f.at("path"));
  r.name = f.string("name", r.method + " " + target.substr(0, target.find('?')));
  if (const auto* body = f.find("body")) {
    const std::string text = body->is_string() ? std::string(body->as_string()) : json::serialize(*body);
    r.body = compile(text, body->is_string() ? TemplateKind::header : TemplateKind::json, names, f.at("body"));
  }
  if (const auto* headers = f.find("headers")) {
    if (!headers->is_object()) fail(f.at("headers"), "must be an object of name: value");
    for (const auto& [key, value] : headers->as_object()) {
      if (!value.is_string()) fail(f.at("headers") + "." + std::string(key), "must be a string");
      r.headers.emplace_back(std::string(key), compile(std::string(value.as_string()), TemplateKind::header, names,
                                                       f.at("headers") + "." + std::string(key)));
    }
  }
  const auto auth = f.string("auth", std::string("rider"));
  if (auth == "rider") {
    r.auth = Auth::rider;
  } else if (auth == "driver") {
    r.auth = Auth::driver;
  } else if (auth == "none") {
    r.auth = Auth::none;
  } else {
    fail(f.at("auth"), "must be \"rider\", \"driver\" or \"none\"");
  }
  if (const auto* expect = f.find("expect")) {
    json::array list;
    if (expect->is_array()) {
      list = expect->as_array();
    } else {
      list.push_back(*expect);
    }
    for (const auto& s : list) {
      if (!s.is_int64() || s.as_int64() < 100 || s.as_int64() > 599) {
        fail(f.at("expect"), "must be a status code or an array of status codes (100-599)");
      }
      r.expect.push_back(static_cast<int>(s.as_int64()));
    }
  }
  return r;
}

std::vector<Stage> parse_stages(const Fields& f, double time_unit) {
  const auto& list = f.required("stages");
  if (!list.is_array() || list.as_array().empty()) fail(f.at("stages"), "must be a non-empty array");
  std::vector<Stage> stages;
  for (std::size_t i = 0; i < list.as_array().size(); ++i) {
    const Fields s(list.as_array()[i], f.at("stages") + "[" + std::to_string(i) + "]", {"duration", "target"});
    stages.push_back({s.seconds("duration"), s.number("target", 0, 1e6) / time_unit});
  }
  return stages;
}

Scenario parse_scenario(const std::string& name, const json::value& v) {
  const std::string path = "scenarios." + name;
  if (!is_identifier(name)) fail(path, "scenario names may hold letters, digits and '_'");
  const Fields f(v, path,
                 {"executor", "startTime", "startRate", "timeUnit", "stages", "rate", "duration", "preAllocatedVUs",
                  "maxVUs", "vus", "thinkTime", "vars", "request", "requests"});
  Scenario s;
  s.name = name;
  s.start_seconds = f.seconds("startTime", 0.0);
  const auto executor = f.string("executor");
  const bool arrival = executor == "ramping-arrival-rate" || executor == "constant-arrival-rate";
  if (arrival) {
    const double unit = f.seconds("timeUnit", 1.0);
    if (unit <= 0) fail(f.at("timeUnit"), "must be more than zero");
    if (executor == "ramping-arrival-rate") {
      s.executor = Executor::ramping_arrival_rate;
      s.start_rate = f.number("startRate", 0, 1e6, 0.0) / unit;
      s.stages = parse_stages(f, unit);
    } else {
      s.executor = Executor::constant_arrival_rate;
      s.start_rate = f.number("rate", 0, 1e6) / unit;
      s.stages = {{f.seconds("duration"), s.start_rate}};
    }
    s.pre_allocated_vus = f.integer("preAllocatedVUs", 1, 100000);
    s.max_vus = f.integer("maxVUs", s.pre_allocated_vus, 100000, s.pre_allocated_vus);
  } else if (executor == "constant-vus") {
    s.executor = Executor::constant_vus;
    s.vus = f.integer("vus", 1, 100000);
    s.duration_seconds = f.seconds("duration");
    s.think_seconds = f.seconds("thinkTime", 0.0);
  } else {
    fail(f.at("executor"),
         "must be ramping-arrival-rate, constant-arrival-rate or constant-vus (got '" + executor + "')");
  }
  std::vector<std::string> names = builtin_names();
  if (const auto* vars = f.find("vars")) {
    if (!vars->is_object()) fail(f.at("vars"), "must be an object of name: generator");
    for (const auto& [key, value] : vars->as_object()) {
      s.variables.push_back(parse_variable(std::string(key), value, f.at("vars") + "." + std::string(key)));
      names.push_back(std::string(key));
    }
  }
  if (f.has("request") == f.has("requests")) fail(path, "needs exactly one of \"request\" or \"requests\"");
  if (const auto* one = f.find("request")) s.requests.push_back(parse_request(*one, f.at("request"), names));
  if (const auto* many = f.find("requests")) {
    if (!many->is_array() || many->as_array().empty()) fail(f.at("requests"), "must be a non-empty array");
    for (std::size_t i = 0; i < many->as_array().size(); ++i) {
      s.requests.push_back(parse_request(many->as_array()[i], f.at("requests") + "[" + std::to_string(i) + "]", names));
    }
  }
  return s;
}

std::pair<double, double> parse_range(const Fields& f, const std::string& key, double low, double high) {
  const auto* v = f.find(key);
  if (!v) return {low, high};
  if (!v->is_array() || v->as_array().size() != 2 || !v->as_array()[0].is_number() || !v->as_array()[1].is_number()) {
    fail(f.at(key), "must be [low, high]");
  }
  const double a = v->as_array()[0].to_number<double>(), b = v->as_array()[1].to_number<double>();
  if (!(a <= b)) fail(f.at(key), "low must not exceed high");
  return {a, b};
}

DriversSpec parse_drivers(const json::value& v) {
  const Fields f(v, "drivers", {"count", "locationInterval", "pollInterval", "acceptTrips", "rideStepDelay", "area"});
  DriversSpec d;
  d.count = f.integer("count", 0, 100000);
  d.location_seconds = f.seconds("locationInterval", 2.0);
  d.poll_seconds = f.seconds("pollInterval", 1.0);
  d.accept_trips = f.flag("acceptTrips", true);
  d.step_seconds = f.seconds("rideStepDelay", 1.0);
  if (d.location_seconds <= 0 || d.poll_seconds <= 0) fail("drivers", "intervals must be more than zero");
  if (const auto* area = f.find("area")) {
    const Fields a(*area, "drivers.area", {"lat", "lng"});
    std::tie(d.area.min_lat, d.area.max_lat) = parse_range(a, "lat", d.area.min_lat, d.area.max_lat);
    std::tie(d.area.min_lng, d.area.max_lng) = parse_range(a, "lng", d.area.min_lng, d.area.max_lng);
  }
  return d;
}

void parse_thresholds(const json::value& v, Profile& p) {
  if (!v.is_object()) fail("thresholds", "must be an object of metric: [expressions]");
  for (const auto& [key, list] : v.as_object()) {
    const std::string metric(key);
    const std::string path = "thresholds." + metric;
    MetricRef ref;
    try {
      ref = parse_metric(metric);
    } catch (const std::invalid_argument& e) {
      fail(path, e.what());
    }
    if (ref.scenario && std::none_of(p.scenarios.begin(), p.scenarios.end(),
                                     [&](const Scenario& s) { return s.name == *ref.scenario; })) {
      fail(path, "no scenario named '" + *ref.scenario + "'");
    }
    if (!list.is_array()) fail(path, "must be an array of expressions such as \"p(95)<250\"");
    std::vector<std::string> expressions;
    for (const auto& item : list.as_array()) {
      const json::value* text = &item;
      if (item.is_object() && item.as_object().if_contains("threshold")) text = &item.as_object().at("threshold");
      if (!text->is_string()) fail(path, "each entry must be a string such as \"p(95)<250\"");
      try {
        parse_threshold(text->as_string(), ref.metric);
      } catch (const std::invalid_argument& e) {
        fail(path, e.what());
      }
      expressions.emplace_back(text->as_string());
    }
    p.thresholds.emplace_back(metric, std::move(expressions));
  }
}

}  // namespace

std::optional<double> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (const auto plain = to_number(text)) return *plain;
  double total = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = at;
    while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
    const auto number = to_number(text.substr(at, end - at));
    if (!number) return std::nullopt;
    std::size_t unit_end = end;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) ++unit_end;
    const auto unit = text.substr(end, unit_end - end);
    double scale = 0;
    if (unit == "ms") {
      scale = 0.001;
    } else if (unit == "s") {
      scale = 1;
    } else if (unit == "m") {
      scale = 60;
    } else if (unit == "h") {
      scale = 3600;
    } else {
      return std::nullopt;
    }
    total += *number * scale;
    at = unit_end;
  }
  if (!std::isfinite(total)) return std::nullopt;
  return total;
}

Profile parse_profile(std::string_view json_text, const std::string& name, const Overrides& overrides) {
  boost::system::error_code ec;
  auto doc = json::parse(json_text, ec);
  if (ec) throw ScenarioError("not valid JSON: " + ec.message());
  if (!doc.is_object()) throw ScenarioError("the top level must be a JSON object");
  Profile p;
  p.name = name;
  p.variables = resolve_variables(doc.as_object(), overrides);
  auto& root = doc.as_object();
  for (auto& [key, value] : root) {
    if (key != "variables") substitute(value, p.variables, std::string(key));
  }
  const Fields f(doc, "profile", {"variables", "scenarios", "thresholds", "drivers"});
  p.description = f.string("description", std::string());
  const auto& scenarios = f.required("scenarios");
  if (!scenarios.is_object() || scenarios.as_object().empty()) fail("scenarios", "must be a non-empty object");
  for (const auto& [key, value] : scenarios.as_object()) p.scenarios.push_back(parse_scenario(std::string(key), value));
  if (const auto* thresholds = f.find("thresholds")) parse_thresholds(*thresholds, p);
  if (const auto* drivers = f.find("drivers")) p.drivers = parse_drivers(*drivers);
  return p;
}

Profile load_profile(const std::string& name_or_path, const std::string& dir, const Overrides& overrides) {
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".json");
  const std::string path = is_path ? name_or_path : dir + "/" + name_or_path + ".json";
  std::ifstream in(path);
  if (!in) {
    if (is_path) throw ScenarioError("cannot read scenario file " + path);
    throw ScenarioError("unknown profile '" + name_or_path + "' (no " + path + ")");
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string name = path.substr(path.find_last_of('/') + 1);
  if (name.size() > 5 && name.substr(name.size() - 5) == ".json") name.resize(name.size() - 5);
  try {
    return parse_profile(text.str(), name, overrides);
  } catch (const ScenarioError& e) {
    throw ScenarioError("scenario file " + path + ": " + e.what());
  }
}

void select_scenarios(Profile& profile, const std::string& names) {
  if (names.empty()) return;
  std::vector<Scenario> kept;
  std::stringstream list(names);
  std::string name;
  while (std::getline(list, name, ',')) {
    const auto found = std::find_if(profile.scenarios.begin(), profile.scenarios.end(),
                                    [&](const Scenario& s) { return s.name == name; });
    if (found == profile.scenarios.end()) {
      std::string known;
      for (const auto& s : profile.scenarios) {
        if (!known.empty()) known += ", ";
        known += s.name;
      }
      std::string message = "unknown scenario '";
      message.append(name).append("' in profile ").append(profile.name).append(" (it has: ").append(known).append(")");
      throw ScenarioError(message);
    }
    kept.push_back(*found);
  }
  profile.scenarios = std::move(kept);
  // Thresholds about scenarios that no longer run would judge nothing.
  std::erase_if(profile.thresholds, [&](const auto& t) {
    const auto ref = parse_metric(t.first);
    return ref.scenario && std::none_of(profile.scenarios.begin(), profile.scenarios.end(),
                                        [&](const Scenario& s) { return s.name == *ref.scenario; });
  });
}

double Scenario::active_seconds() const {
  if (executor == Executor::constant_vus) return duration_seconds;
  double total = 0;
  for (const auto& s : stages) total += s.seconds;
  return total;
}

double Profile::total_seconds() const {
  double total = 0;
  for (const auto& s : scenarios) total = std::max(total, s.start_seconds + s.active_seconds());
  return total;
}

}  // namespace uitgo::loadgen

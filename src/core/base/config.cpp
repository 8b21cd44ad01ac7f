#include "core/base/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace uitgo::config {
namespace {

std::optional<std::int64_t> parse_int(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  try {
    const long long v = std::stoll(text, &used, 10);
    if (used != text.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<bool> parse_bool(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
  if (text == "0" || text == "false" || text == "no" || text == "off") return false;
  return std::nullopt;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// Returns an error message, or an empty string when `value` is acceptable.
std::string check(const Variable& v, const std::string& value) {
  const std::string shown = v.secret ? "(hidden)" : "'" + value + "'";
  switch (v.kind) {
    case Kind::String:
      return {};
    case Kind::Integer: {
      const auto n = parse_int(value);
      if (!n) return v.name + "=" + shown + " is not an integer";
      if (*n < v.min || *n > v.max) {
        return v.name + "=" + shown + " is out of range [" + std::to_string(v.min) + ", " + std::to_string(v.max) + "]";
      }
      return {};
    }
    case Kind::Boolean:
      return parse_bool(value) ? std::string{} : v.name + "=" + shown + " is not a boolean (true/false)";
    case Kind::Choice:
      if (std::find(v.choices.begin(), v.choices.end(), value) != v.choices.end()) return {};
      return v.name + "=" + shown + " must be one of: " + join(v.choices, ", ");
  }
  return {};
}

}  // namespace

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

const std::string& Values::raw(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("config variable not declared: " + std::string(name));
  return it->second;
}

const std::string& Values::str(std::string_view name) const { return raw(name); }

std::int64_t Values::integer(std::string_view name) const { return *parse_int(raw(name)); }

bool Values::flag(std::string_view name) const { return *parse_bool(raw(name)); }

bool Values::has(std::string_view name) const {
  const auto it = values_.find(name);
  return it != values_.end() && !it->second.empty();
}

Spec& Spec::add(Variable v) {
  const auto same = [&](const Variable& o) { return o.name == v.name; };
  if (std::any_of(variables_.begin(), variables_.end(), same)) {
    throw std::logic_error("config variable declared twice: " + v.name);
  }
  variables_.push_back(std::move(v));
  return *this;
}

Spec& Spec::string(std::string name, std::string default_value, std::string help, bool secret) {
  return add(
      {.name = std::move(name), .default_value = std::move(default_value), .help = std::move(help), .secret = secret});
}

Spec& Spec::required_string(std::string name, std::string help, bool secret) {
  return add({.name = std::move(name), .help = std::move(help), .required = true, .secret = secret});
}

Spec& Spec::integer(std::string name, std::int64_t default_value, std::int64_t min, std::int64_t max,
                    std::string help) {
  return add({.name = std::move(name),
              .default_value = std::to_string(default_value),
              .help = std::move(help),
              .kind = Kind::Integer,
              .min = min,
              .max = max});
}

Spec& Spec::boolean(std::string name, bool default_value, std::string help) {
  return add({.name = std::move(name),
              .default_value = default_value ? "true" : "false",
              .help = std::move(help),
              .kind = Kind::Boolean});
}

Spec& Spec::choice(std::string name, std::string default_value, std::vector<std::string> choices, std::string help) {
  return add({.name = std::move(name),
              .default_value = std::move(default_value),
              .help = std::move(help),
              .kind = Kind::Choice,
              .choices = std::move(choices)});
}

Spec& Spec::merge(const Spec& other) {
  for (const auto& v : other.variables_) add(v);
  return *this;
}

Values Spec::load(const EnvLookup& env) const {
  Values values;
  std::vector<std::string> problems;
  for (const auto& v : variables_) {
    std::string value = env(v.name).value_or(v.default_value);
    if (value.empty() && v.required) {
      problems.push_back(v.name + " is required: " + v.help);
      continue;
    }
    if (!value.empty()) {
      if (auto problem = check(v, value); !problem.empty()) problems.push_back(std::move(problem));
    }
    values.set(v.name, std::move(value));
  }
  if (!problems.empty()) throw ConfigError("invalid configuration:\n  " + join(problems, "\n  "));
  return values;
}

std::string Spec::help_text(std::string_view program) const {
  std::ostringstream out;
  out << "Usage: " << program << "\nConfiguration (environment variables):\n";
  for (const auto& v : variables_) {
    out << "  " << v.name;
    if (v.required) {
      out << " (required)";
    } else {
      out << " (default: " << (v.default_value.empty() ? "unset" : v.default_value) << ")";
    }
    out << "\n      " << v.help;
    if (v.kind == Kind::Integer) out << " [" << v.min << ".." << v.max << "]";
    if (v.kind == Kind::Choice) out << " [" << join(v.choices, "|") << "]";
    out << "\n";
  }
  return out.str();
}

}  // namespace uitgo::config

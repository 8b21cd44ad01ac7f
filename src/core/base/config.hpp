// Configuration comes only from environment variables. Each service declares
// its variables once (name, default, meaning, bounds) in a Spec; the same Spec
// drives parsing, validation at start and the --help text.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace uitgo::config {

// Thrown at start when one or more variables are invalid; what() lists all.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Kind { String, Integer, Boolean, Choice };

struct Variable {
  std::string name;
  std::string default_value;  // empty + required=false means "unset"
  std::string help;
  Kind kind = Kind::String;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::vector<std::string> choices;
  bool required = false;
  bool secret = false;  // never echoed back in errors or logs
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup process_environment();

class Values {
 public:
  const std::string& str(std::string_view name) const;
  std::int64_t integer(std::string_view name) const;
  bool flag(std::string_view name) const;
  std::chrono::milliseconds millis(std::string_view name) const { return std::chrono::milliseconds(integer(name)); }
  bool has(std::string_view name) const;  // set (or defaulted) to a non-empty value

  void set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }

 private:
  const std::string& raw(std::string_view name) const;
  std::map<std::string, std::string, std::less<>> values_;
};

class Spec {
 public:
  // `secret`: the value is never echoed back (errors, --help shows only the default).
  Spec& string(std::string name, std::string default_value, std::string help, bool secret = false);
  Spec& required_string(std::string name, std::string help, bool secret = false);
  Spec& integer(std::string name, std::int64_t default_value, std::int64_t min, std::int64_t max, std::string help);
  Spec& boolean(std::string name, bool default_value, std::string help);
  Spec& choice(std::string name, std::string default_value, std::vector<std::string> choices, std::string help);
  Spec& merge(const Spec& other);

  // Parses every variable; collects all problems and throws one ConfigError.
  Values load(const EnvLookup& env = process_environment()) const;
  std::string help_text(std::string_view program) const;
  const std::vector<Variable>& variables() const { return variables_; }

 private:
  Spec& add(Variable v);
  std::vector<Variable> variables_;
};

}  // namespace uitgo::config

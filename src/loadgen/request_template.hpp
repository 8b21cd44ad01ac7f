// Request templates: a path, header or JSON body with {{name}} placeholders
// filled per iteration. Names are the built-ins (uuid, vu, iteration,
// scenario) and the scenario's declared variables (a uniform random number or
// one of a list). In a JSON body a placeholder that is a whole string value,
// "{{lat}}", becomes the value itself (a number stays a number); anywhere else
// it is spliced into the text (escaped for JSON, percent-encoded in a path).
#pragma once

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace uitgo::loadgen {

struct Variable {
  enum class Kind { uniform, one_of };
  std::string name;
  Kind kind = Kind::uniform;
  double low = 0;
  double high = 0;
  int decimals = 6;
  std::vector<std::string> choices;
};

// One drawn value: `text` is what gets spliced in; `number` says whether it
// may stand unquoted in JSON.
struct Value {
  bool number = false;
  std::string text;
};

enum class TemplateKind { path, header, json };

// Built-in names, in the order of the first values of an iteration.
inline const std::vector<std::string>& builtin_names() {
  static const std::vector<std::string> names = {"uuid", "vu", "iteration", "scenario"};
  return names;
}

class Template {
 public:
  Template() = default;
  // `names`: every name a placeholder may use, in value order. Throws
  // std::invalid_argument naming the first unknown or unterminated placeholder.
  static Template compile(std::string_view text, TemplateKind kind, const std::vector<std::string>& names);

  std::string render(const std::vector<Value>& values) const;
  bool empty() const { return pieces_.empty(); }

 private:
  struct Piece {
    std::string literal;
    int value = -1;  // index into the values, -1 for a pure literal
    bool whole_json_string = false;
  };
  std::vector<Piece> pieces_;
  TemplateKind kind_ = TemplateKind::path;
};

Value draw(const Variable& v, std::mt19937_64& rng);
std::string random_uuid(std::mt19937_64& rng);

}  // namespace uitgo::loadgen

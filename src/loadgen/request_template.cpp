#include "loadgen/request_template.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace uitgo::loadgen {
namespace {

std::string escape_json(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

std::string format_number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

Template Template::compile(std::string_view text, TemplateKind kind, const std::vector<std::string>& names) {
  Template t;
  t.kind_ = kind;
  std::string literal;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto open = text.find("{{", at);
    if (open == std::string_view::npos) {
      literal.append(text.substr(at));
      break;
    }
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw std::invalid_argument("unterminated placeholder '" + std::string(text.substr(open, 20)) + "'");
    }
    const std::string name(text.substr(open + 2, close - open - 2));
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) throw std::invalid_argument("unknown variable {{" + name + "}}");
    literal.append(text.substr(at, open - at));
    Piece piece;
    piece.value = static_cast<int>(found - names.begin());
    // "{{x}}" as a whole JSON string: drop the quotes around it; render adds
    // them back unless the value is a number.
    if (kind == TemplateKind::json && !literal.empty() && literal.back() == '"' && close + 2 < text.size() &&
        text[close + 2] == '"') {
      literal.pop_back();
      piece.whole_json_string = true;
      at = close + 3;
    } else {
      at = close + 2;
    }
    piece.literal = std::move(literal);
    literal.clear();
    t.pieces_.push_back(std::move(piece));
  }
  if (!literal.empty()) t.pieces_.push_back(Piece{std::move(literal), -1, false});
  return t;
}

std::string Template::render(const std::vector<Value>& values) const {
  std::string out;
  for (const auto& p : pieces_) {
    out += p.literal;
    if (p.value < 0) continue;
    const auto& v = values.at(static_cast<std::size_t>(p.value));
    if (p.whole_json_string) {
      if (v.number) {
        out += v.text;
      } else {
        out += '"';
        out += escape_json(v.text);
        out += '"';
      }
    } else if (kind_ == TemplateKind::json) {
      out += escape_json(v.text);
    } else if (kind_ == TemplateKind::path) {
      out += percent_encode(v.text);
    } else {
      out += v.text;
    }
  }
  return out;
}

Value draw(const Variable& v, std::mt19937_64& rng) {
  if (v.kind == Variable::Kind::one_of) {
    std::uniform_int_distribution<std::size_t> pick(0, v.choices.size() - 1);
    return {false, v.choices[pick(rng)]};
  }
  std::uniform_real_distribution<double> number(v.low, v.high);
  return {true, format_number(number(rng), v.decimals)};
}

std::string random_uuid(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(36, '-');
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    s[i] = kHex[rng() & 0xF];
  }
  s[14] = '4';
  s[19] = kHex[8 + (rng() & 0x3)];
  return s;
}

}  // namespace uitgo::loadgen

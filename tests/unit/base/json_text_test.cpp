#include "core/base/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>

using uitgo::json::number_text;
using uitgo::json::to_text;
namespace bj = boost::json;

TEST(JsonText, DoublesAsPeopleWriteThem) {
  EXPECT_EQ(number_text(10.7003), "10.7003");
  EXPECT_EQ(number_text(106.80321), "106.80321");
  EXPECT_EQ(number_text(-33.5), "-33.5");
  EXPECT_EQ(number_text(0.1), "0.1");
  EXPECT_EQ(number_text(123456789012.5), "123456789012.5");
}

TEST(JsonText, WholeDoublesKeepAPoint) {
  // Dart's jsonDecode and similar parsers then still read a double.
  EXPECT_EQ(number_text(5.0), "5.0");
  EXPECT_EQ(number_text(106.0), "106.0");
  EXPECT_EQ(number_text(-90.0), "-90.0");
  EXPECT_EQ(number_text(0.0), "0.0");
}

TEST(JsonText, NegativeZeroIsZero) { EXPECT_EQ(number_text(-0.0), "0.0"); }

TEST(JsonText, VeryLargeAndSmallUseAnExponent) {
  EXPECT_EQ(number_text(1e21), "1e+21");
  EXPECT_EQ(number_text(1e-7), "1e-07");
  EXPECT_EQ(number_text(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
}

TEST(JsonText, NonFiniteNumbersNeverReachTheOutput) {
  EXPECT_EQ(number_text(std::nan("")), "null");
  EXPECT_EQ(number_text(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(number_text(-std::numeric_limits<double>::infinity()), "null");
  const bj::object o{{"lat", std::nan("")}, {"lng", 1.5}};
  EXPECT_EQ(to_text(o), R"({"lat":null,"lng":1.5})");
}

TEST(JsonText, IntegersStayIntegers) {
  EXPECT_EQ(to_text(bj::value(std::int64_t{50000})), "50000");
  EXPECT_EQ(to_text(bj::value(std::int64_t{-7})), "-7");
  EXPECT_EQ(to_text(bj::value(std::numeric_limits<std::int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(to_text(bj::value(std::numeric_limits<std::uint64_t>::max())), "18446744073709551615");
  const bj::object page{{"total", 3}, {"limit", 20}, {"offset", 0}};
  const auto back = bj::parse(to_text(page)).as_object();
  EXPECT_TRUE(back.at("total").is_int64());
  EXPECT_TRUE(back.at("limit").is_int64());
}

TEST(JsonText, StringsAreEscaped) {
  EXPECT_EQ(to_text(bj::value("a\"b\\c")), R"("a\"b\\c")");
  EXPECT_EQ(to_text(bj::value("line\nnext\ttab\r\b\f")), R"("line\nnext\ttab\r\b\f")");
  EXPECT_EQ(to_text(bj::value(std::string("\x01\x1f", 2))), R"("\u0001\u001f")");
  EXPECT_EQ(to_text(bj::value(std::string("nul\0end", 7))), R"("nul\u0000end")");
  EXPECT_EQ(to_text(bj::value("Sảnh A, Đại học UIT / ok")), "\"Sảnh A, Đại học UIT / ok\"");
}

TEST(JsonText, ContainersKeepOrder) {
  const bj::object o{{"z", 1}, {"a", bj::array{true, false, nullptr}}, {"m", bj::object{}}, {"e", bj::array{}}};
  EXPECT_EQ(to_text(o), R"({"z":1,"a":[true,false,null],"m":{},"e":[]})");
}

TEST(JsonText, ReadsBackAsTheSameValue) {
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> lat(-90, 90);
  std::uniform_real_distribution<double> exponent(-300, 300);
  for (int i = 0; i < 20000; ++i) {
    const double a = lat(random);
    const double b = std::pow(10.0, exponent(random)) * (i % 2 ? 1 : -1);
    for (const double d : {a, b}) {
      const auto text = number_text(d);
      EXPECT_EQ(text.find('E'), std::string::npos) << text;
      // std::strtod reads exactly (Boost.JSON 1.81's parser may be off by an ulp).
      EXPECT_EQ(std::strtod(text.c_str(), nullptr), d) << text;
    }
  }
}

TEST(JsonText, MatchesBoostOnEverythingButNumbers) {
  const auto parsed = bj::parse(R"({"id":"x","n":null,"ok":true,"list":[1,-2,{"s":"\u00e9\n"}]})");
  EXPECT_EQ(to_text(parsed), R"({"id":"x","n":null,"ok":true,"list":[1,-2,{"s":"é\n"}]})");
}

#include "core/base/json_body.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

using uitgo::DomainError;
using uitgo::json::Fields;
using uitgo::json::parse_object;

namespace {

// Runs `f` and returns the field named by the validation error it throws.
template <typename F>
std::string failing_field(F f) {
  try {
    f();
  } catch (const DomainError& e) {
    EXPECT_EQ(e.kind(), uitgo::Refusal::invalid);
    EXPECT_EQ(e.code(), "validation_failed");
    return e.field().value_or("");
  }
  ADD_FAILURE() << "no error thrown";
  return {};
}

struct Vehicle {
  std::string make;
  std::int64_t year;
  static Vehicle from_json(const Fields& f) {
    return {f.required_string("make", {.max_length = 50}), f.required_int("year", 1950, 2100)};
  }
};

}  // namespace

TEST(JsonBody, MalformedJsonIsInvalidJson) {
  for (const char* body : {"", "{", "nope", "{\"a\":}", "[1,2]", "42"}) {
    try {
      parse_object(body);
      FAIL() << body;
    } catch (const DomainError& e) {
      EXPECT_EQ(e.kind(), uitgo::Refusal::invalid);
      EXPECT_EQ(e.code(), "invalid_json") << body;
    }
  }
}

TEST(JsonBody, ErrorBodyHasTheSpecShape) {
  const auto body = boost::json::parse(uitgo::json::error_body(DomainError::invalid("lat", "lat is required")));
  EXPECT_EQ(body.at("error").as_string(), "lat is required");
  EXPECT_EQ(body.at("code").as_string(), "validation_failed");
  EXPECT_EQ(body.at("field").as_string(), "lat");
}

// A message may quote a query value; the body must stay JSON (UTF-8) anyway.
TEST(JsonBody, ErrorBodyIsValidUtf8WhateverTheMessageHolds) {
  const std::string message =
      "unknown status 'a\xff\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82 \xc3\xa9\xf0\x9f\x9a\x95'";
  const auto body = boost::json::parse(uitgo::json::error_body("validation_failed", message, std::string("st\x80")));
  EXPECT_EQ(
      body.at("error").as_string(),
      "unknown status 'a\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD \u00e9\U0001F695'");
  EXPECT_EQ(body.at("field").as_string(), "st\uFFFD");
}

TEST(JsonBody, TypedStructParses) {
  const auto v = uitgo::json::parse_body<Vehicle>(R"({"make":"Honda","year":2020,"extra":true})");
  EXPECT_EQ(v.make, "Honda");
  EXPECT_EQ(v.year, 2020);
}

TEST(JsonBody, WrongTypesAndMissingFieldsNameTheField) {
  EXPECT_EQ(failing_field([] { uitgo::json::parse_body<Vehicle>(R"({"year":2020})"); }), "make");
  EXPECT_EQ(failing_field([] { uitgo::json::parse_body<Vehicle>(R"({"make":5,"year":2020})"); }), "make");
  EXPECT_EQ(failing_field([] { uitgo::json::parse_body<Vehicle>(R"({"make":"","year":2020})"); }), "make");
  EXPECT_EQ(failing_field([] { uitgo::json::parse_body<Vehicle>(R"({"make":"H","year":"2020"})"); }), "year");
  EXPECT_EQ(failing_field([] { uitgo::json::parse_body<Vehicle>(R"({"make":"H","year":20.5})"); }), "year");
  EXPECT_EQ(failing_field([] { uitgo::json::parse_body<Vehicle>(R"({"make":"H","year":1800})"); }), "year");
}

TEST(JsonBody, LengthCountsCharactersNotBytes) {
  const auto o = parse_object(R"({"name":"Nguyễn"})");
  EXPECT_EQ(Fields(o).required_string("name", {.max_length = 6}), "Nguyễn");
  EXPECT_EQ(failing_field([&] { Fields(o).required_string("name", {.max_length = 5}); }), "name");
}

TEST(JsonBody, CoordinatesAreRangeChecked) {
  const auto o = parse_object(R"({"lat":91,"lng":-180,"bad":"x"})");
  const Fields f(o);
  EXPECT_EQ(failing_field([&] { f.required_latitude("lat"); }), "lat");
  EXPECT_DOUBLE_EQ(f.required_longitude("lng"), -180);
  EXPECT_EQ(failing_field([&] { f.required_latitude("bad"); }), "bad");
}

TEST(JsonBody, NestedFieldsAreQualified) {
  const auto o = parse_object(R"({"vehicle":{"make":"Honda"}})");
  EXPECT_EQ(failing_field([&] { Fields(o).required_object("vehicle").required_int("year", 1, 2); }), "vehicle.year");
  EXPECT_EQ(failing_field([&] { Fields(parse_object(R"({"vehicle":3})")).required_object("vehicle"); }), "vehicle");
}

TEST(JsonBody, NullCountsAsAbsent) {
  const auto o = parse_object(R"({"phone":null})");
  EXPECT_FALSE(Fields(o).optional_string("phone").has_value());
}

TEST(JsonBody, ControlCharactersAreRefusedNamingTheField) {
  // "\u0000x" is not blank to a trimming check, yet Postgres would store "" (or fail).
  for (const char* body : {R"({"name":"\u0000x"})", R"({"name":"a\u0001b"})", R"({"name":"x\u001f"})",
                           R"({"name":"line\nbreak"})", R"({"name":"tab\there"})", R"({"name":"\r"})"}) {
    const auto o = parse_object(body);
    EXPECT_EQ(failing_field([&] { Fields(o).required_string("name"); }), "name") << body;
    EXPECT_EQ(failing_field([&] { Fields(o).optional_string("name", {.min_length = 0}); }), "name") << body;
  }
  const auto nested = parse_object(R"({"vehicle":{"make":"Hon\u0000da"}})");
  EXPECT_EQ(failing_field([&] { Fields(nested).required_object("vehicle").required_string("make"); }), "vehicle.make");
  EXPECT_EQ(failing_field([&] { Fields(parse_object(R"({"id":"\u0000"})")).required_uuid("id"); }), "id");
}

TEST(JsonBody, MultilineFieldsAllowTabAndLineBreaksOnly) {
  constexpr uitgo::json::StringRule kText{.min_length = 1, .max_length = 100, .multiline = true};
  const auto ok = parse_object(R"({"body":"line one\r\nline\ttwo\n"})");
  EXPECT_EQ(Fields(ok).required_string("body", kText), "line one\r\nline\ttwo\n");
  for (const char* body : {R"({"body":"a\u0000b"})", R"({"body":"bell\u0007"})", R"({"body":"\u001b[31m"})"}) {
    EXPECT_EQ(failing_field([&] { Fields(parse_object(body)).required_string("body", kText); }), "body") << body;
  }
  // DEL and C1 controls are not C0: kept (they are valid text for Postgres and JSON).
  EXPECT_EQ(Fields(parse_object(R"({"s":"a\u007fb"})")).required_string("s"),
            "a\x7f"
            "b");
}

TEST(JsonBody, FirstControlCharacter) {
  using uitgo::json::first_control_character;
  EXPECT_EQ(first_control_character("plain text é", false), std::string_view::npos);
  EXPECT_EQ(first_control_character(std::string_view("ab\0c", 4), false), 2u);
  EXPECT_EQ(first_control_character("a\tb", false), 1u);
  EXPECT_EQ(first_control_character("a\tb\r\n", true), std::string_view::npos);
  EXPECT_EQ(first_control_character("a\tb\x0b", true), 3u);
}

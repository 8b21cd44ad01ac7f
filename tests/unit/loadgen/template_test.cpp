#include "loadgen/request_template.hpp"

#include <gtest/gtest.h>

namespace uitgo::loadgen {
namespace {

const std::vector<std::string> kNames = {"lat", "service", "note"};
const std::vector<Value> kValues = {{true, "10.750000"}, {false, "bike"}, {false, "say \"hi\""}};

TEST(Template, WholeJsonStringTakesTheValuesType) {
  const auto t = Template::compile(R"({"lat":"{{lat}}","serviceId":"{{service}}"})", TemplateKind::json, kNames);
  EXPECT_EQ(t.render(kValues), R"({"lat":10.750000,"serviceId":"bike"})");
}

TEST(Template, InsideAStringTheValueIsEscaped) {
  const auto t = Template::compile(R"({"text":"at {{lat}}: {{note}}"})", TemplateKind::json, kNames);
  EXPECT_EQ(t.render(kValues), R"({"text":"at 10.750000: say \"hi\""})");
}

TEST(Template, PathValuesArePercentEncoded) {
  const auto t = Template::compile("/v1/x?lat={{lat}}&n={{note}}", TemplateKind::path, kNames);
  EXPECT_EQ(t.render(kValues), "/v1/x?lat=10.750000&n=say%20%22hi%22");
}

TEST(Template, UnknownOrUnterminatedPlaceholdersAreRejected) {
  EXPECT_THROW(Template::compile("/{{lng}}", TemplateKind::path, kNames), std::invalid_argument);
  EXPECT_THROW(Template::compile("/{{lat", TemplateKind::path, kNames), std::invalid_argument);
}

TEST(Template, DrawStaysInRange) {
  std::mt19937_64 rng(1);
  Variable v{"lat", Variable::Kind::uniform, 10.70, 10.85, 6, {}};
  for (int i = 0; i < 1000; ++i) {
    const double d = std::stod(draw(v, rng).text);
    ASSERT_GE(d, 10.70);
    ASSERT_LE(d, 10.85);
  }
  Variable choice{"s", Variable::Kind::one_of, 0, 0, 0, {"bike", "car"}};
  const auto picked = draw(choice, rng);
  EXPECT_FALSE(picked.number);
  EXPECT_TRUE(picked.text == "bike" || picked.text == "car");
  const auto uuid = random_uuid(rng);
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
}

}  // namespace
}  // namespace uitgo::loadgen

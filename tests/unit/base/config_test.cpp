#include "core/base/config.hpp"

#include <gtest/gtest.h>

#include <map>

using uitgo::config::ConfigError;
using uitgo::config::EnvLookup;
using uitgo::config::Spec;

namespace {

EnvLookup env(std::map<std::string, std::string> values) {
  return [values](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

Spec sample() {
  Spec s;
  s.integer("PORT", 8080, 0, 65535, "port").string("HOST", "127.0.0.1", "host").boolean("DEBUG", false, "debug");
  s.choice("MODE", "async", {"async", "sync"}, "mode");
  return s;
}

}  // namespace

TEST(Config, DefaultsApplyWhenUnset) {
  const auto values = sample().load(env({}));
  EXPECT_EQ(values.integer("PORT"), 8080);
  EXPECT_EQ(values.str("HOST"), "127.0.0.1");
  EXPECT_FALSE(values.flag("DEBUG"));
  EXPECT_EQ(values.str("MODE"), "async");
}

TEST(Config, EnvironmentOverridesDefaults) {
  const auto values = sample().load(env({{"PORT", "9000"}, {"DEBUG", "yes"}, {"MODE", "sync"}}));
  EXPECT_EQ(values.integer("PORT"), 9000);
  EXPECT_TRUE(values.flag("DEBUG"));
  EXPECT_EQ(values.str("MODE"), "sync");
}

TEST(Config, EveryInvalidValueIsReportedAtOnce) {
  try {
    sample().load(env({{"PORT", "80x"}, {"DEBUG", "maybe"}, {"MODE", "fast"}}));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("PORT='80x' is not an integer"), std::string::npos) << message;
    EXPECT_NE(message.find("DEBUG"), std::string::npos);
    EXPECT_NE(message.find("MODE='fast' must be one of: async, sync"), std::string::npos);
  }
}

TEST(Config, OutOfRangeIntegerIsRejected) {
  EXPECT_THROW(sample().load(env({{"PORT", "70000"}})), ConfigError);
  EXPECT_THROW(sample().load(env({{"PORT", "-1"}})), ConfigError);
}

TEST(Config, RequiredSecretIsNotEchoed) {
  Spec s;
  s.required_string("JWT_SECRET", "signing key", true);
  EXPECT_THROW(s.load(env({})), ConfigError);
  EXPECT_EQ(s.load(env({{"JWT_SECRET", "k"}})).str("JWT_SECRET"), "k");
}

TEST(Config, HelpListsEveryVariableWithDefault) {
  const auto help = sample().help_text("uitgo test");
  EXPECT_NE(help.find("PORT (default: 8080)"), std::string::npos) << help;
  EXPECT_NE(help.find("MODE (default: async)"), std::string::npos);
  EXPECT_NE(help.find("[async|sync]"), std::string::npos);
}

TEST(Config, DeclaringTwiceIsAProgrammingError) {
  Spec s;
  s.string("A", "", "a");
  EXPECT_THROW(s.string("A", "", "again"), std::logic_error);
}

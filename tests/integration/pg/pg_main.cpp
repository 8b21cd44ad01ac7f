#include <gtest/gtest.h>

#include <memory>

#include "pg_fixture.hpp"

namespace uitgo::pg::test {

namespace {
std::unique_ptr<uitgo::test::TestStack> the_stack;

// One PostgreSQL for the whole binary: starting a server per test would
// dominate the run time.
class StackEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    the_stack = std::make_unique<uitgo::test::TestStack>(
        uitgo::test::StackOptions{.postgres = true, .replica = false, .redis = false});
  }
  void TearDown() override { the_stack.reset(); }
};
}  // namespace

uitgo::test::TestStack& stack() { return *the_stack; }

}  // namespace uitgo::pg::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new uitgo::pg::test::StackEnvironment);
  return RUN_ALL_TESTS();
}

// The one PostgreSQL of the pg test binary: starting a server per test would
// dominate the run time.
#include <memory>

#include "pg_fixture.hpp"
#include "support/shared_environment.hpp"

namespace uitgo::pg::test {
namespace {

uitgo::test::TestStack* shared_stack = nullptr;

const auto* const environment = uitgo::test::share_per_binary(shared_stack, [] {
  return std::make_unique<uitgo::test::TestStack>(
      uitgo::test::StackOptions{.postgres = true, .replica = false, .redis = false});
});

}  // namespace

uitgo::test::TestStack& stack() { return *shared_stack; }

}  // namespace uitgo::pg::test

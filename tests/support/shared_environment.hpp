// One expensive fixture (a TestStack, a harness around one) per test binary:
// built before the first test, torn down after the last, reachable from every
// test through `slot`. Register it at namespace scope:
//   TestStack* stack = nullptr;
//   const auto* const env = share_per_binary(stack, [] { return std::make_unique<TestStack>(StackOptions{...}); });
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

namespace uitgo::test {

template <typename T>
class SharedEnvironment : public ::testing::Environment {
 public:
  SharedEnvironment(T*& slot, std::function<std::unique_ptr<T>()> make) : slot_(slot), make_(std::move(make)) {}

  void SetUp() override {
    owned_ = make_();
    slot_ = owned_.get();
  }
  void TearDown() override {
    slot_ = nullptr;
    owned_.reset();
  }

 private:
  T*& slot_;
  std::function<std::unique_ptr<T>()> make_;
  std::unique_ptr<T> owned_;
};

template <typename T, typename Make>
::testing::Environment* share_per_binary(T*& slot, Make make) {
  return ::testing::AddGlobalTestEnvironment(new SharedEnvironment<T>(slot, std::move(make)));
}

}  // namespace uitgo::test

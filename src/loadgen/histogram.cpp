#include "loadgen/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace uitgo::loadgen {
namespace {

constexpr std::uint64_t kSub = std::uint64_t{1} << Histogram::kSubBits;

std::size_t bucket_count() { return Histogram::index_of(Histogram::kMaxValue) + 1; }

}  // namespace

std::size_t Histogram::index_of(std::uint64_t value) {
  value = std::min(value, kMaxValue);
  if (value < kSub) return static_cast<std::size_t>(value);
  const int exponent = static_cast<int>(std::bit_width(value)) - 1;  // >= kSubBits
  const int shift = exponent - kSubBits;
  const std::uint64_t sub = (value >> shift) - kSub;  // [0, kSub)
  return static_cast<std::size_t>(kSub + static_cast<std::uint64_t>(shift) * kSub + sub);
}

std::uint64_t Histogram::lowest_in(std::size_t index) {
  if (index < kSub) return index;
  const std::uint64_t shift = (index - kSub) / kSub;
  const std::uint64_t sub = (index - kSub) % kSub;
  return (kSub + sub) << shift;
}

std::uint64_t Histogram::highest_in(std::size_t index) {
  if (index < kSub) return index;
  const std::uint64_t shift = (index - kSub) / kSub;
  return lowest_in(index) + (std::uint64_t{1} << shift) - 1;
}

Histogram::Histogram() : counts_(bucket_count(), 0) {}

void Histogram::record(std::uint64_t value) {
  ++counts_[index_of(value)];
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = std::max(max_, value);
  ++count_;
  sum_ += value;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

void Histogram::clear() {
  if (count_ == 0) return;
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = sum_ = min_ = max_ = 0;
}

double Histogram::percentile(double p) const {
  if (count_ == 0) return 0.0;
  p = std::clamp(p, 0.0, 100.0);
  const auto rank =
      std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const double middle = (static_cast<double>(lowest_in(i)) + static_cast<double>(highest_in(i))) / 2.0;
      return std::clamp(middle, static_cast<double>(min_), static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);
}

}  // namespace uitgo::loadgen

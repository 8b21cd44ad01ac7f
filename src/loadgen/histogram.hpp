// Latency histogram with log-linear buckets (the HdrHistogram layout): values
// below 2^kSubBits are exact, above that every power of two is split into
// 2^kSubBits equal buckets, so a bucket is never wider than 1/128 of its
// value (a reported percentile is within 0.4% of the true sample). Covers
// 1 µs to ~19 hours in about 4,000 counters; merging is a sum of counters.
#pragma once

#include <cstdint>
#include <vector>

namespace uitgo::loadgen {

class Histogram {
 public:
  static constexpr int kSubBits = 7;
  static constexpr std::uint64_t kMaxValue = (std::uint64_t{1} << 36) - 1;  // µs, ~19 h; larger values clamp

  Histogram();

  void record(std::uint64_t value);
  void merge(const Histogram& other);
  void clear();

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_); }
  // Nearest-rank percentile, `p` in [0, 100]: the value below or at which p%
  // of the samples lie, as the middle of its bucket (clamped to min/max).
  double percentile(double p) const;

  // Bucket arithmetic, public for the unit tests.
  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t lowest_in(std::size_t index);
  static std::uint64_t highest_in(std::size_t index);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace uitgo::loadgen

#pragma once

// Latency histograms with fixed buckets: stored as counts per bucket, they
// add and subtract exactly across calls, hours and agents, which averages
// and percentiles do not.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace sb::analysis {

/// Bucket upper bounds in ms: a value v goes to the first bucket with
/// v <= bound; the last bucket (index 20) is +inf. Never change them:
/// stored tables depend on them.
inline constexpr std::array<double, 20> bucket_bounds_ms{
  50,   100,  150,  200,  250,  300,  400,  500,  600,  800,
  1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000};
inline constexpr std::size_t bucket_count = 21;

/// The bucket of `ms` (negative values go to the first one).
[[nodiscard]] std::size_t bucket_of(double ms);

struct histogram {
  std::array<std::int64_t, bucket_count> counts{};
  std::int64_t sum_us = 0; ///< sum of the values added, in µs
  std::int64_t count = 0;

  /// Counts `ms`; sum_us += llround(ms * 1000). Negative values (-1 means
  /// "not measured" in the events) and NaN or infinities are not latencies
  /// and are ignored.
  void add(double ms);
  void merge(const histogram& other);
  void subtract(const histogram& other);
};

/// The q-quantile (q in 0..1, clamped) estimated from bucket counts: linear
/// interpolation inside the bucket that holds rank q * total (the first
/// bucket starts at 0; the last, unbounded one answers its lower bound,
/// 10000); nullopt when the counts are empty. Negative counts count as 0.
[[nodiscard]] std::optional<double>
quantile(const std::array<std::int64_t, bucket_count>& counts, double q);

/// Exact quantile of raw samples by nearest rank (the smallest sample with
/// at least q of all samples at or below it), for one call's own turns; NaN
/// samples are ignored; nullopt when there is none.
[[nodiscard]] std::optional<double> exact_quantile(std::vector<double> samples,
                                                   double q);

} // namespace sb::analysis

#include "switchboard/analysis/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace sb::analysis {

std::size_t bucket_of(double ms) {
  for (std::size_t i = 0; i < bucket_bounds_ms.size(); ++i)
    if (ms <= bucket_bounds_ms[i])
      return i;
  return bucket_count - 1;
}

void histogram::add(double ms) {
  if (!std::isfinite(ms) || ms < 0)
    return;
  ++counts[bucket_of(ms)];
  sum_us += std::llround(ms * 1000);
  ++count;
}

void histogram::merge(const histogram& other) {
  for (std::size_t i = 0; i < bucket_count; ++i)
    counts[i] += other.counts[i];
  sum_us += other.sum_us;
  count += other.count;
}

void histogram::subtract(const histogram& other) {
  for (std::size_t i = 0; i < bucket_count; ++i)
    counts[i] -= other.counts[i];
  sum_us -= other.sum_us;
  count -= other.count;
}

std::optional<double>
quantile(const std::array<std::int64_t, bucket_count>& counts, double q) {
  std::int64_t total = 0;
  for (auto c : counts)
    total += std::max<std::int64_t>(c, 0);
  if (total == 0 || std::isnan(q))
    return std::nullopt;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = q * static_cast<double>(total);
  std::int64_t below = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    auto c = std::max<std::int64_t>(counts[i], 0);
    if (c == 0)
      continue;
    if (static_cast<double>(below + c) >= rank) {
      double lower = i == 0 ? 0.0 : bucket_bounds_ms[i - 1];
      if (i == bucket_count - 1)
        return lower;
      double upper = bucket_bounds_ms[i];
      double within
        = (rank - static_cast<double>(below)) / static_cast<double>(c);
      return lower + (upper - lower) * std::clamp(within, 0.0, 1.0);
    }
    below += c;
  }
  return bucket_bounds_ms.back(); // not reached: rank <= total
}

std::optional<double> exact_quantile(std::vector<double> samples, double q) {
  samples.erase(std::remove_if(samples.begin(), samples.end(),
                               [](double v) { return std::isnan(v); }),
                samples.end());
  if (samples.empty() || std::isnan(q))
    return std::nullopt;
  std::sort(samples.begin(), samples.end());
  q = std::clamp(q, 0.0, 1.0);
  auto n = static_cast<double>(samples.size());
  // The epsilon keeps q * n = 9.000000000000002 (q = 0.9, n = 10) at rank
  // 9: decimal quantiles are not exact in binary.
  auto rank = static_cast<std::size_t>(std::ceil(q * n - 1e-9));
  rank = std::clamp<std::size_t>(rank, 1, samples.size());
  return samples[rank - 1];
}

} // namespace sb::analysis

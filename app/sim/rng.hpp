#pragma once

// Portable randomness for the simulator: std::mt19937_64 is specified to the
// bit, the std::uniform_*_distribution classes are not, so the simulator
// draws through these helpers only. Same seed, same bytes, on any platform.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace sb::sim {

using rng_t = std::mt19937_64;

/// A uniform integer in [lo, hi] (modulo: the bias is negligible for the
/// small ranges used here, and it is the same everywhere).
inline std::int64_t uniform(rng_t& rng, std::int64_t lo, std::int64_t hi) {
  if (hi <= lo)
    return lo;
  auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<std::int64_t>(rng() % span);
}

/// True with probability `percent`/100.
inline bool chance(rng_t& rng, int percent) {
  return uniform(rng, 0, 99) < percent;
}

/// True with probability p (p in [0, 1]), in millionths.
inline bool chance_p(rng_t& rng, double p) {
  return uniform(rng, 0, 999999) < static_cast<std::int64_t>(p * 1e6);
}

template <class T>
const T& pick(rng_t& rng, const std::vector<T>& from) {
  return from[static_cast<std::size_t>(
    uniform(rng, 0, static_cast<std::int64_t>(from.size()) - 1))];
}

/// SplitMix64: derives independent seeds (one per call) from one seed.
inline std::uint64_t mix_seed(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// `n` random lowercase hex digits.
inline std::string hex(rng_t& rng, int n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    out += digits[uniform(rng, 0, 15)];
  return out;
}

} // namespace sb::sim

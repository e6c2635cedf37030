#pragma once

// Builds large, realistic Pipecat Cloud logs for the crash and idempotency
// tests: many calls interleaved line by line, mostly noise, with turns,
// interruptions, metrics, errors, and some calls that never end.
// Deterministic for a seed.

#include <cstdint>
#include <string>
#include <vector>

namespace sb::test {

struct built_log {
  std::vector<std::string> lines; ///< in log order, no newlines
  std::vector<std::string> call_ids;

  /// Lines [from, to) joined with newlines.
  [[nodiscard]] std::string body(std::size_t from, std::size_t to) const;
  [[nodiscard]] std::string body() const { return body(0, lines.size()); }
};

/// `calls` calls of `turns` exchanges each, about `noise` noise lines per
/// kept line; every `lost_every`th call has no end line (signal lost), none
/// when `lost_every` is 0.
[[nodiscard]] built_log build_cloud_log(int calls, int turns, int noise,
                                        std::uint64_t seed, int lost_every = 7);

} // namespace sb::test

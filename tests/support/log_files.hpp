#pragma once

// Reading a simulated log and cutting it into request bodies the way a
// log shipper would: the integration tests that feed `switchboard
// simulate` output to a node share these.

#include <cstddef>
#include <string>
#include <vector>

namespace sb::test {

/// The whole file at `path` (empty when it cannot be read).
[[nodiscard]] std::string read_file(const std::string& path);

/// Bodies of about `lines` lines each, cut only before a line that starts
/// a timestamped record (never inside a traceback).
[[nodiscard]] std::vector<std::string> log_bodies(const std::string& log,
                                                  std::size_t lines);

} // namespace sb::test

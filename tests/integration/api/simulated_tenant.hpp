#pragma once

// The read API's tests' data: calls of three agents simulated to files,
// ingested into a real node (NATS, PostgreSQL), settled, with the
// simulator's ground truth beside them.

#include "spine_env.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace sb::test {

/// `s` percent-encoded for a query string.
[[nodiscard]] std::string url_encode(const std::string& s);

struct simulated_tenant {
  spine_env env;
  nlohmann::json truth;

  /// `calls` calls of seed `seed`, `rate` new calls per simulated second
  /// (0.01: one every 100 s, so they spread over hours).
  simulated_tenant(int calls, std::uint64_t seed, double rate);

  /// The truth's calls that `keep` selects, by id.
  [[nodiscard]] std::set<std::string>
  calls(const std::function<bool(const nlohmann::json&)>& keep) const;

  /// GET /v1/conversations?query, which must answer 200.
  nlohmann::json page(const std::string& query);

  /// Every id of a full walk with `query`, pages of `limit`, in order;
  /// `between_pages` runs after each page.
  std::vector<std::string> walk(const std::string& query, int limit,
                                const std::function<void(int)>& between_pages
                                = [](int) {});

  /// How many calls the list finds with `query`.
  std::uint64_t total(const std::string& query);
};

} // namespace sb::test

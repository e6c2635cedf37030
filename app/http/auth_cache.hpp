#pragma once

// Recently authenticated API keys, so that not every request costs a
// database round trip. Entries are keyed by the SHA-256 of the key (the
// plain key is not kept) and trusted for a fixed time: a key revoked in the
// database keeps working here for up to that long (1 s by default).
// Failed lookups are not cached, so a new key works at once.

#include "switchboard/db/records.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sb::app::http {

class auth_cache {
public:
  using clock = std::chrono::steady_clock;

  explicit auth_cache(std::chrono::milliseconds ttl,
                      std::size_t max_entries = 10000);

  /// The cached owner of `key`, if fresh. Thread-safe.
  [[nodiscard]] std::optional<db::principal> find(std::string_view key);

  /// Remembers the owner of `key` for the ttl. Thread-safe.
  void insert(std::string_view key, db::principal who);

private:
  struct entry {
    db::principal who;
    clock::time_point expires;
  };

  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  std::mutex mtx_;
  std::unordered_map<std::string, entry> entries_;
};

/// SHA-256 of `key`, as 32 raw bytes.
[[nodiscard]] std::string key_digest(std::string_view key);

} // namespace sb::app::http

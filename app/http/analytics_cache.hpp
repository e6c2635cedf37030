#pragma once

// Answers of the analytics endpoints, kept until the projections move.
// Each answer is stamped with every projection's checkpoint (position and
// generation) as it was when the answer was computed, and served while
// that is still the current stamp. The current stamp is read from
// projection_checkpoints at most once per `refresh`, so a committed batch
// reaches the cached answers of every node within that time, whichever
// node runs the projections.

#include "switchboard/db/store.hpp"

#include <caf/error.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sb::app::http {

class analytics_cache {
public:
  explicit analytics_cache(
    std::chrono::milliseconds refresh = std::chrono::milliseconds{100},
    std::size_t capacity = 4096)
    : refresh_(refresh), capacity_(capacity) {}

  /// The checkpoints now, read through `store` when the last reading is
  /// older than `refresh`; nullopt (and `err`) if the store fails.
  std::optional<std::string> stamp(db::store& store, caf::error& err);

  /// The answer kept for `key` if it was computed under `stamp`.
  [[nodiscard]] std::shared_ptr<const std::string>
  find(const std::string& key, const std::string& stamp) const;

  /// Keeps `body` for `key` under `stamp`. A full cache is emptied first:
  /// answers go stale together when a checkpoint moves anyway.
  void put(const std::string& key, std::string stamp,
           std::shared_ptr<const std::string> body);

  [[nodiscard]] std::size_t size() const;

private:
  struct entry {
    std::string stamp;
    std::shared_ptr<const std::string> body;
  };

  std::chrono::milliseconds refresh_;
  std::size_t capacity_;

  std::mutex stamp_mtx_; ///< one reader of the checkpoints at a time
  std::optional<std::string> stamp_;
  std::chrono::steady_clock::time_point stamp_read_at_;

  mutable std::mutex mtx_;
  std::unordered_map<std::string, entry> entries_;
};

} // namespace sb::app::http

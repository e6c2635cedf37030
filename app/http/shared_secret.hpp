#pragma once

// A secret every API node shares (table api_secrets), read from the store
// on first use and kept: e.g. "cursor", which signs page cursors, so a
// cursor one node made is read by any other.

#include "http/store_pool.hpp"

#include <caf/error.hpp>

#include <mutex>
#include <optional>
#include <string>

namespace sb::app::http {

class shared_secret {
public:
  explicit shared_secret(std::string name) : name_(std::move(name)) {}

  /// The secret, read through `store` the first time; nullopt with `err`
  /// set if it cannot be read. Thread-safe.
  [[nodiscard]] std::optional<std::string> get(store_lease& store,
                                               caf::error& err);

private:
  std::string name_;
  std::mutex mtx_;
  std::optional<std::string> value_;
};

} // namespace sb::app::http

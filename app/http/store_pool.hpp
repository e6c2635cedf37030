#pragma once

// A small pool of stores (each one database connection, not thread-safe):
// a request borrows one for its duration. A store whose call failed with
// db_errc::unavailable is dropped, not returned; the next borrower gets a
// fresh one from the factory.

#include "http/api_config.hpp"
#include "http/reply.hpp"

#include "switchboard/db/store.hpp"

#include <caf/error.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace sb::app::http {

class store_pool;

/// One borrowed store; gives it back when destroyed (unless broken).
class store_lease {
public:
  store_lease() = default;
  store_lease(store_pool* pool, std::unique_ptr<db::store> store);
  store_lease(store_lease&&) noexcept = default;
  store_lease& operator=(store_lease&&) noexcept = delete;
  store_lease(const store_lease&) = delete;
  store_lease& operator=(const store_lease&) = delete;
  ~store_lease();

  /// False if the pool could not make a store.
  explicit operator bool() const noexcept { return store_ != nullptr; }

  [[nodiscard]] db::store* operator->() const noexcept {
    return store_.get();
  }

  /// Drops the store instead of giving it back if `err` says its
  /// connection is gone (db_errc::unavailable).
  void observe(const caf::error& err) noexcept;

private:
  store_pool* pool_ = nullptr;
  std::unique_ptr<db::store> store_;
};

class store_pool {
public:
  /// Keeps at most `max_idle` idle stores.
  store_pool(store_factory factory, std::size_t max_idle);

  /// An idle store, or a new one from the factory. An empty lease, with
  /// `err` set, if the factory fails. Thread-safe.
  [[nodiscard]] store_lease acquire(caf::error& err);

  /// Idle stores right now (for tests).
  [[nodiscard]] std::size_t idle() const;

private:
  friend class store_lease;
  void give_back(std::unique_ptr<db::store> store) noexcept;

  store_factory factory_;
  std::size_t max_idle_;
  mutable std::mutex mtx_;
  std::vector<std::unique_ptr<db::store>> idle_;
};

/// The reply for a failed store call: 503 `unavailable` if the database
/// cannot be reached, else 500 `internal`. Logs the cause (not the client).
[[nodiscard]] reply store_error_reply(const caf::error& err);

/// A call on `store` failed: drops the store if its connection is gone
/// (store_lease::observe), then answers as store_error_reply does.
[[nodiscard]] reply failed_store_call(store_lease& store,
                                      const caf::error& err);

} // namespace sb::app::http

#include "http/store_pool.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace sb::app::http {

store_lease::store_lease(store_pool* pool, std::unique_ptr<db::store> store)
  : pool_(pool), store_(std::move(store)) {
  // nop
}

store_lease::~store_lease() {
  if (pool_ != nullptr && store_ != nullptr)
    pool_->give_back(std::move(store_));
}

void store_lease::observe(const caf::error& err) noexcept {
  if (err.category() == db::db_category
      && err.code() == static_cast<std::uint8_t>(db::db_errc::unavailable))
    store_.reset();
}

store_pool::store_pool(store_factory factory, std::size_t max_idle)
  : factory_(std::move(factory)), max_idle_(max_idle) {
  idle_.reserve(max_idle_); // give_back never allocates
}

store_lease store_pool::acquire(caf::error& err) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!idle_.empty()) {
      auto store = std::move(idle_.back());
      idle_.pop_back();
      return store_lease{this, std::move(store)};
    }
  }
  // Connecting may take a while: not under the lock.
  if (!factory_) {
    err = db::make_error(db::db_errc::unavailable, "no store factory");
    return {};
  }
  try {
    auto made = factory_();
    if (!made) {
      // Whatever the factory says, no store means no database.
      err = made.error().category() == db::db_category
              ? std::move(made.error())
              : db::make_error(db::db_errc::unavailable,
                               db::describe(made.error()));
      return {};
    }
    if (*made == nullptr) {
      err = db::make_error(db::db_errc::unavailable, "no store");
      return {};
    }
    return store_lease{this, std::move(*made)};
  } catch (const std::exception& e) {
    err = db::make_error(db::db_errc::unavailable, e.what());
    return {};
  }
}

std::size_t store_pool::idle() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return idle_.size();
}

void store_pool::give_back(std::unique_ptr<db::store> store) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  if (idle_.size() < max_idle_)
    idle_.push_back(std::move(store));
}

reply store_error_reply(const caf::error& err) {
  spdlog::warn("api: store call failed: {}", db::describe(err));
  if (err.category() == db::db_category
      && err.code() == static_cast<std::uint8_t>(db::db_errc::unavailable))
    return error_reply(503, "unavailable",
                       "the database is unavailable, retry later");
  return error_reply(500, "internal", "the database rejected the request");
}

reply failed_store_call(store_lease& store, const caf::error& err) {
  store.observe(err);
  return store_error_reply(err);
}

} // namespace sb::app::http

#pragma once

// Runs the sessions projection: reads SB_EVENTS from its checkpoint + 1,
// folds up to `batch_max` events (or what arrived within `batch_wait_ms`),
// and commits the rows together with the new checkpoint in one transaction
// (compare-and-set on the previous one). A crash between batches loses
// nothing and doubles nothing: the next start resumes at the checkpoint.
// Blocking I/O, so it owns a thread rather than an actor's time slice.

#include "switchboard/db/store.hpp"
#include "switchboard/events/jetstream.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace sb::projections {

struct runner_settings {
  std::string name = "sessions";
  int batch_max = 2000;
  std::int64_t batch_wait_ms = 50;
};

class projection_runner {
public:
  projection_runner(std::shared_ptr<jetstream> js,
                    std::unique_ptr<db::store> store,
                    runner_settings settings = {});
  ~projection_runner();

  /// Loads the checkpoint and starts the thread.
  bool start(std::string& error);
  void stop();

  /// The last SB_EVENTS sequence committed.
  [[nodiscard]] std::uint64_t position() const noexcept { return position_; }
  [[nodiscard]] std::uint64_t committed_batches() const noexcept {
    return batches_;
  }
  [[nodiscard]] std::string last_error() const;

private:
  void run();
  bool run_batch(std::string& error);

  std::shared_ptr<jetstream> js_;
  std::unique_ptr<db::store> store_;
  runner_settings settings_;
  db::checkpoint checkpoint_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> position_{0};
  std::atomic<std::uint64_t> batches_{0};
  mutable std::mutex error_mtx_;
  std::string last_error_;
  std::thread thread_;
};

} // namespace sb::projections

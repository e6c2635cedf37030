#pragma once

// Runs one projection live: reads SB_EVENTS from its checkpoint + 1, folds a
// batch of events and commits what it changed together with the new
// checkpoint in one transaction (compare-and-set on the previous one). A
// crash between batches loses nothing and doubles nothing: the next start
// resumes at the checkpoint. Each projection has a runner, a thread and a
// connection of its own, so a slow or failing one never stalls another.
//
// A batch is what the stream has ready: one event when live, up to
// `batch_max` when catching up. The fold keeps the committed rows of live
// calls between batches and loads only calls it has not seen; any failure
// ends the pass, and the next pass reloads the checkpoint (its generation
// too: after a replay's swap the runner goes on from the replay's
// checkpoint on the new tables) and starts from what is stored. The next
// batch is read and decoded ahead, on a thread of its own, while one is
// committed (batch_reader).
//
// Blocking I/O, so it owns a thread rather than an actor's time slice.

#include "switchboard/events/jetstream.hpp"
#include "switchboard/projections/projection.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace sb::projections {

struct runner_settings {
  /// Messages asked of one fetch; how long it waits when none are ready.
  int fetch_max = 5000;
  std::int64_t fetch_wait_ms = 50;
  /// A batch closes when the reader has caught up with the stream, at
  /// `batch_max` events, or `batch_span_ms` after its first fetch (bounds
  /// the delay to a row while the stream is busy).
  std::size_t batch_max = 50000;
  std::int64_t batch_span_ms = 1000;
  /// A failpoint for tests: the process kills itself (SIGKILL) right after
  /// committing this many batches, before it reads the next (0: never).
  std::uint64_t kill_after_batches = 0;
};

/// What a runner has done, for /healthz and `switchboard status`.
struct runner_stats {
  std::uint64_t position = 0; ///< last SB_EVENTS sequence committed
  std::uint64_t batches = 0;
  std::uint64_t events = 0; ///< events applied since start
  std::string last_error;   ///< "" once a batch committed after it
};

class projection_runner {
public:
  projection_runner(std::shared_ptr<jetstream> js,
                    std::unique_ptr<projection> p,
                    runner_settings settings = {});
  ~projection_runner();

  /// Loads the checkpoint and starts the thread.
  bool start(std::string& error);
  void stop();

  [[nodiscard]] const std::string& name() const;

  /// The last SB_EVENTS sequence committed.
  [[nodiscard]] std::uint64_t position() const noexcept { return position_; }
  [[nodiscard]] std::uint64_t committed_batches() const noexcept {
    return batches_;
  }
  [[nodiscard]] std::string last_error() const;
  [[nodiscard]] runner_stats stats() const;

private:
  void run();
  bool run_pass(std::string& error);
  void set_error(std::string error);

  std::shared_ptr<jetstream> js_;
  std::unique_ptr<projection> projection_;
  runner_settings settings_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> position_{0};
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> events_{0};
  mutable std::mutex error_mtx_;
  std::string last_error_;
  std::thread thread_;
};

} // namespace sb::projections

#pragma once

// Runs the sessions projection: reads SB_EVENTS from its checkpoint + 1,
// folds a batch of events and commits the rows together with the new
// checkpoint in one transaction (compare-and-set on the previous one). A
// crash between batches loses nothing and doubles nothing: the next start
// resumes at the checkpoint.
//
// A batch is what the stream has ready: one event when live, up to
// `batch_max` when catching up, so a replay writes each call's row once per
// big batch rather than once per event. The fold keeps the committed rows of
// live calls between batches and loads only calls it has not seen; any
// failure drops it with the reader, and the next pass reloads from the
// store. The next batch is read and decoded ahead, on a thread of its own,
// while one is committed (batch_reader).
//
// Blocking I/O, so it owns a thread rather than an actor's time slice.

#include "switchboard/db/store.hpp"
#include "switchboard/events/jetstream.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace sb::projections {

class sessions_fold;

struct runner_settings {
  std::string name = "sessions";
  /// Messages asked of one fetch; how long it waits when none are ready.
  int fetch_max = 2000;
  std::int64_t fetch_wait_ms = 50;
  /// A batch closes when the reader has caught up with the stream, at
  /// `batch_max` events, or `batch_span_ms` after its first fetch (bounds
  /// the delay to a row while the stream is busy).
  std::size_t batch_max = 20000;
  std::int64_t batch_span_ms = 250;
  /// Sessions of live calls kept between batches; beyond it the fold
  /// forgets them all and reloads what the next batch needs.
  std::size_t cached_sessions = 100000;
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
  bool run_pass(std::string& error);
  /// Loads the stored rows of calls the fold does not hold.
  bool load_rows(sessions_fold& fold, const std::set<std::string>& call_ids,
                 std::string& error);

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

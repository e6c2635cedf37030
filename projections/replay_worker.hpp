#pragma once

// One projection of a replay, folded and committed on a thread of its own.
// The projections of `replay --projection all` share each batch read
// only, so the replay takes about as long as its slowest projection rather
// than the sum of them, and one projection's wait for PostgreSQL overlaps
// the others' folding.

#include "batch_reader.hpp"

#include "switchboard/db/records.hpp"
#include "switchboard/events/fence.hpp"
#include "switchboard/projections/projection.hpp"

#include <caf/error.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace sb::projections::detail {

/// A batch as every projection of a replay reads it.
struct shared_batch {
  std::vector<read_event> events;
  std::set<std::string> calls; ///< calls_of(events), found once
};

class replay_worker {
public:
  /// Folds onto `p` from the checkpoint `at` (its begin()).
  replay_worker(std::unique_ptr<projection> p, db::checkpoint at);
  ~replay_worker();
  replay_worker(const replay_worker&) = delete;
  replay_worker& operator=(const replay_worker&) = delete;

  /// Queues a batch, waiting while `depth` batches are queued. False once
  /// the worker has failed (error() says why).
  bool push(std::shared_ptr<const shared_batch> batch);

  /// Folds and commits what is queued, then ends the thread. False if a
  /// batch failed.
  bool finish();

  /// Ends the thread after the batch at hand, dropping the queue.
  void abort();

  /// The last committed position.
  [[nodiscard]] std::uint64_t position() const { return position_; }
  /// Events applied and committed.
  [[nodiscard]] std::uint64_t events() const { return events_; }
  [[nodiscard]] caf::error error() const;

  // -- once the thread has ended (finish or abort) --------------------------
  [[nodiscard]] projection& get() { return *p_; }
  [[nodiscard]] const db::checkpoint& at() const { return at_; }
  [[nodiscard]] double folding_s() const { return folding_s_; }
  [[nodiscard]] double committing_s() const { return committing_s_; }

private:
  void run();
  void fold_and_commit(const shared_batch& batch);

  static constexpr std::size_t depth = 2;

  std::unique_ptr<projection> p_;
  db::checkpoint at_;
  fence fenced_;
  std::atomic<std::uint64_t> position_;
  std::atomic<std::uint64_t> events_{0};
  double folding_s_ = 0;
  double committing_s_ = 0;

  mutable std::mutex mtx_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<const shared_batch>> queue_;
  bool finishing_ = false; ///< no more batches come
  bool aborting_ = false;
  caf::error error_; ///< set once a batch failed; the thread has ended
  std::thread thread_;
};

} // namespace sb::projections::detail

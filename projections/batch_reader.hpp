#pragma once

// Reads SB_EVENTS ahead on its own thread: while the runner folds and
// commits one batch, the next is fetched and decoded (on a 2-core machine
// that overlaps NATS and decoding with PostgreSQL's share of the commit).
//
// A batch is what the stream has ready: up to `batch_max` events while the
// server reports more pending, closed `batch_span_ms` after its first fetch
// at the latest. At most `depth` batches wait; the reader lives for one pass
// of the runner and is dropped with it, so after a failure reading starts
// again at the checkpoint.

#include "switchboard/events/event.hpp"
#include "switchboard/events/stream_reader.hpp"
#include "switchboard/projections/projection_runner.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sb::projections {

struct read_event {
  std::uint64_t seq = 0;       ///< SB_EVENTS sequence
  std::uint32_t partition = 0; ///< from the subject sb.evt.<partition>
  bool ok = false;             ///< false: not decodable, skip it
  event e;
};

class batch_reader {
public:
  /// `name`: of the projection reading, for the log.
  batch_reader(std::unique_ptr<stream_reader> reader,
               const runner_settings& settings, std::string name);
  ~batch_reader();
  batch_reader(const batch_reader&) = delete;
  batch_reader& operator=(const batch_reader&) = delete;

  /// The next batch into `out` (empty when nothing arrived within a fetch
  /// wait); false with `error` once reading has failed.
  bool next(std::vector<read_event>& out, std::string& error);

private:
  void run();
  bool read(std::vector<stream_message>& messages, std::string& error);
  void decode_into(std::vector<stream_message>& messages,
                   std::vector<read_event>& out) const;

  static constexpr std::size_t depth = 2;

  std::unique_ptr<stream_reader> reader_;
  runner_settings settings_;
  std::string name_;
  std::atomic<bool> stopping_{false};
  std::mutex mtx_;
  std::condition_variable changed_;
  std::deque<std::vector<read_event>> ready_;
  std::string error_; ///< set once reading failed; the thread has ended
  std::thread thread_;
};

} // namespace sb::projections

#pragma once

// How a new partition owner rebuilds its calls: it reads the partition's
// events up to its own partition_acquired marker and folds them per call,
// ignoring whatever an older owner wrote after a newer marker (fencing).

#include "actors.hpp"
#include "switchboard/events/fence.hpp"
#include "switchboard/events/jetstream.hpp"

#include <string>

namespace sb::router {

/// Folds one event into `out`, honouring fencing; the pure core of
/// rehydrate(), separate so that it can be tested without a server. A call
/// takes a decision's events only once all of them are read: a group cut
/// short by a crash is left out, so its signal is decided again.
class partition_fold {
public:
  /// `newest_epoch`: of the markers before the first event this fold will
  /// see (a fold that starts mid-stream must still fence what owners older
  /// than them wrote).
  explicit partition_fold(std::uint32_t partition,
                          std::uint64_t newest_epoch = 0)
    : partition_(partition), fence_({{partition, newest_epoch}}) {}

  void apply(const event& e);

  /// Splits the calls into live and ended.
  [[nodiscard]] rehydrated_partition finish(std::uint64_t epoch) &&;

  [[nodiscard]] std::uint64_t fenced() const noexcept {
    return fence_.fenced();
  }

private:
  std::uint32_t partition_;
  fence fence_;
  std::unordered_map<std::string, call::call_state> calls_;
  /// Per call, the events of a decision not yet seen whole.
  std::unordered_map<std::string, std::vector<event>> open_groups_;
};

/// Where a partition's rebuild reads.
struct rehydration_range {
  /// Where the oldest live call of the partition begins, or the first event
  /// the projection has not committed, whichever is earlier: every live
  /// call is read whole, and calls that ended before it are the
  /// projection's to answer for (the router's ended_calls).
  std::uint64_t from_seq = 1;
  std::uint64_t marker_seq = 0; ///< the new owner's own marker, read last
  /// The newest fencing epoch of the partition before from_seq (the
  /// projection's checkpoint keeps it).
  std::uint64_t epoch_before = 0;
};

/// Reads sb.evt.<partition> over `range` and folds it. Returns false with a
/// reason if the log cannot be read.
bool rehydrate(jetstream& js, std::uint32_t partition,
               const rehydration_range& range, std::uint64_t epoch,
               rehydrated_partition& out, std::string& error);

/// Keeps only what an ended call needs to take amendments and to recognize
/// replays: identity, status, seq, positions.
[[nodiscard]] call::call_state trimmed(call::call_state st);

} // namespace sb::router

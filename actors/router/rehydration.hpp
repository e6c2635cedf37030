#pragma once

// How a new partition owner rebuilds its calls: it reads the partition's
// events up to its own partition_acquired marker and folds them per call,
// ignoring whatever an older owner wrote after a newer marker (fencing).

#include "actors.hpp"
#include "switchboard/events/jetstream.hpp"

#include <string>

namespace sb::router {

/// Folds one event into `out`, honouring fencing; the pure core of
/// rehydrate(), separate so that it can be tested without a server. A call
/// takes a decision's events only once all of them are read: a group cut
/// short by a crash is left out, so its signal is decided again.
class partition_fold {
public:
  explicit partition_fold(std::uint32_t partition) : partition_(partition) {}

  void apply(const event& e);

  /// Splits the calls into live and ended.
  [[nodiscard]] rehydrated_partition finish(std::uint64_t epoch) &&;

  [[nodiscard]] std::uint64_t fenced() const noexcept { return fenced_; }

private:
  std::uint32_t partition_;
  std::uint64_t newest_epoch_ = 0;
  std::uint64_t fenced_ = 0;
  std::unordered_map<std::string, call::call_state> calls_;
  /// Per call, the events of a decision not yet seen whole.
  std::unordered_map<std::string, std::vector<event>> open_groups_;
};

/// Reads sb.evt.<partition> from the start through `marker_seq` (the new
/// owner's own marker). Returns false with a reason if the log cannot be read.
bool rehydrate(jetstream& js, std::uint32_t partition,
               std::uint64_t marker_seq, std::uint64_t epoch,
               rehydrated_partition& out, std::string& error);

/// Keeps only what an ended call needs to take amendments and to recognize
/// replays: identity, status, seq, positions.
[[nodiscard]] call::call_state trimmed(call::call_state st);

} // namespace sb::router

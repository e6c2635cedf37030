#pragma once

// The fencing rule, in one place for every reader of SB_EVENTS (the
// projections, a new partition owner's rebuild): a `partition_acquired`
// marker raises its partition's epoch; from then on, events of that
// partition stamped with an older epoch were written by an owner that had
// already lost it, and are ignored (docs/adr/0002).

#include "switchboard/events/event.hpp"

#include <cstdint>
#include <map>

namespace sb {

class fence {
public:
  using epochs_map = std::map<std::uint32_t, std::uint64_t>;

  fence() = default;
  /// Starts from the newest epochs a reader has seen (its checkpoint).
  explicit fence(epochs_map newest) : newest_(std::move(newest)) {}

  /// True if `e`, read on `partition`, is a fact to apply: false for
  /// markers (which raise the epoch) and for events of a fenced owner.
  bool admit(const event& e, std::uint32_t partition);

  /// The newest epoch seen for `partition` (0 if none).
  [[nodiscard]] std::uint64_t epoch(std::uint32_t partition) const;

  [[nodiscard]] const epochs_map& epochs() const noexcept { return newest_; }

  /// Events refused so far because their owner was fenced.
  [[nodiscard]] std::uint64_t fenced() const noexcept { return fenced_; }

private:
  epochs_map newest_;
  std::uint64_t fenced_ = 0;
};

} // namespace sb

#pragma once

// How many signal messages of each partition are still on their way to its
// calls: not yet delivered by JetStream, or delivered but not yet handed out
// by the router. A call's inactivity timer concludes signal_lost only when
// its partition has none: otherwise the call's next signal may be among
// them (a restart's redelivered backlog, a large log being ingested).
// Written by the signal feed and the router, read by call actors: a gauge,
// not a message, because every call of the partition needs it at any time.

#include <atomic>
#include <cstdint>
#include <memory>

namespace sb::call {

class partition_backlog {
public:
  explicit partition_backlog(std::uint32_t partitions)
    : size_(partitions),
      undelivered_(new std::atomic<std::uint64_t>[partitions]),
      in_router_(new std::atomic<std::int64_t>[partitions]) {
    for (std::uint32_t p = 0; p < partitions; ++p) {
      undelivered_[p] = 0;
      in_router_[p] = 0;
    }
  }

  /// After a fetch: how many messages the server still holds for `p`.
  void set_undelivered(std::uint32_t p, std::uint64_t n) noexcept {
    if (p < size_)
      undelivered_[p] = n;
  }

  void sent_to_router(std::uint32_t p) noexcept {
    if (p < size_)
      ++in_router_[p];
  }

  void dispatched(std::uint32_t p) noexcept {
    if (p < size_)
      --in_router_[p];
  }

  [[nodiscard]] bool empty(std::uint32_t p) const noexcept {
    return p >= size_ || (undelivered_[p] == 0 && in_router_[p] <= 0);
  }

private:
  std::uint32_t size_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> undelivered_;
  std::unique_ptr<std::atomic<std::int64_t>[]> in_router_;
};

} // namespace sb::call

#pragma once

// Pulls SB_SIGNALS for the partitions this node owns and hands each
// delivered message, decoded, to the call router. One thread per partition,
// blocked in NATS fetches, never on an actor thread. A message that cannot
// be decoded goes to SB_DEADLETTER and is acknowledged, so it cannot block
// its partition.

#include "actors.hpp"
#include "call/partition_backlog.hpp"
#include "switchboard/events/jetstream.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sb::router {

class signal_feed {
public:
  signal_feed(std::shared_ptr<jetstream> js, sb::call_router router,
              std::shared_ptr<call::partition_backlog> backlog);
  ~signal_feed();

  /// Starts consuming a partition (after its calls were rehydrated).
  bool start(std::uint32_t partition, std::string& error);

  /// Stops every thread and waits for them.
  void stop();

  [[nodiscard]] std::uint64_t delivered() const noexcept { return delivered_; }

private:
  void run(partition_consumer& consumer);

  std::shared_ptr<jetstream> js_;
  sb::call_router router_;
  std::shared_ptr<call::partition_backlog> backlog_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> delivered_{0};
  std::mutex mtx_;
  std::vector<std::unique_ptr<partition_consumer>> consumers_;
  std::vector<std::thread> threads_;
};

} // namespace sb::router

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
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace sb::router {

class signal_feed {
public:
  signal_feed(std::shared_ptr<jetstream> js, sb::call_router router,
              std::shared_ptr<call::partition_backlog> backlog);
  ~signal_feed();

  /// Starts consuming a partition (after its calls were rehydrated).
  bool start(std::uint32_t partition, std::string& error);

  /// Stops consuming one partition and waits for its thread: once this
  /// returns, nothing more of it reaches the router. Deliveries already
  /// handed out stay valid (they keep their subscription).
  void stop(std::uint32_t partition);

  /// Stops every partition.
  void stop();

  [[nodiscard]] std::uint64_t delivered() const noexcept { return delivered_; }

private:
  struct reader {
    std::unique_ptr<partition_consumer> consumer;
    std::atomic<bool> stopping{false};
    std::thread thread;
  };

  void run(reader& r);

  std::shared_ptr<jetstream> js_;
  sb::call_router router_;
  std::shared_ptr<call::partition_backlog> backlog_;
  std::atomic<std::uint64_t> delivered_{0};
  std::mutex mtx_;
  std::map<std::uint32_t, std::unique_ptr<reader>> readers_;
};

} // namespace sb::router

#pragma once

// Which partitions this node owns, and the two ways that changes: taking a
// partition and letting it go. Taking is, in order (docs/adr/0002): lease →
// append the fencing marker → rebuild the partition's calls from the event
// log, from its oldest live call to that marker → hand them to the router →
// consume its signals. Letting go stops its signals, then its calls; what
// they had not stored stays unacknowledged for the next owner.
//
// A thread of its own keeps trying the partitions it does not own (another
// node's lease expires, NATS comes back) and takes back the ones whose
// lease was lost (an outage or a pause outlived the lease TTL). It never
// stops the node.

#include "actors.hpp"
#include "router/lease_keeper.hpp"
#include "router/rehydration.hpp"
#include "router/signal_feed.hpp"
#include "switchboard/db/store.hpp"
#include "switchboard/events/jetstream.hpp"

#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace sb::app {

struct ownership_settings {
  std::string node_id;
  std::uint32_t partitions = 64;
  /// How often partitions it does not own are tried again.
  std::chrono::milliseconds retry{5000};
  /// The projection whose checkpoint and live_calls bound the rebuild.
  std::string projection = "sessions";
};

class partition_owner {
public:
  partition_owner(caf::actor_system& sys, std::shared_ptr<jetstream> js,
                  router::lease_keeper& leases, router::signal_feed& feed,
                  sb::call_router router, std::unique_ptr<db::store> store,
                  ownership_settings settings);
  ~partition_owner();
  partition_owner(const partition_owner&) = delete;
  partition_owner& operator=(const partition_owner&) = delete;

  /// Takes every partition it can now, then starts the thread that keeps
  /// trying the others.
  void start();
  /// Stops the thread; owned partitions stay owned (a shutdown stops the
  /// feed and the router itself, in its own order).
  void stop();

  /// A lease was lost (lease_keeper's on_lost, any thread): the partition
  /// is let go and taken again as soon as it is free.
  void lost(std::uint32_t partition, std::string why);

  [[nodiscard]] std::size_t owned() const noexcept { return owned_count_; }

private:
  void run();
  /// One pass over the partitions not owned.
  void take_free();
  bool take(std::uint32_t partition, std::uint64_t epoch, std::string& error);
  void let_go(std::uint32_t partition);
  /// Asks the router to forget the partition, and waits for it.
  void drop_in_router(std::uint32_t partition);
  /// Where the rebuild of `partition` starts reading (all but the marker);
  /// false if PostgreSQL failed.
  bool range_of(std::uint32_t partition, router::rehydration_range& out,
                std::string& error);

  caf::actor_system& sys_;
  std::shared_ptr<jetstream> js_;
  router::lease_keeper& leases_;
  router::signal_feed& feed_;
  sb::call_router router_;
  std::unique_ptr<db::store> store_; ///< this object's thread only
  ownership_settings settings_;

  std::set<std::uint32_t> owned_; ///< the taking thread's only
  std::atomic<std::size_t> owned_count_{0};

  std::mutex mtx_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::deque<std::pair<std::uint32_t, std::string>> lost_;
  std::thread thread_;
};

} // namespace sb::app

#pragma once

// Partition leases in the NATS KV bucket sb_leases: key "p<N>" holds the
// owning node's id. Taking a lease yields its epoch (the KV revision at
// acquisition); renewals keep the epoch. Renewal runs on the keeper's own
// thread from the first lease on, whatever else the node is doing.
//
// Self-fencing: a lease's deadline is the time its last successful write
// was sent plus 90 % of the TTL. Past it the node may no longer write to
// the partition (`may_write` turns false) although it still tries to renew:
// a renewal that succeeds proves that nobody else took the lease meanwhile
// (the revision is unchanged), so writing resumes. A lease that is gone —
// taken by another node, or expired in the bucket during an outage or a
// pause — is reported once through `on_lost`; the node then lets the
// partition go and takes it again if it is free. Nothing here stops the
// node: not being able to renew is not the same as being taken over.

#include "switchboard/events/jetstream.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace sb::router {

class lease_keeper {
public:
  /// How a held lease ended.
  enum class loss {
    taken,   ///< another node holds it now
    expired, ///< it is gone from the bucket (TTL passed without renewal)
  };
  using lost_fn = std::function<void(std::uint32_t, loss, std::string why)>;

  /// What acquire() did.
  struct acquired {
    std::uint64_t epoch = 0;     ///< 0: not taken
    bool held_elsewhere = false; ///< another node holds it (else: NATS failed)
    std::string error;
  };

  lease_keeper(std::shared_ptr<jetstream> js, std::string node_id,
               std::uint32_t partitions, std::chrono::milliseconds ttl);
  ~lease_keeper();
  lease_keeper(const lease_keeper&) = delete;
  lease_keeper& operator=(const lease_keeper&) = delete;

  /// Who hears of a lost lease; runs on the keeper's thread. Set it before
  /// start().
  void on_lost(lost_fn fn) { on_lost_ = std::move(fn); }

  /// Starts the renewal thread. Leases acquired before or after are renewed
  /// at a third of the TTL.
  void start();
  /// Stops renewing (the leases expire by themselves); see release_all().
  void stop();

  /// Takes the lease if it is free, expired, or already ours (a restart of
  /// this node), under a new epoch.
  acquired acquire(std::uint32_t partition);

  /// Stops renewing a lease and writing to its partition.
  void forget(std::uint32_t partition);

  /// Deletes every held lease from the bucket, so that another node can
  /// take the partitions at once (a clean shutdown, after the last write).
  void release_all();

  /// True while this node holds the partition's lease and its deadline has
  /// not passed. Lock-free: the event sink asks before every publish.
  [[nodiscard]] bool may_write(std::uint32_t partition) const noexcept;

  /// Leases held (renewed or in doubt).
  [[nodiscard]] std::size_t held() const;

private:
  using clock = std::chrono::steady_clock;

  void run();
  void renew_all();
  /// After a refused renewal: who holds the lease now.
  loss classify(const std::string& key, std::uint64_t ours, bool& ours_still);
  void hold(std::uint32_t partition, std::uint64_t revision,
            clock::time_point sent);

  std::shared_ptr<jetstream> js_;
  std::string node_id_;
  std::uint32_t partitions_;
  std::chrono::milliseconds ttl_;
  lost_fn on_lost_;
  /// Per partition: the deadline in steady-clock nanoseconds, 0 if not held.
  std::unique_ptr<std::atomic<std::int64_t>[]> deadlines_;
  mutable std::mutex mtx_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::uint32_t, std::uint64_t> revisions_; ///< last revision held
  std::thread thread_;
};

} // namespace sb::router

#pragma once

// Partition leases in the NATS KV bucket sb_leases: key "p<N>" holds the
// owning node's id. Taking a lease yields its epoch (the KV revision at
// acquisition); renewals keep the epoch. A node whose renewal fails, or
// whose lease deadline passes without one, has lost the partition and must
// stop writing to it at once (self-fencing).

#include "switchboard/events/jetstream.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace sb::router {

class lease_keeper {
public:
  /// `on_lost(partition, why)` runs on the keeper's thread.
  lease_keeper(std::shared_ptr<jetstream> js, std::string node_id,
               std::chrono::milliseconds ttl,
               std::function<void(std::uint32_t, std::string)> on_lost);
  ~lease_keeper();

  /// Takes the lease if it is free, expired, or already ours (a restart of
  /// this node). Returns the new epoch, or 0 if another node holds it.
  std::uint64_t acquire(std::uint32_t partition, std::string& error);

  /// Starts renewing every held lease at a third of the TTL.
  void start();
  void stop();

private:
  void renew_all();

  std::shared_ptr<jetstream> js_;
  std::string node_id_;
  std::chrono::milliseconds ttl_;
  std::function<void(std::uint32_t, std::string)> on_lost_;
  std::mutex mtx_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::uint32_t, std::uint64_t> revisions_; ///< last revision held
  std::map<std::uint32_t, std::chrono::steady_clock::time_point> renewed_;
  std::thread thread_;
};

} // namespace sb::router

#include "router/lease_keeper.hpp"

#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <vector>

namespace sb::router {

namespace {

std::string key_of(std::uint32_t partition) {
  return "p" + std::to_string(partition);
}

/// What a released lease holds: no owner, free to take (a compare-and-set
/// write, unlike a delete, cannot erase a lease another node took).
constexpr const char* released = "";

std::int64_t ns(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           t.time_since_epoch())
    .count();
}

} // namespace

lease_keeper::lease_keeper(std::shared_ptr<jetstream> js, std::string node_id,
                           std::uint32_t partitions,
                           std::chrono::milliseconds ttl)
  : js_(std::move(js)), node_id_(std::move(node_id)), partitions_(partitions),
    ttl_(ttl), deadlines_(new std::atomic<std::int64_t>[partitions]) {
  for (std::uint32_t p = 0; p < partitions; ++p)
    deadlines_[p] = 0;
}

lease_keeper::~lease_keeper() {
  stop();
}

void lease_keeper::hold(std::uint32_t partition, std::uint64_t revision,
                        clock::time_point sent) {
  // The bucket's TTL runs from when the server stored the write, which is
  // after `sent`: this deadline passes before the lease can expire there.
  auto deadline = sent + ttl_ * 9 / 10;
  std::lock_guard<std::mutex> guard{mtx_};
  revisions_[partition] = revision;
  deadlines_[partition] = ns(deadline);
}

lease_keeper::acquired lease_keeper::acquire(std::uint32_t partition) {
  acquired out;
  if (partition >= partitions_) {
    out.error = "no partition " + std::to_string(partition);
    return out;
  }
  auto key = key_of(partition);
  auto sent = clock::now();
  std::uint64_t rev = 0;
  auto s
    = kvStore_CreateString(&rev, js_->leases(), key.c_str(), node_id_.c_str());
  if (s == NATS_OK) {
    hold(partition, rev, sent);
    out.epoch = rev;
    return out;
  }
  if (s != NATS_ERR) { // not "it exists": NATS itself failed
    out.error = "cannot take lease " + key + ": " + nats_error_text(s);
    return out;
  }
  kvEntry* entry = nullptr;
  s = kvStore_Get(&entry, js_->leases(), key.c_str());
  if (s != NATS_OK) {
    out.error = "cannot read lease " + key + ": " + nats_error_text(s);
    return out;
  }
  std::string owner = kvEntry_ValueString(entry);
  auto held = kvEntry_Revision(entry);
  kvEntry_Destroy(entry);
  if (owner != released && owner != node_id_) {
    out.held_elsewhere = true;
    out.error = key + " is held by " + owner;
    return out;
  }
  // Released, or ours from before a restart: take it under a new epoch.
  sent = clock::now();
  s = kvStore_UpdateString(&rev, js_->leases(), key.c_str(), node_id_.c_str(),
                           held);
  if (s != NATS_OK) {
    out.error = "cannot take lease " + key + ": " + nats_error_text(s);
    return out;
  }
  hold(partition, rev, sent);
  out.epoch = rev;
  return out;
}

void lease_keeper::forget(std::uint32_t partition) {
  std::lock_guard<std::mutex> guard{mtx_};
  revisions_.erase(partition);
  if (partition < partitions_)
    deadlines_[partition] = 0;
}

bool lease_keeper::may_write(std::uint32_t partition) const noexcept {
  return partition < partitions_
         && ns(clock::now()) < deadlines_[partition].load();
}

std::size_t lease_keeper::held() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return revisions_.size();
}

void lease_keeper::start() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (thread_.joinable())
    return;
  stopping_ = false;
  thread_ = std::thread{[this] {
    run();
  }};
}

void lease_keeper::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void lease_keeper::run() {
  std::unique_lock<std::mutex> lock{mtx_};
  while (!stopping_) {
    wake_.wait_for(lock, ttl_ / 3);
    if (stopping_)
      break;
    lock.unlock();
    renew_all();
    lock.lock();
  }
}

void lease_keeper::release_all() {
  std::map<std::uint32_t, std::uint64_t> held;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    held.swap(revisions_);
    for (std::uint32_t p = 0; p < partitions_; ++p)
      deadlines_[p] = 0;
  }
  std::size_t freed = 0;
  for (auto [partition, last] : held) {
    auto key = key_of(partition);
    std::uint64_t rev = 0;
    if (kvStore_UpdateString(&rev, js_->leases(), key.c_str(), released, last)
        == NATS_OK)
      ++freed;
  }
  if (!held.empty())
    spdlog::info("leases: released {} of {}", freed, held.size());
}

lease_keeper::loss lease_keeper::classify(const std::string& key,
                                          std::uint64_t ours,
                                          bool& ours_still) {
  ours_still = false;
  kvEntry* entry = nullptr;
  auto s = kvStore_Get(&entry, js_->leases(), key.c_str());
  if (s == NATS_NOT_FOUND)
    return loss::expired;
  if (s != NATS_OK) {
    ours_still = true; // cannot tell now: ask again next round
    return loss::expired;
  }
  std::string owner = kvEntry_ValueString(entry);
  auto rev = kvEntry_Revision(entry);
  kvEntry_Destroy(entry);
  if (owner == node_id_ && rev == ours) {
    ours_still = true; // the refusal was about something else
    return loss::expired;
  }
  return owner == node_id_ || owner == released ? loss::expired : loss::taken;
}

void lease_keeper::renew_all() {
  // Disconnected: nothing can be renewed; deadlines pass by themselves and
  // fence the partitions until NATS is back.
  if (!js_->connected())
    return;
  std::map<std::uint32_t, std::uint64_t> held;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    held = revisions_;
  }
  std::size_t failed = 0;
  std::string last_failure;
  std::vector<std::tuple<std::uint32_t, loss, std::string>> lost;
  for (auto [partition, last] : held) {
    auto key = key_of(partition);
    auto sent = clock::now();
    std::uint64_t rev = 0;
    auto s = kvStore_UpdateString(&rev, js_->leases(), key.c_str(),
                                  node_id_.c_str(), last);
    if (s == NATS_OK) {
      std::lock_guard<std::mutex> guard{mtx_};
      if (auto i = revisions_.find(partition);
          i != revisions_.end() && i->second == last) {
        i->second = rev;
        deadlines_[partition] = ns(sent + ttl_ * 9 / 10);
      }
      continue;
    }
    if (s != NATS_ERR) { // timeout, no connection: try again next round
      ++failed;
      last_failure = nats_error_text(s);
      if (!js_->connected())
        break;
      continue;
    }
    // Refused: the revision moved. Gone, or someone else's now?
    bool ours_still = false;
    auto why = classify(key, last, ours_still);
    if (ours_still) {
      ++failed;
      last_failure = nats_error_text(s);
      continue;
    }
    {
      std::lock_guard<std::mutex> guard{mtx_};
      auto i = revisions_.find(partition);
      if (i == revisions_.end() || i->second != last)
        continue; // forgotten meanwhile
      revisions_.erase(i);
      deadlines_[partition] = 0;
    }
    lost.emplace_back(partition, why,
                      why == loss::taken
                        ? "lease " + key + " was taken by another node"
                        : "lease " + key
                            + " expired before it was "
                              "renewed");
  }
  if (failed > 0)
    spdlog::warn("leases: {} of {} not renewed, retrying: {}", failed,
                 held.size(), last_failure);
  for (auto& [partition, why, text] : lost)
    if (on_lost_)
      on_lost_(partition, why, text);
}

} // namespace sb::router

#include "router/lease_keeper.hpp"

#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <vector>

namespace sb::router {

namespace {

std::string key_of(std::uint32_t partition) {
  return "p" + std::to_string(partition);
}

} // namespace

lease_keeper::lease_keeper(std::shared_ptr<jetstream> js, std::string node_id,
                           std::chrono::milliseconds ttl,
                           std::function<void(std::uint32_t, std::string)> on_lost)
  : js_(std::move(js)),
    node_id_(std::move(node_id)),
    ttl_(ttl),
    on_lost_(std::move(on_lost)) {
}

lease_keeper::~lease_keeper() {
  stop();
}

std::uint64_t lease_keeper::acquire(std::uint32_t partition,
                                    std::string& error) {
  auto key = key_of(partition);
  std::uint64_t rev = 0;
  auto s = kvStore_CreateString(&rev, js_->leases(), key.c_str(),
                                node_id_.c_str());
  if (s != NATS_OK) {
    kvEntry* entry = nullptr;
    if (kvStore_Get(&entry, js_->leases(), key.c_str()) != NATS_OK) {
      error = "cannot read lease " + key + ": " + nats_error_text(s);
      return 0;
    }
    std::string owner = kvEntry_ValueString(entry);
    auto held = kvEntry_Revision(entry);
    kvEntry_Destroy(entry);
    if (owner != node_id_) {
      error = key + " is held by " + owner;
      return 0;
    }
    // Ours from before a restart: take it again under a new epoch.
    s = kvStore_UpdateString(&rev, js_->leases(), key.c_str(),
                             node_id_.c_str(), held);
    if (s != NATS_OK) {
      error = "cannot renew lease " + key + ": " + nats_error_text(s);
      return 0;
    }
  }
  std::lock_guard<std::mutex> guard{mtx_};
  revisions_[partition] = rev;
  renewed_[partition] = std::chrono::steady_clock::now();
  return rev;
}

void lease_keeper::start() {
  thread_ = std::thread{[this] {
    std::unique_lock<std::mutex> lock{mtx_};
    while (!stopping_) {
      wake_.wait_for(lock, ttl_ / 3);
      if (stopping_)
        break;
      lock.unlock();
      renew_all();
      lock.lock();
    }
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

void lease_keeper::renew_all() {
  std::map<std::uint32_t, std::uint64_t> held;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    held = revisions_;
  }
  auto now = std::chrono::steady_clock::now();
  std::vector<std::pair<std::uint32_t, std::string>> lost;
  for (auto [partition, last] : held) {
    auto key = key_of(partition);
    std::uint64_t rev = 0;
    auto s = kvStore_UpdateString(&rev, js_->leases(), key.c_str(),
                                  node_id_.c_str(), last);
    std::lock_guard<std::mutex> guard{mtx_};
    if (s == NATS_OK) {
      revisions_[partition] = rev;
      renewed_[partition] = now;
      continue;
    }
    auto silent = now - renewed_[partition];
    bool taken = s == NATS_ERR; // wrong last sequence: someone else wrote
    if (taken || silent >= ttl_) {
      revisions_.erase(partition);
      renewed_.erase(partition);
      lost.emplace_back(partition,
                        taken ? "lease " + key + " was taken over"
                              : "lease " + key + " expired without renewal: "
                                  + nats_error_text(s));
    } else {
      spdlog::warn("lease {}: renewal failed, retrying: {}", key,
                   nats_error_text(s));
    }
  }
  for (auto& [partition, why] : lost)
    on_lost_(partition, why);
}

} // namespace sb::router

#include "http/live_hub.hpp"

#include <algorithm>

namespace sb::app::http {

void live_hub::publish(live_change change) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!started_) {
      started_ = true;
      kept_after_ = change.id - 1;
    }
    head_ = std::max(head_, change.id);
    recent_.push_back(std::move(change));
    while (recent_.size() > keep_) {
      kept_after_ = recent_.front().id;
      recent_.pop_front();
    }
  }
  changed_.notify_all();
}

void live_hub::advance(std::uint64_t id) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!started_) {
      started_ = true;
      kept_after_ = id;
    }
    if (id <= head_)
      return;
    head_ = id;
  }
  changed_.notify_all();
}

live_hub::batch live_hub::wait_after(const std::string& tenant,
                                     std::uint64_t after,
                                     std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mtx_};
  changed_.wait_for(lock, timeout, [&] { return head_ > after; });
  batch out;
  out.through = std::max(after, head_);
  if (after < kept_after_) {
    out.gap = true;
    return out;
  }
  // Ids ascend: the first change after `after` by binary search.
  auto first = std::upper_bound(
    recent_.begin(), recent_.end(), after,
    [](std::uint64_t id, const live_change& c) { return id < c.id; });
  for (auto i = first; i != recent_.end(); ++i)
    if (i->tenant_id == tenant)
      out.changes.push_back(*i);
  return out;
}

std::uint64_t live_hub::head() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return head_;
}

std::uint64_t live_hub::oldest_resumable() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return kept_after_;
}

bool live_hub::started() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return started_;
}

} // namespace sb::app::http

#include "http/stream_channel.hpp"

namespace sb::app::http {

bool stream_channel::write(std::string chunk) {
  if (chunk.empty())
    return open(); // an empty chunk would end the chunked body
  std::unique_lock<std::mutex> lock{mtx_};
  room_.wait(lock, [this] { return closed_ || bytes_ < limit_; });
  if (closed_ || done_)
    return false;
  bytes_ += chunk.size();
  queue_.push_back(std::move(chunk));
  wake_locked();
  return true;
}

bool stream_channel::open() const {
  std::lock_guard<std::mutex> lock{mtx_};
  return !closed_;
}

void stream_channel::finish(bool complete) {
  std::lock_guard<std::mutex> lock{mtx_};
  if (done_)
    return;
  done_ = true;
  complete_ = complete;
  wake_locked();
}

void stream_channel::close() {
  std::lock_guard<std::mutex> lock{mtx_};
  closed_ = true;
  queue_.clear();
  bytes_ = 0;
  room_.notify_all();
}

stream_channel::next stream_channel::take(std::string& out) {
  std::lock_guard<std::mutex> lock{mtx_};
  if (!queue_.empty()) {
    out = std::move(queue_.front());
    queue_.pop_front();
    bytes_ -= out.size();
    room_.notify_all();
    return next::chunk;
  }
  if (done_)
    return complete_ ? next::complete : next::cut_off;
  taking_ = false;
  return next::wait;
}

void stream_channel::wake_locked() {
  if (taking_)
    return;
  taking_ = true;
  wake_();
}

} // namespace sb::app::http

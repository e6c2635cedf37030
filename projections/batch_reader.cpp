#include "batch_reader.hpp"

#include "switchboard/events/codec.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

namespace sb::projections {

namespace {

/// "sb.evt.12" → 12.
std::uint32_t partition_of_subject(const std::string& subject) {
  auto dot = subject.rfind('.');
  return static_cast<std::uint32_t>(
    std::strtoul(subject.c_str() + dot + 1, nullptr, 10));
}

} // namespace

batch_reader::batch_reader(std::unique_ptr<stream_reader> reader,
                           const runner_settings& settings, std::string name)
  : reader_(std::move(reader)), settings_(settings), name_(std::move(name)) {
  thread_ = std::thread{[this] {
    run();
  }};
}

batch_reader::~batch_reader() {
  {
    // Under the lock, so the thread cannot miss it between its check and
    // its wait.
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

bool batch_reader::next(std::vector<read_event>& out, std::string& error) {
  out.clear();
  std::unique_lock<std::mutex> lock{mtx_};
  changed_.wait_for(lock, std::chrono::milliseconds(settings_.fetch_wait_ms),
                    [this] { return !ready_.empty() || !error_.empty(); });
  if (!ready_.empty()) {
    out = std::move(ready_.front());
    ready_.pop_front();
    changed_.notify_all();
    return true;
  }
  if (!error_.empty()) {
    error = error_;
    return false;
  }
  return true;
}

void batch_reader::run() {
  std::vector<stream_message> messages;
  std::string error;
  while (!stopping_) {
    {
      std::unique_lock<std::mutex> lock{mtx_};
      changed_.wait(lock,
                    [this] { return stopping_ || ready_.size() < depth; });
    }
    messages.clear();
    if (!read(messages, error)) {
      std::lock_guard<std::mutex> guard{mtx_};
      error_ = error;
      changed_.notify_all();
      return;
    }
    if (messages.empty())
      continue;
    std::vector<read_event> batch;
    decode_into(messages, batch);
    std::lock_guard<std::mutex> guard{mtx_};
    ready_.push_back(std::move(batch));
    changed_.notify_all();
  }
}

bool batch_reader::read(std::vector<stream_message>& out, std::string& error) {
  using clock = std::chrono::steady_clock;
  auto close_at
    = clock::now() + std::chrono::milliseconds(settings_.batch_span_ms);
  while (!stopping_) {
    auto before = out.size();
    auto room = settings_.batch_max - before;
    auto ask = static_cast<int>(
      std::min(room, static_cast<std::size_t>(settings_.fetch_max)));
    if (!reader_->fetch(out, ask, settings_.fetch_wait_ms, error))
      return false;
    // The server says how much is still to come: zero means caught up.
    bool behind = out.size() > before && out.back().pending > 0;
    if (!behind || out.size() >= settings_.batch_max
        || clock::now() >= close_at)
      return true;
  }
  return true;
}

void batch_reader::decode_into(std::vector<stream_message>& messages,
                               std::vector<read_event>& out) const {
  out.resize(messages.size());
  std::string why;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto& r = out[i];
    r.seq = messages[i].seq;
    r.partition = partition_of_subject(messages[i].subject);
    why.clear();
    r.ok = decode(messages[i].data, r.e, why);
    if (!r.ok)
      spdlog::error("projection {}: event {} unreadable, skipped: {}", name_,
                    r.seq, why);
  }
}

} // namespace sb::projections

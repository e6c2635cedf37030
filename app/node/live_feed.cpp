#include "node/live_feed.hpp"

#include "http/live_changes.hpp"

#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

namespace sb::app {

void live_feed::start() {
  thread_ = std::thread([this] { run(); });
}

void live_feed::stop() {
  stopping_ = true;
  if (thread_.joinable())
    thread_.join();
}

void live_feed::run() {
  pthread_setname_np(pthread_self(), "sb-live-feed");
  std::unique_ptr<stream_reader> reader;
  std::vector<stream_message> batch;
  std::string error;
  while (!stopping_) {
    if (!reader) {
      reader = stream_reader::open(*js_, events_stream, "sb.evt.*", next_,
                                   error);
      if (!reader) {
        spdlog::warn("live: cannot read {}: {}", events_stream, error);
        std::this_thread::sleep_for(std::chrono::seconds{1});
        continue;
      }
    }
    batch.clear();
    // Short waits: stop() is noticed within one.
    if (!reader->fetch(batch, 500, 250, error)) {
      spdlog::warn("live: reading {} failed: {}; reopening", events_stream,
                   error);
      reader.reset();
      std::this_thread::sleep_for(std::chrono::seconds{1});
      continue;
    }
    for (const auto& msg : batch) {
      event e;
      std::string why;
      if (decode(msg.data, e, why)) {
        if (auto change = http::live_change_of(e, msg.seq))
          hub_.publish(std::move(*change));
        else
          hub_.advance(msg.seq);
      } else {
        hub_.advance(msg.seq); // the projections report it; nothing live
      }
      next_ = msg.seq + 1;
    }
  }
}

} // namespace sb::app

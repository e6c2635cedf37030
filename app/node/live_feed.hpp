#pragma once

// The node's feed of the live view: a thread that tails SB_EVENTS (every
// partition, an ephemeral ordered reader) and publishes what each event
// means live into the hub that `/v1/live` streams read. It starts at the
// sessions projection's checkpoint, so the changes the live_calls table
// does not hold yet are in the hub when the first client connects. On a
// NATS error it reopens the reader after the last event it read.

#include "http/live_hub.hpp"

#include "switchboard/events/jetstream.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

namespace sb::app {

class live_feed {
public:
  /// Reads from `start_after` + 1 (0: the stream's first event).
  live_feed(std::shared_ptr<jetstream> js, http::live_hub& hub,
            std::uint64_t start_after)
    : js_(std::move(js)), hub_(hub), next_(start_after + 1) {}
  ~live_feed() { stop(); }
  live_feed(const live_feed&) = delete;
  live_feed& operator=(const live_feed&) = delete;

  void start();
  void stop();

private:
  void run();

  std::shared_ptr<jetstream> js_;
  http::live_hub& hub_;
  std::uint64_t next_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

} // namespace sb::app

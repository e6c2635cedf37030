#pragma once

// The call actors' event sink in a node: SB_EVENTS on JetStream, subject
// sb.evt.<partition>, Nats-Msg-Id "<call_id>:<seq>" so retries and
// re-decisions are stored once.

#include "call/event_sink.hpp"
#include "switchboard/events/jetstream.hpp"

#include <atomic>
#include <memory>

namespace sb::router {

class nats_event_sink : public call::event_sink {
public:
  explicit nats_event_sink(std::shared_ptr<jetstream> js);

  void publish(std::uint32_t partition, const event& e,
               done_fn done) override;

  /// Events stored (duplicates included) and failed, since start.
  [[nodiscard]] std::uint64_t stored() const noexcept { return stored_; }
  [[nodiscard]] std::uint64_t failed() const noexcept { return failed_; }

private:
  std::shared_ptr<jetstream> js_;
  std::atomic<std::uint64_t> stored_{0};
  std::atomic<std::uint64_t> failed_{0};
};

} // namespace sb::router

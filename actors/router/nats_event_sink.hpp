#pragma once

// The call actors' event sink in a node: SB_EVENTS on JetStream, subject
// sb.evt.<partition>, Nats-Msg-Id "<call_id>:<seq>:<epoch>" so a writer's
// retries are stored once. Self-fencing happens here: an event of a
// partition the node may not write to now (lease deadline passed, lease
// lost) is refused without reaching NATS, and its call retries later.

#include "call/event_sink.hpp"
#include "switchboard/events/jetstream.hpp"

#include <atomic>
#include <functional>
#include <memory>

namespace sb::router {

class nats_event_sink : public call::event_sink {
public:
  /// True while the node may write to a partition (lease_keeper::may_write).
  using write_gate = std::function<bool(std::uint32_t partition)>;

  /// An empty gate lets every write through (tools and benchmarks).
  explicit nats_event_sink(std::shared_ptr<jetstream> js, write_gate gate = {});

  void publish(std::uint32_t partition, const event& e, done_fn done) override;

  /// Events stored (duplicates included) and failed, since start.
  [[nodiscard]] std::uint64_t stored() const noexcept { return stored_; }
  [[nodiscard]] std::uint64_t failed() const noexcept { return failed_; }
  /// Events refused because the node may not write to their partition.
  [[nodiscard]] std::uint64_t fenced() const noexcept { return fenced_; }

private:
  std::shared_ptr<jetstream> js_;
  write_gate gate_;
  std::atomic<std::uint64_t> stored_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> fenced_{0};
};

} // namespace sb::router

#include "router/nats_event_sink.hpp"

#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"

#include <spdlog/spdlog.h>

namespace sb::router {

nats_event_sink::nats_event_sink(std::shared_ptr<jetstream> js, write_gate gate)
  : js_(std::move(js)), gate_(std::move(gate)) {}

void nats_event_sink::publish(std::uint32_t partition, const event& e,
                              done_fn done) {
  if (gate_ && !gate_(partition)) {
    // Not a failure of NATS: this node may not write here now. Counted,
    // not logged per event (an outage would log every retry of every call).
    ++fenced_;
    done(false);
    return;
  }
  auto id = e.id();
  js_->publish_async(
    event_subject(partition), encode(e), id,
    [this, id, done = std::move(done)](const publish_result& r) {
      if (r.ok) {
        ++stored_;
      } else {
        if (++failed_ % 1000 == 1)
          spdlog::warn("event sink: {} not stored: {} ({} failed so far)", id,
                       r.error, failed_.load());
      }
      done(r.ok);
    });
}

} // namespace sb::router

#include "router/nats_event_sink.hpp"

#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"

#include <spdlog/spdlog.h>

namespace sb::router {

nats_event_sink::nats_event_sink(std::shared_ptr<jetstream> js)
  : js_(std::move(js)) {
}

void nats_event_sink::publish(std::uint32_t partition, const event& e,
                              done_fn done) {
  auto id = e.id();
  js_->publish_async(
    event_subject(partition), encode(e), id,
    [this, id, done = std::move(done)](const publish_result& r) {
      if (r.ok) {
        ++stored_;
      } else {
        ++failed_;
        spdlog::warn("event sink: {} not stored: {}", id, r.error);
      }
      done(r.ok);
    });
}

} // namespace sb::router

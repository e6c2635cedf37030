#pragma once

// Where a call actor's events go: JetStream in a node (nats_event_sink),
// a recording list in unit tests. `publish` never blocks; `done` may run on
// any thread.

#include "switchboard/events/event.hpp"

#include <functional>

namespace sb::call {

class event_sink {
public:
  using done_fn = std::function<void(bool stored)>;
  virtual ~event_sink() = default;

  /// Stores one event on its partition, deduplicated by its id.
  virtual void publish(std::uint32_t partition, const event& e,
                       done_fn done) = 0;
};

} // namespace sb::call

#include "node/partition_takeover.hpp"

#include "router/rehydration.hpp"
#include "switchboard/events/codec.hpp"
#include "switchboard/events/partitions.hpp"

#include <caf/send.hpp>

#include <chrono>

namespace sb::app {

bool take_partition(jetstream& js, router::lease_keeper& leases,
                    router::signal_feed& feed, const sb::call_router& router,
                    std::uint32_t partition, const std::string& node_id,
                    std::string& error) {
  auto epoch = leases.acquire(partition, error);
  if (epoch == 0)
    return false;
  event marker;
  marker.env.epoch = epoch;
  marker.env.occurred_at
    = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch())
        .count();
  marker.env.recorded_at = marker.env.occurred_at;
  marker.payload = partition_acquired{partition, epoch, node_id};
  auto stored = js.publish(event_subject(partition), encode(marker),
                           marker.id());
  if (!stored.ok) {
    error = "cannot append the marker of partition "
            + std::to_string(partition) + ": " + stored.error;
    return false;
  }
  rehydrated_partition calls;
  if (!router::rehydrate(js, partition, stored.seq, epoch, calls, error))
    return false;
  // The router gets the calls before any signal: same mailbox, sent first.
  caf::anon_send(router, rehydrate_atom::value, std::move(calls));
  return feed.start(partition, error);
}

} // namespace sb::app

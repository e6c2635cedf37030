#pragma once

// Taking a partition: lease it, append the fencing marker, rebuild its
// calls from the event log up to that marker, hand them to the router,
// then start consuming its signals — in that order (docs/adr/0002).

#include "actors.hpp"
#include "router/lease_keeper.hpp"
#include "router/signal_feed.hpp"
#include "switchboard/events/jetstream.hpp"

#include <string>

namespace sb::app {

/// False with a reason if the partition could not be taken now (another
/// node holds it, or NATS failed).
bool take_partition(jetstream& js, router::lease_keeper& leases,
                    router::signal_feed& feed, const sb::call_router& router,
                    std::uint32_t partition, const std::string& node_id,
                    std::string& error);

} // namespace sb::app

#pragma once

// One safe way to fetch from a pull subscription, for stream_reader and
// partition_consumer.
//
// natsSubscription_Fetch in nats.c 3.4.1 (the Debian 12 package) writes past
// its message array when, at the call, the subscription already holds more
// than half a batch of messages: those of an earlier request that arrived
// after its fetch had timed out (nats.c#749, fixed upstream in 3.9.0). Under
// load that corrupts the heap. So what is already queued is taken one
// message per fetch (a batch of one cannot overrun, and a queued message
// needs no request); only an empty queue is asked for a whole batch, which
// starts counting at zero and stops at the batch size.

#include <nats/nats.h>

#include <cstdint>
#include <vector>

namespace sb::detail {

/// Appends up to `max` messages to `out` (the caller destroys them),
/// waiting up to `timeout_ms` when none is ready: NATS_OK, NATS_TIMEOUT
/// (nothing new) or the error.
natsStatus pull_fetch(natsSubscription* sub, int max, std::int64_t timeout_ms,
                      std::vector<natsMsg*>& out);

} // namespace sb::detail

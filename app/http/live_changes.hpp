#pragma once

// What a domain event means to someone watching live calls: a call started,
// its state changed (queued, ringing), someone spoke, it ended. Other
// events change nothing a live view shows.

#include "http/live_hub.hpp"

#include "switchboard/events/event.hpp"

#include <cstdint>
#include <optional>

namespace sb::app::http {

/// The live change of `e`, stored at stream sequence `seq`; nullopt if it
/// shows nothing live.
[[nodiscard]] std::optional<live_change> live_change_of(const event& e,
                                                        std::uint64_t seq);

} // namespace sb::app::http

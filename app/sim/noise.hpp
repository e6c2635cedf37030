#pragma once

// Noise a debug-level Pipecat bot writes around a call: frame traffic,
// audio frames, processor linking, heartbeats, WebRTC/ICE, TRACE lines,
// TTFAT, model loading, and lines of other loggers (uvicorn access,
// stdlib). The gateway drops every one of them.

#include "sim/call_script.hpp"
#include "sim/dialect.hpp"
#include "sim/rng.hpp"

#include <cstdint>
#include <string>

namespace sb::sim {

/// One noise record of call `call_id` at `ms`, in the call's style.
[[nodiscard]] sim_line noise_line(rng_t& rng, const style& s,
                                  const std::string& call_id,
                                  std::int64_t ms);

} // namespace sb::sim

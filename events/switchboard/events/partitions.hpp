#pragma once

// Where a call's signals and events live: a stable hash of the call id
// modulo a partition count fixed for the life of a deployment.

#include <cstdint>
#include <string>
#include <string_view>

namespace sb {

/// 64 partitions unless configured otherwise (DESIGN.md, NATS layout).
inline constexpr std::uint32_t default_partition_count = 64;

/// FNV-1a 64 of the call id, modulo count; never changes between releases.
[[nodiscard]] std::uint32_t partition_of(std::string_view call_id,
                                         std::uint32_t count) noexcept;

[[nodiscard]] std::uint64_t fnv1a64(std::string_view bytes,
                                    std::uint64_t seed = 1469598103934665603ull) noexcept;

/// Stream and subject names (DESIGN.md, NATS layout).
inline constexpr const char* signals_stream = "SB_SIGNALS";
inline constexpr const char* events_stream = "SB_EVENTS";
inline constexpr const char* deadletter_stream = "SB_DEADLETTER";
inline constexpr const char* leases_bucket = "sb_leases";

[[nodiscard]] std::string signal_subject(std::uint32_t partition);
[[nodiscard]] std::string event_subject(std::uint32_t partition);
[[nodiscard]] std::string deadletter_subject(std::string_view source);

} // namespace sb

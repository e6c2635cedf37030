#pragma once

// Rules both stores apply to a projection batch, so that memory_store
// behaves exactly like pg_store.

#include "switchboard/db/records.hpp"

#include <caf/error.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace sb::db::detail {

/// The checkpoint row a batch moves: batch.next.projection.
[[nodiscard]] const std::string& projection_of(const projection_batch& batch);

/// db_errc::invalid_argument if the batch cannot be stored: no projection
/// name, previous and next naming different projections, a position beyond
/// the int64 range, or text holding a NUL byte.
[[nodiscard]] caf::error validate(const projection_batch& batch);

/// Negative latencies mean "unmeasured" and are stored as -1 (NULL in SQL).
[[nodiscard]] double normalized_latency(double ms);

/// Sessions written with a known start (started_at != 0), by id, with the
/// last such start in batch order. After the upserts, a placeholder row of
/// such a session (started_at 0, kept on 1970-01-01) is deleted and its
/// turns move to the known start, unless a turn with that key exists there.
[[nodiscard]] std::map<std::string, std::int64_t>
promoted_sessions(const projection_batch& batch);

} // namespace sb::db::detail

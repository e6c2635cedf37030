#pragma once

// One batch of SB_EVENTS into one projection: the step the live runner and
// the replay share. Fencing happens here, once, for every projection.

#include "batch_reader.hpp"

#include "switchboard/events/fence.hpp"
#include "switchboard/projections/projection.hpp"

#include <caf/error.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace sb::projections::detail {

/// The calls a batch's events belong to (what prepare() loads).
inline std::set<std::string> calls_of(const std::vector<read_event>& events) {
  std::set<std::string> calls;
  for (const auto& r : events)
    if (r.ok && !r.e.env.call_id.empty())
      calls.insert(r.e.env.call_id);
  return calls;
}

/// Loads what the batch's calls need, then applies every admitted event;
/// `position` moves past every message, decodable or not, fact or marker.
/// `calls`: calls_of(events), found once when projections share a batch.
/// Returns how many events were applied.
inline caf::expected<std::uint64_t>
fold_batch(projection& p, fence& f, const std::vector<read_event>& events,
           const std::set<std::string>& calls, std::uint64_t& position) {
  if (auto err = p.prepare(calls))
    return err;
  std::uint64_t applied = 0;
  for (const auto& r : events) {
    if (r.seq > position)
      position = r.seq;
    // admit() takes markers (raising their partition's epoch) and refuses
    // what fenced owners wrote.
    if (!r.ok || !f.admit(r.e, r.partition) || r.e.env.call_id.empty())
      continue;
    p.apply(r.e, event_position{r.seq, r.partition, f.epoch(r.partition)});
    ++applied;
  }
  return applied;
}

inline caf::expected<std::uint64_t>
fold_batch(projection& p, fence& f, const std::vector<read_event>& events,
           std::uint64_t& position) {
  return fold_batch(p, f, events, calls_of(events), position);
}

} // namespace sb::projections::detail

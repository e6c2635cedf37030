#pragma once

// A projection: a name, its tables, a pure fold of events and the writers
// of what the fold changed (docs/adr/0007). The runner (live, incremental)
// and the replay (bulk, into a new generation) drive every projection the
// same way; fencing is theirs (sb::fence), so a projection only ever sees
// facts to apply.
//
// Each projection's fold handles every event type explicitly: its visitor
// has one operator() per type and no catch-all, so a new event type does
// not compile until each projection says what it does with it.

#include "switchboard/db/records.hpp"
#include "switchboard/events/event.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace sb::projections {

/// Where an event was read in SB_EVENTS.
struct event_position {
  std::uint64_t seq = 0;       ///< the stream sequence
  std::uint32_t partition = 0; ///< from the subject sb.evt.<partition>
  std::uint64_t epoch = 0;     ///< the partition's newest fencing epoch
};

enum class write_mode : std::uint8_t {
  /// The live projection: every batch writes what it changed (upserts).
  incremental,
  /// A replay into an empty generation: large batches, each row written
  /// once when its call's fold is final (COPY), the rest at the end.
  bulk,
};

class projection {
public:
  virtual ~projection() = default;

  [[nodiscard]] virtual const std::string& name() const = 0;

  /// Its tables, in its generation schema; a replay builds a shadow of
  /// each, and the swap repoints the public views among them.
  [[nodiscard]] virtual const std::vector<std::string>& tables() const = 0;

  /// Starts a pass: reads the checkpoint row `row` (the live one is named
  /// after the projection, a replay's is db::replay_checkpoint_name) and
  /// forgets whatever the fold held, so a pass folds onto what is stored.
  /// The writer follows the generation the row names.
  virtual caf::expected<db::checkpoint> begin(const std::string& row) = 0;

  /// Loads the stored state of those `call_ids` the fold does not hold.
  virtual caf::error prepare(const std::set<std::string>& call_ids) = 0;

  /// Folds one fact (not a marker, not fenced).
  virtual void apply(const event& e, const event_position& at) = 0;

  /// Writes what the fold changed since the last commit and moves the
  /// checkpoint from `previous` to `next`, in one transaction (CAS on
  /// `previous`: db_errc::checkpoint_conflict when it moved on). `final`:
  /// bulk mode writes everything it still holds back.
  virtual caf::error commit(const db::checkpoint& previous,
                            const db::checkpoint& next, bool final)
    = 0;
};

} // namespace sb::projections

#pragma once

// The sessions projection's logic: folds events into `sessions`, `turns`
// and `live_calls` rows, with the derived analysis of each call (sentiment,
// tags, summary, success, cost, latency; projections/analysis) under one
// version of the rules. Pure: the projection loads the rows a batch
// touches, applies the batch's events here, and commits what take_batch()
// gives. Idempotent by position: an event whose seq is not above its
// session's last_seq changes nothing. Fencing is the reader's (sb::fence).
//
// One fold can carry on over many batches (take_batch, commit, trim): the
// projection then loads only the calls it has not seen. In bulk mode (a
// replay) it writes a call's rows once, when the call has ended, and the
// live ones at the final batch.

#include "switchboard/analysis/rules.hpp"
#include "switchboard/analysis/tags.hpp"
#include "switchboard/db/records.hpp"
#include "switchboard/events/event.hpp"
#include "switchboard/projections/projection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sb::projections {

class sessions_fold {
public:
  explicit sessions_fold(const analysis::rules& rules,
                         write_mode mode = write_mode::incremental);

  /// Rows as stored before this batch; call before apply() for the batch's
  /// calls. Unknown calls start as new rows. In bulk mode all the turns of
  /// a call are loaded (it is written whole), else its last one.
  void load(std::vector<db::session_record> sessions,
            std::vector<db::turn_record> turns);

  /// True when the fold holds `call_id`'s row, or knows it has none
  /// stored (bulk mode: a call it never wrote): nothing need be loaded.
  [[nodiscard]] bool holds(const std::string& call_id) const;

  /// After a commit, keeps exactly what load() would give back for the next
  /// batch (each session's last turn; ended calls are dropped and reloaded
  /// if a late event comes), and at most `max_sessions` sessions: the next
  /// batch then folds the same state whether or not it was reloaded. Bulk
  /// mode keeps live calls whole (they are not written yet).
  void trim(std::size_t max_sessions);

  /// Applies one fact read at `at`: the call's session as it now is, or
  /// nullptr when the fact was applied before (nothing changed).
  const db::session_record* apply(const event& e, const event_position& at);

  /// The rows to commit (checkpoints are the caller's). `final`: bulk mode
  /// gives every row it still holds back.
  [[nodiscard]] db::projection_batch take_batch(bool final = false);

  // -- for projections that fold a call's session as a step of their own
  // (agent_stats aggregates the very rows `sessions` holds) ----------------

  /// Derives each session changed since the last take and forgets the
  /// changes as take_batch() would, without building rows; by call id.
  /// `hold_live`: live calls stay changed, to be given once they end (a
  /// replay counts a call once, final). The pointers hold until the next
  /// apply(), load() or trim(). Incremental mode only.
  [[nodiscard]] std::vector<const db::session_record*>
  take_changed(bool hold_live = false);

  /// The session of `call_id` the fold holds, or nullptr.
  [[nodiscard]] const db::session_record*
  find(const std::string& call_id) const;

  /// The highest turn the fold holds of `call_id`, or nullptr.
  [[nodiscard]] const db::turn_record*
  last_turn(const std::string& call_id) const;

  /// How many calls the fold holds.
  [[nodiscard]] std::size_t size() const noexcept { return calls_.size(); }

private:
  struct applier;

  struct held_turn {
    db::turn_record row;
    bool touched = false; ///< changed since the last take
  };

  /// Everything the fold holds of one call, under one key: a replay folds
  /// tens of thousands of live calls at once, and sets of string keys per
  /// event were most of its time.
  struct held_call {
    db::session_record session; ///< id empty: only turns were loaded
    std::vector<held_turn> turns; ///< by turn number
    time_us last_activity = 0;    ///< its last event (the live view)
    /// Its first event was read here; the live row is not written yet.
    std::optional<db::live_call_record> live_started;
    bool live_ended = false; ///< ended since the last take
    bool touched = false;    ///< in touched_
    bool since_trim = false; ///< in since_trim_
  };

  held_call* session_for(const event& e);
  void touch(held_call& c);
  void mark_since_trim(held_call& c, const std::string& call_id);
  /// Sorts calls by id: what a batch writes comes in one order.
  static void by_id(std::vector<held_call*>& calls);
  /// The changed calls, by id, no longer marked changed; with `hold_live`
  /// the live ones stay in touched_.
  std::vector<held_call*> take_touched(bool hold_live);
  db::turn_record* turn(held_call& c, std::uint32_t number);
  db::turn_record& new_turn(held_call& c, std::uint32_t number,
                            const char* speaker);
  void derive_row(db::session_record& s) const;
  /// Records where a live call's events begin, or that it ended.
  void track_live(held_call& c, const event& e, const event_position& at);
  [[nodiscard]] db::live_call_record live_view(const held_call& c) const;
  void take_live(db::projection_batch& batch,
                 const std::vector<held_call*>& taken, bool final);

  const analysis::rules& rules_;
  analysis::tag_matcher tags_;
  write_mode mode_;
  /// Node-based: a held_call stays where it is while others come and go,
  /// so touched_ can point at it.
  std::unordered_map<std::string, held_call> calls_;
  std::vector<held_call*> touched_; ///< changed since the last take
  std::vector<std::string> since_trim_; ///< loaded or taken since trim()
  /// Bulk mode: calls whose rows were written (a late event reloads them).
  std::unordered_set<std::string> written_;
};

} // namespace sb::projections

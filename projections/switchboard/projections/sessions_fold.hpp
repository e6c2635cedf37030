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
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
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

  /// Applies one fact read at `at`.
  void apply(const event& e, const event_position& at);

  /// The rows to commit (checkpoints are the caller's). `final`: bulk mode
  /// gives every row it still holds back.
  [[nodiscard]] db::projection_batch take_batch(bool final = false);

  // -- for projections that fold a call's session as a step of their own
  // (agent_stats aggregates the very rows `sessions` holds) ----------------

  /// Derives each session changed since the last take, hands it to `fn`,
  /// and forgets the changes as take_batch() would, without building rows.
  /// Incremental mode only.
  template <class F>
  void take_changed(F&& fn) {
    for (const auto& id : touched_sessions_) {
      auto& s = sessions_.at(id);
      derive_row(s);
      fn(static_cast<const db::session_record&>(s));
    }
    since_trim_.merge(touched_sessions_);
    touched_sessions_.clear();
    touched_turns_.clear();
    live_started_.clear();
    live_ended_.clear();
  }

  /// The session of `call_id` the fold holds, or nullptr.
  [[nodiscard]] const db::session_record*
  find(const std::string& call_id) const;

  /// The highest turn the fold holds of `call_id`, or nullptr.
  [[nodiscard]] const db::turn_record*
  last_turn(const std::string& call_id) const;

  /// How many sessions the fold holds.
  [[nodiscard]] std::size_t size() const noexcept { return sessions_.size(); }

private:
  struct applier;

  db::session_record* session_for(const event& e);
  db::turn_record* turn(const db::session_record& s, std::uint32_t number);
  db::turn_record& new_turn(const db::session_record& s, std::uint32_t number,
                            const char* speaker);
  void derive_row(db::session_record& s) const;
  /// Records where a live call's events begin, or that it ended.
  void track_live(const db::session_record& s, const event& e,
                  const event_position& at);
  [[nodiscard]] db::live_call_record
  live_view(const db::session_record& s) const;
  void take_live(db::projection_batch& batch, bool final);

  const analysis::rules& rules_;
  analysis::tag_matcher tags_;
  write_mode mode_;
  std::unordered_map<std::string, db::session_record> sessions_;
  std::set<std::string> touched_sessions_;
  std::set<std::string> since_trim_; ///< loaded or taken since trim()
  std::map<std::pair<std::string, std::int32_t>, db::turn_record> turns_;
  std::set<std::pair<std::string, std::int32_t>> touched_turns_;
  /// Live calls whose first event this fold read, not yet written.
  std::map<std::string, db::live_call_record> live_started_;
  std::set<std::string> live_ended_;
  /// When each live call's last event happened (the live view).
  std::unordered_map<std::string, time_us> last_activity_;
  /// Bulk mode: calls whose rows were written (a late event reloads them).
  std::unordered_set<std::string> written_;
};

} // namespace sb::projections

#pragma once

// The sessions projection's logic: folds events into `sessions` and `turns`
// rows. Pure: the runner loads the rows a batch touches, applies the batch's
// events here, and commits the touched rows with the new checkpoint.
// Idempotent by position: an event whose seq is not above its session's
// last_seq changes nothing; events of a fenced (older) epoch are ignored.
// One fold can carry on over many batches (take_batch, commit, trim): the
// runner then loads only the calls it has not seen.

#include "switchboard/db/records.hpp"
#include "switchboard/events/event.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sb::projections {

class sessions_fold {
public:
  /// Starts from a checkpoint (its epochs drive fencing).
  explicit sessions_fold(db::checkpoint from);

  /// Rows as stored before this batch; call before apply() for the batch's
  /// calls. Unknown calls start as new rows.
  void load(std::vector<db::session_record> sessions,
            std::vector<db::turn_record> last_turns);

  /// True when the fold holds `call_id`'s row from load() or a batch it
  /// folded and that was committed: the store's copy need not be loaded.
  [[nodiscard]] bool holds(const std::string& call_id) const {
    return sessions_.count(call_id) > 0;
  }

  /// After a commit, keeps exactly what load() would give back for the next
  /// batch (each session's last turn; ended calls are dropped and reloaded
  /// if a late event comes), and at most `max_sessions` sessions: the next
  /// batch then folds the same state whether or not it was reloaded.
  void trim(std::size_t max_sessions);

  /// Applies one event read on `partition` at stream sequence `position`.
  void apply(const event& e, std::uint32_t partition, std::uint64_t position);

  /// Moves the position past a message that was not an event of ours.
  void skip(std::uint64_t position);

  /// The batch to commit: touched rows, the previous and next checkpoints.
  [[nodiscard]] db::projection_batch take_batch();

  [[nodiscard]] std::uint64_t position() const noexcept {
    return next_.position;
  }

private:
  db::session_record* session_for(const event& e);
  db::turn_record* turn(const db::session_record& s, std::uint32_t number);
  db::turn_record& new_turn(const db::session_record& s, std::uint32_t number,
                            const char* speaker);
  /// Records where a live call's events begin, or that it ended.
  void track_live(const db::session_record& s, const event& e,
                  std::uint32_t partition, std::uint64_t position);

  db::checkpoint previous_;
  db::checkpoint next_;
  std::unordered_map<std::string, db::session_record> sessions_;
  std::set<std::string> touched_sessions_;
  std::set<std::string> since_trim_; ///< loaded or taken since trim()
  std::map<std::pair<std::string, std::int32_t>, db::turn_record> turns_;
  std::set<std::pair<std::string, std::int32_t>> touched_turns_;
  std::map<std::string, db::live_call_record> live_started_;
  std::set<std::string> live_ended_;
};

} // namespace sb::projections

#pragma once

// Rows of the sessions projection, as the projection and the API see them.
// Times are µs since the Unix epoch, UTC; 0 means unknown.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sb::db {

/// One call (table `sessions`).
struct session_record {
  std::string id;
  std::string tenant_id;
  std::string agent_id;
  std::string status;     ///< queued, ringing, active, completed, failed, ...
  std::string end_reason; ///< empty while the call is live
  std::string direction;
  std::string provider;
  std::string campaign;
  std::string language;
  std::int64_t started_at = 0;
  std::int64_t answered_at = 0;
  std::int64_t ended_at = 0;
  std::int64_t duration_ms = 0;
  std::int32_t turn_count = 0;
  std::string first_user_text;  ///< text of turn first_user_turn
  std::string first_agent_text; ///< text of turn first_agent_turn
  std::int32_t first_user_turn = 0;  ///< 0 while there is none
  std::int32_t first_agent_turn = 0;
  std::int32_t interruptions = 0;
  std::int32_t error_count = 0;
  std::int64_t llm_prompt_tokens = 0;
  std::int64_t llm_completion_tokens = 0;
  std::int64_t tts_characters = 0;
  double stt_seconds = 0;
  double user_to_bot_ms_sum = 0; ///< latency summary: sums and counts
  std::int32_t user_to_bot_count = 0;
  std::uint64_t last_seq = 0; ///< highest event seq applied (idempotency)
};

/// One utterance (table `turns`).
struct turn_record {
  std::string session_id;
  std::string tenant_id;
  std::int64_t session_started_at = 0; ///< the partition key
  std::int32_t turn = 0;               ///< 1-based, user and agent alike
  std::string speaker;                 ///< user or agent
  std::string text;
  std::int64_t started_at = 0;
  std::int64_t ended_at = 0;
  bool interrupted = false;
  double user_to_bot_ms = -1; ///< agent turns: latency, -1 if unmeasured
  double llm_ttfb_ms = -1;
  double tts_ttfb_ms = -1;
};

/// Where a projection stands in SB_EVENTS, and the newest fencing epoch it
/// has seen per partition (table `projection_checkpoints`).
struct checkpoint {
  std::string projection;
  std::uint64_t position = 0; ///< last SB_EVENTS stream sequence applied
  std::map<std::uint32_t, std::uint64_t> epochs; ///< partition -> epoch
};

/// A call that has not ended (table `live_calls`): where its events begin
/// in SB_EVENTS, so a new partition owner reads the log only from the
/// oldest live call on (docs/adr/0002).
struct live_call_record {
  std::string call_id;
  std::string tenant_id;
  /// The call's SB_EVENTS partition; -1 for rows whose partition was not
  /// known when they were written (migration 0004): they hold back every
  /// partition's start.
  std::int32_t partition = 0;
  std::uint64_t first_position = 0; ///< stream sequence of its first event
  /// The partition's newest fencing epoch when that event was read: a
  /// rebuild that starts there fences exactly as a reader from the start.
  std::uint64_t epoch = 0;
  std::int64_t started_at = 0;
};

/// Everything one projection batch changes, committed in one transaction.
struct projection_batch {
  checkpoint previous; ///< compare-and-set: must still be the stored one
  checkpoint next;
  std::vector<session_record> sessions; ///< full rows, upserted
  std::vector<turn_record> turns;       ///< full rows, upserted
  /// Calls that began in this batch and are live at its end (inserted; an
  /// existing row is kept) and calls that ended in it (their rows deleted).
  std::vector<live_call_record> live_started;
  std::vector<std::string> live_ended;
};

/// An API key's owner.
struct principal {
  std::string tenant_id;
  std::string role; ///< admin or viewer
  std::string key_prefix;
};

} // namespace sb::db

#pragma once

// Rows of the sessions projection, as the projection and the API see them.
// Times are µs since the Unix epoch, UTC; 0 means unknown.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sb::db {

/// What one service (and model) used during a call: the sum of its
/// usage_recorded events. A call is priced from these once, so its cost
/// is rounded once, not per event.
struct service_usage {
  std::string service; ///< as logged, e.g. "OpenAILLMService#0"
  std::string model;   ///< "" when the log does not say
  std::int64_t llm_prompt_tokens = 0;
  std::int64_t llm_completion_tokens = 0;
  std::int64_t llm_cached_tokens = 0;
  std::int64_t tts_characters = 0;
  double stt_seconds = 0;
};

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
  std::string first_user_text;      ///< text of turn first_user_turn
  std::string first_agent_text;     ///< text of turn first_agent_turn
  std::int32_t first_user_turn = 0; ///< 0 while there is none
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

  // -- derived analysis (projections/analysis, docs/adr/0007) --------------
  std::int64_t llm_cached_tokens = 0;
  /// Per service and model, sorted by (service, model); column `usage`.
  std::vector<service_usage> usage;
  std::int32_t tool_calls = 0;
  std::int32_t tool_errors = 0;
  /// Cost in micro-USD: the total and one figure per component.
  std::int64_t cost_total = 0;
  std::int64_t cost_llm_prompt = 0;
  std::int64_t cost_llm_completion = 0;
  std::int64_t cost_llm_cached = 0;
  std::int64_t cost_tts = 0;
  std::int64_t cost_stt = 0;
  std::int64_t cost_telephony = 0;
  std::string sentiment = "unknown";  ///< positive, neutral, negative, unknown
  double sentiment_score = 0;         ///< mean compound of the scored turns
  std::int64_t sentiment_sum_e6 = 0;  ///< their compounds' sum x 1e6
  std::int32_t sentiment_turns = 0;   ///< user turns that were scored
  std::vector<std::string> tags;      ///< sorted
  std::string main_request;           ///< the user's main request
  std::int32_t main_request_turn = 0; ///< its turn; 0: the longest so far
  std::string summary;
  std::string success = "unknown"; ///< success, failure, unknown
  double latency_p50_ms = -1;      ///< of the call's user-to-bot latencies
  double latency_p95_ms = -1;      ///< -1 while none was measured
  std::vector<double> user_to_bot_samples; ///< those latencies, in order
  /// An outside analysis (call_analyzed), which takes precedence.
  std::string provider_summary;
  std::string provider_sentiment;
  std::vector<std::string> provider_tags;
  std::string provider_verdict;
  std::int32_t rules_version = 0; ///< of the rules that derived the above
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
  std::string sentiment;      ///< user turns: positive, ...; agent turns: ""
  double sentiment_score = 0; ///< the turn's compound score
};

/// Where a projection stands in SB_EVENTS, and the newest fencing epoch it
/// has seen per partition (table `projection_checkpoints`).
struct checkpoint {
  std::string projection;
  std::uint64_t position = 0; ///< last SB_EVENTS stream sequence applied
  std::map<std::uint32_t, std::uint64_t> epochs; ///< partition -> epoch
  /// The generation of the projection's tables it belongs to: replay builds
  /// generation N+1 and swaps it in (docs/adr/0007).
  std::int32_t generation = 1;
};

/// One row of a call's debug trace (table `call_events`, written by the
/// call_events projection): latency breakdowns, tool calls, interruptions,
/// warnings and errors, the recording, the analysis.
struct trace_record {
  std::uint64_t seq = 0;  ///< the event's place in its call
  std::string type;       ///< turn_latency, tool_call, error, recording, ...
  std::int64_t at = 0;    ///< µs; 0 if unknown
  std::int32_t turn = 0;  ///< the turn it belongs to; 0: none
  std::string payload;    ///< a JSON object
};

/// One row of projection_checkpoints, for `switchboard status` and the
/// API (`/v1/projections`, the analytics cache).
struct checkpoint_row {
  checkpoint at;
  std::int64_t updated_at = 0; ///< µs since the epoch
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
  // What the live view shows; updated with every batch that touches it.
  std::string agent_id;
  std::string status;
  std::int64_t last_activity_at = 0;
  std::int32_t turn_count = 0;
  std::string last_utterance;
};

/// Everything one projection batch changes, committed in one transaction.
struct projection_batch {
  checkpoint previous; ///< compare-and-set: must still be the stored one
  checkpoint next;
  std::vector<session_record> sessions; ///< full rows, upserted
  std::vector<turn_record> turns;       ///< full rows, upserted
  /// Calls that began in this batch and are live at its end (inserted; an
  /// existing row is kept), live calls it changed otherwise (their view
  /// columns updated) and calls that ended in it (their rows deleted).
  std::vector<live_call_record> live_started;
  std::vector<live_call_record> live_changed;
  std::vector<std::string> live_ended;
  /// Bulk mode (a replay into an empty generation): rows never written
  /// before, copied in with COPY rather than upserted.
  std::vector<session_record> new_sessions;
  std::vector<turn_record> new_turns;
};

/// An API key's owner.
/// An API key as `switchboard keys list` shows it: never its secret.
struct api_key_info {
  std::string prefix;
  std::string name;
  std::string tenant_id;
  std::string role;
  std::int64_t created_at = 0;   ///< µs
  std::int64_t last_used_at = 0; ///< µs; 0: never (updated once a minute)
  std::int64_t revoked_at = 0;   ///< µs; 0: live
};

struct principal {
  std::string tenant_id;
  std::string role; ///< admin, viewer or ingest
  std::string key_prefix;
};

} // namespace sb::db

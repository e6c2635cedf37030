#include "agent_stats_state.hpp"

#include "fold_state.hpp"

#include <cereal/types/array.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <cstdint>

namespace sb::db {

// Every field: the fold must go on exactly as if it had never forgotten
// the call.
template <class Archive>
void serialize(Archive& ar, session_record& s) {
  ar(s.id, s.tenant_id, s.agent_id, s.status, s.end_reason, s.direction,
     s.provider, s.campaign, s.language, s.started_at, s.answered_at,
     s.ended_at, s.duration_ms, s.turn_count, s.first_user_text,
     s.first_agent_text, s.first_user_turn, s.first_agent_turn, s.interruptions,
     s.error_count, s.llm_prompt_tokens, s.llm_completion_tokens,
     s.tts_characters, s.stt_seconds, s.user_to_bot_ms_sum, s.user_to_bot_count,
     s.last_seq);
  ar(s.llm_cached_tokens, s.usage, s.tool_calls, s.tool_errors, s.cost_total,
     s.cost_llm_prompt, s.cost_llm_completion, s.cost_llm_cached, s.cost_tts,
     s.cost_stt, s.cost_telephony, s.sentiment, s.sentiment_score,
     s.sentiment_sum_e6, s.sentiment_turns, s.tags, s.main_request,
     s.main_request_turn, s.summary, s.success, s.latency_p50_ms,
     s.latency_p95_ms, s.user_to_bot_samples, s.provider_summary,
     s.provider_sentiment, s.provider_tags, s.provider_verdict,
     s.rules_version);
}

template <class Archive>
void serialize(Archive& ar, service_usage& u) {
  ar(u.service, u.model, u.llm_prompt_tokens, u.llm_completion_tokens,
     u.llm_cached_tokens, u.tts_characters, u.stt_seconds);
}

template <class Archive>
void serialize(Archive& ar, turn_record& t) {
  ar(t.session_id, t.tenant_id, t.session_started_at, t.turn, t.speaker, t.text,
     t.started_at, t.ended_at, t.interrupted, t.user_to_bot_ms, t.llm_ttfb_ms,
     t.tts_ttfb_ms, t.sentiment, t.sentiment_score);
}

} // namespace sb::db

namespace sb::analysis {

template <class Archive>
void serialize(Archive& ar, histogram& h) {
  ar(h.counts, h.sum_us, h.count);
}

} // namespace sb::analysis

namespace sb::projections {

template <class Archive>
void serialize(Archive& ar, call_latencies& l) {
  ar(l.user_to_bot, l.stt, l.llm_ttfb, l.tts_ttfb, l.ttfb_interrupted);
}

namespace detail {

namespace {

/// Bumped whenever the fields above change; older states are refused
/// (a replay writes them all anew).
constexpr std::uint8_t format_version = 1;

} // namespace

template <class Archive>
void serialize(Archive& ar, agent_call_state& st) {
  ar(st.session, st.has_last_turn, st.last_turn, st.latencies);
}

std::string encode_state(const agent_call_state& st) {
  return detail::encode_state(format_version, st);
}

bool decode_state(const std::string& bytes, agent_call_state& st) {
  return detail::decode_state(bytes, format_version, st);
}

} // namespace detail

} // namespace sb::projections

#include "switchboard/projections/agent_stats_fold.hpp"

#include "agent_stats_state.hpp"

#include <algorithm>
#include <limits>

namespace sb::projections {

namespace {

constexpr std::int64_t hour_us = 3'600'000'000;
constexpr std::int64_t day_us = 24 * hour_us;

/// The start of the `width`-long bucket holding `us`, also before 1970.
std::int64_t floor_to(std::int64_t us, std::int64_t width) {
  auto r = us % width;
  return us - (r < 0 ? r + width : r);
}

void add_counts(std::map<std::string, std::int64_t>& into,
                const std::map<std::string, std::int64_t>& other, int sign) {
  for (const auto& [name, n] : other) {
    auto& v = into[name];
    v += sign * n;
    if (v == 0)
      into.erase(name); // a count that went up and down reads as untouched
  }
}

void add_histogram(analysis::histogram& into, const analysis::histogram& other,
                   int sign) {
  if (sign > 0)
    into.merge(other);
  else
    into.subtract(other);
}

bool empty(const analysis::histogram& h) {
  if (h.sum_us != 0 || h.count != 0)
    return false;
  for (auto c : h.counts)
    if (c != 0)
      return false;
  return true;
}

bool is_live(const std::string& status) {
  auto s = call_status_from_string(status);
  return !s || !is_terminal(*s);
}

stats_key hourly_key(const db::session_record& s) {
  return stats_key{s.tenant_id, s.agent_id, hour_of(s.started_at), s.direction,
                   s.language};
}

} // namespace

std::int64_t hour_of(std::int64_t us) {
  return floor_to(us, hour_us);
}

std::int64_t day_of(std::int64_t us) {
  return floor_to(us, day_us);
}

void stats_row::add(const stats_row& o, int sign) {
  sessions += sign * o.sessions;
  add_counts(by_status, o.by_status, sign);
  add_counts(by_end_reason, o.by_end_reason, sign);
  success += sign * o.success;
  failure += sign * o.failure;
  unknown_outcome += sign * o.unknown_outcome;
  duration_ms_sum += sign * o.duration_ms_sum;
  turns += sign * o.turns;
  interruptions += sign * o.interruptions;
  sentiment_positive += sign * o.sentiment_positive;
  sentiment_neutral += sign * o.sentiment_neutral;
  sentiment_negative += sign * o.sentiment_negative;
  sentiment_unknown += sign * o.sentiment_unknown;
  tool_calls += sign * o.tool_calls;
  tool_errors += sign * o.tool_errors;
  cost_total += sign * o.cost_total;
  cost_llm_prompt += sign * o.cost_llm_prompt;
  cost_llm_completion += sign * o.cost_llm_completion;
  cost_llm_cached += sign * o.cost_llm_cached;
  cost_tts += sign * o.cost_tts;
  cost_stt += sign * o.cost_stt;
  cost_telephony += sign * o.cost_telephony;
  add_histogram(user_to_bot, o.user_to_bot, sign);
  add_histogram(stt, o.stt, sign);
  add_histogram(llm_ttfb, o.llm_ttfb, sign);
  add_histogram(tts_ttfb, o.tts_ttfb, sign);
  ttfb_interrupted += sign * o.ttfb_interrupted;
}

bool stats_row::empty() const {
  for (auto v : {sessions,          success,
                 failure,           unknown_outcome,
                 duration_ms_sum,   turns,
                 interruptions,     sentiment_positive,
                 sentiment_neutral, sentiment_negative,
                 sentiment_unknown, tool_calls,
                 tool_errors,       cost_total,
                 cost_llm_prompt,   cost_llm_completion,
                 cost_llm_cached,   cost_tts,
                 cost_stt,          cost_telephony,
                 ttfb_interrupted})
    if (v != 0)
      return false;
  return by_status.empty() && by_end_reason.empty()
         && projections::empty(user_to_bot) && projections::empty(stt)
         && projections::empty(llm_ttfb) && projections::empty(tts_ttfb);
}

stats_row contribution(const db::session_record& s,
                       const call_latencies& latencies) {
  stats_row r;
  r.sessions = 1;
  r.by_status[s.status] = 1;
  if (!s.end_reason.empty())
    r.by_end_reason[s.end_reason] = 1;
  if (s.success == "success")
    r.success = 1;
  else if (s.success == "failure")
    r.failure = 1;
  else
    r.unknown_outcome = 1;
  r.duration_ms_sum = s.duration_ms;
  r.turns = s.turn_count;
  r.interruptions = s.interruptions;
  if (s.sentiment == "positive")
    r.sentiment_positive = 1;
  else if (s.sentiment == "neutral")
    r.sentiment_neutral = 1;
  else if (s.sentiment == "negative")
    r.sentiment_negative = 1;
  else
    r.sentiment_unknown = 1;
  r.tool_calls = s.tool_calls;
  r.tool_errors = s.tool_errors;
  r.cost_total = s.cost_total;
  r.cost_llm_prompt = s.cost_llm_prompt;
  r.cost_llm_completion = s.cost_llm_completion;
  r.cost_llm_cached = s.cost_llm_cached;
  r.cost_tts = s.cost_tts;
  r.cost_stt = s.cost_stt;
  r.cost_telephony = s.cost_telephony;
  r.user_to_bot = latencies.user_to_bot;
  r.stt = latencies.stt;
  r.llm_ttfb = latencies.llm_ttfb;
  r.tts_ttfb = latencies.tts_ttfb;
  r.ttfb_interrupted = latencies.ttfb_interrupted;
  return r;
}

/// What each event adds to the call's latency histograms; everything else
/// a call adds comes from its session row. One operator() per event type,
/// and no catch-all: a new event type does not compile until this
/// projection says what it does with it.
struct agent_stats_fold::latency_applier {
  call_latencies& lat;

  void operator()(const turn_latency_measured& x) {
    // As the sessions row's p50/p95: an interrupted turn's user-to-bot
    // time measures the interruption, not the bot.
    if (!x.measured_during_interruption)
      lat.user_to_bot.add(x.user_to_bot_ms);
  }

  void operator()(const metric_measured& x) {
    if (x.metric != "ttfb")
      return;
    // The service family by name, as the call actor tells them apart.
    analysis::histogram* into = nullptr;
    if (x.service.find("STT") != std::string::npos)
      into = &lat.stt;
    else if (x.service.find("LLM") != std::string::npos)
      into = &lat.llm_ttfb;
    else if (x.service.find("TTS") != std::string::npos)
      into = &lat.tts_ttfb;
    if (into == nullptr)
      return;
    if (x.during_interruption)
      ++lat.ttfb_interrupted; // misleading: counted, kept out
    else
      into->add(x.value_ms);
  }

  // Counted through the call's session row (contribution()).
  void operator()(const call_queued&) {}
  void operator()(const call_ringing&) {}
  void operator()(const call_started&) {}
  void operator()(const user_spoke&) {}
  void operator()(const agent_spoke&) {}
  void operator()(const tool_invoked&) {}
  void operator()(const user_interrupted&) {}
  void operator()(const usage_recorded&) {}
  void operator()(const call_ended&) {}
  void operator()(const call_analyzed&) {}
  void operator()(const problem_logged&) {}
  void operator()(const turn_completed&) {}
  void operator()(const speech_changed&) {}
  // Not part of any figure here.
  void operator()(const recording_available&) {}
  void operator()(const conversation_erased&) {}
  void operator()(const partition_acquired&) {}
};

agent_stats_fold::agent_stats_fold(const analysis::rules& rules,
                                   write_mode mode)
  : mode_(mode), sessions_(rules, write_mode::incremental) {}

bool agent_stats_fold::load(const std::map<std::string, std::string>& states,
                            std::string& error) {
  std::vector<std::pair<std::string, detail::agent_call_state>> decoded;
  for (const auto& [id, bytes] : states) {
    detail::agent_call_state st;
    if (!detail::decode_state(bytes, st)) {
      error = "agent_stats: the stored state of call " + id + " cannot be read";
      return false;
    }
    decoded.emplace_back(id, std::move(st));
  }
  for (auto& [id, st] : decoded) {
    held h;
    h.latencies = st.latencies;
    h.committed = contribution(st.session, st.latencies);
    h.committed_key = hourly_key(st.session);
    std::vector<db::turn_record> turns;
    if (st.has_last_turn)
      turns.push_back(std::move(st.last_turn));
    std::vector<db::session_record> sessions;
    sessions.push_back(std::move(st.session));
    sessions_.load(std::move(sessions), std::move(turns));
    calls_.insert_or_assign(id, std::move(h));
    loaded_.push_back(id);
  }
  return true;
}

bool agent_stats_fold::holds(const std::string& call_id) const {
  if (calls_.count(call_id) > 0 && sessions_.find(call_id) != nullptr)
    return true;
  // Bulk mode: only a call whose state was written can have one stored.
  return mode_ == write_mode::bulk && written_.count(call_id) == 0;
}

void agent_stats_fold::apply(const event& e, const event_position& at) {
  if (sessions_.apply(e, at) == nullptr)
    return; // applied before: exactly once
  auto& h = calls_[e.env.call_id];
  if (!h.touched) {
    h.touched = true;
    touched_.push_back(e.env.call_id);
  }
  std::visit(latency_applier{h.latencies}, e.payload);
}

void agent_stats_fold::add_delta(stats_batch& batch, const stats_key& hourly,
                                 const stats_row& row, int sign) {
  auto daily = hourly;
  daily.bucket = day_of(hourly.bucket);
  batch.hourly[hourly].add(row, sign);
  batch.daily[daily].add(row, sign);
}

std::string agent_stats_fold::state_of(const std::string& call_id) const {
  detail::agent_call_state st;
  st.session = *sessions_.find(call_id);
  if (const auto* t = sessions_.last_turn(call_id)) {
    st.has_last_turn = true;
    st.last_turn = *t;
  }
  st.latencies = calls_.at(call_id).latencies;
  return detail::encode_state(st);
}

stats_batch agent_stats_fold::take_batch(bool final, std::size_t max_calls) {
  bool bulk = mode_ == write_mode::bulk;
  stats_batch batch;
  auto& deltas = bulk ? totals_ : batch;
  // Bulk: a call is counted once, when it has ended (or at the end), so a
  // replay derives each session once rather than at every batch it spans.
  for (const auto* s : sessions_.take_changed(bulk && !final)) {
    auto& h = calls_.at(s->id);
    auto now = contribution(*s, h.latencies);
    auto key = hourly_key(*s);
    if (h.committed)
      add_delta(deltas, *h.committed_key, *h.committed, -1);
    add_delta(deltas, key, now, +1);
    h.committed = std::move(now);
    h.committed_key = std::move(key);
  }
  // Bulk: a live call's state is written once, at the end; an ended one's
  // when it ends (a late event, e.g. an outside analysis, loads it again).
  std::sort(touched_.begin(), touched_.end());
  for (const auto& id : touched_) {
    calls_.at(id).touched = false;
    if (!bulk || final || !is_live(sessions_.find(id)->status))
      batch.states.emplace_back(id, state_of(id));
  }
  if (bulk && final) {
    for (const auto& [id, h] : calls_)
      if (!std::binary_search(touched_.begin(), touched_.end(), id))
        batch.states.emplace_back(id, state_of(id));
    batch.hourly = std::move(totals_.hourly);
    batch.daily = std::move(totals_.daily);
    totals_ = stats_batch{};
  }
  sessions_.trim(bulk ? std::numeric_limits<std::size_t>::max() : max_calls);
  if (sessions_.size() == 0) {
    calls_.clear();
  } else {
    // What the sessions fold dropped (ended calls) goes here too.
    for (const auto* ids : {&touched_, &loaded_})
      for (const auto& id : *ids)
        if (sessions_.find(id) == nullptr)
          calls_.erase(id);
  }
  if (bulk)
    for (const auto& [id, state] : batch.states)
      written_.insert(id);
  touched_.clear();
  loaded_.clear();
  return batch;
}

} // namespace sb::projections

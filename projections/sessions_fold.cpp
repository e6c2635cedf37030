#include "switchboard/projections/sessions_fold.hpp"

#include "session_analysis.hpp"

#include <iterator>
#include <limits>

namespace sb::projections {

namespace {

/// Joins an utterance's parts the way the transcript shows them.
void append(std::string& text, const std::string& part) {
  if (!text.empty())
    text += ' ';
  text += part;
}

/// The statuses apply() gives a call before its end.
bool is_live(const std::string& status) {
  auto s = call_status_from_string(status);
  return !s || !is_terminal(*s);
}

/// The live view shows the start of the last utterance.
constexpr std::size_t utterance_bytes = 200;

std::string utterance_head(const std::string& text) {
  if (text.size() <= utterance_bytes)
    return text;
  auto end = utterance_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end; // not inside a UTF-8 sequence
  return text.substr(0, end);
}

} // namespace

/// One operator() per event type, and no catch-all: a new event type does
/// not compile until this projection says what it does with it.
struct sessions_fold::applier {
  sessions_fold& fold;
  db::session_record& s;
  time_us at;

  void operator()(const call_queued&) {
    s.status = to_string(call_status::queued);
  }

  void operator()(const call_ringing&) {
    s.status = to_string(call_status::ringing);
  }

  void operator()(const call_started& x) {
    s.status = to_string(call_status::active);
    s.answered_at = at;
    if (!x.agent_id.empty())
      s.agent_id = x.agent_id;
    s.direction = x.direction;
    s.provider = x.provider;
    s.campaign = x.campaign;
    if (!x.language.empty())
      s.language = x.language;
  }

  void operator()(const user_spoke& x) {
    if (!x.language.empty() && s.language.empty())
      s.language = x.language;
    db::turn_record* t = nullptr;
    if (x.part == 0) {
      t = &fold.new_turn(s, x.turn, "user");
      t->text = x.text;
      t->started_at = x.started_at != 0 ? x.started_at : at;
      t->ended_at = x.ended_at != 0 ? x.ended_at : at;
      ++s.turn_count;
      if (s.first_user_turn == 0)
        s.first_user_turn = static_cast<std::int32_t>(x.turn);
    } else if ((t = fold.turn(s, x.turn)) != nullptr) {
      append(t->text, x.text);
    }
    if (t == nullptr)
      return;
    if (t->turn == s.first_user_turn)
      s.first_user_text = t->text;
    detail::user_text_changed(fold.tags_, s, *t);
  }

  void operator()(const agent_spoke& x) {
    if (x.part == 0) {
      auto& t = fold.new_turn(s, x.turn, "agent");
      t.text = x.text;
      t.started_at = x.at;
      t.ended_at = x.at;
      ++s.turn_count;
      if (s.first_agent_turn == 0)
        s.first_agent_turn = static_cast<std::int32_t>(x.turn);
    } else if (auto* t = fold.turn(s, x.turn)) {
      append(t->text, x.text);
      t->ended_at = x.at;
    }
    if (auto* t = fold.turn(s, x.turn);
        t != nullptr && t->turn == s.first_agent_turn)
      s.first_agent_text = t->text;
  }

  void operator()(const turn_completed& x) {
    if (auto* t = fold.turn(s, x.turn)) {
      t->started_at = x.started_at;
      t->ended_at = x.ended_at;
      t->interrupted = x.interrupted;
    }
  }

  void operator()(const turn_latency_measured& x) {
    if (auto* t = fold.turn(s, x.turn)) {
      t->user_to_bot_ms = x.user_to_bot_ms;
      t->llm_ttfb_ms = x.llm_ttfb_ms;
      t->tts_ttfb_ms = x.tts_ttfb_ms;
    }
    if (x.user_to_bot_ms >= 0) {
      s.user_to_bot_ms_sum += x.user_to_bot_ms;
      ++s.user_to_bot_count;
    }
    detail::latency_measured(s, x);
  }

  void operator()(const tool_invoked& x) {
    ++s.tool_calls;
    if (!x.error.empty())
      ++s.tool_errors;
  }

  void operator()(const user_interrupted&) { ++s.interruptions; }

  void operator()(const usage_recorded& x) {
    s.llm_prompt_tokens += x.llm_prompt_tokens;
    s.llm_completion_tokens += x.llm_completion_tokens;
    s.llm_cached_tokens += x.llm_cached_tokens;
    s.tts_characters += x.tts_characters;
    s.stt_seconds += x.stt_seconds;
    detail::usage_added(s, x);
  }

  void operator()(const problem_logged& x) {
    if (x.severity == "error" || x.severity == "fatal")
      ++s.error_count;
  }

  void operator()(const call_ended& x) {
    s.status = to_string(x.status);
    s.end_reason = x.end_reason;
    s.ended_at = x.ended_at;
    s.duration_ms = x.duration_ms;
  }

  void operator()(const call_analyzed& x) { detail::provider_analysis(s, x); }

  // Facts of the call's debug trace (the call_events projection) or of the
  // call actor alone; the session row does not change.
  void operator()(const recording_available&) {}
  void operator()(const conversation_erased&) {}
  void operator()(const partition_acquired&) {}
  void operator()(const speech_changed&) {}
  void operator()(const metric_measured&) {}
};

sessions_fold::sessions_fold(const analysis::rules& rules, write_mode mode)
  : rules_(rules), tags_(rules), mode_(mode) {}

void sessions_fold::load(std::vector<db::session_record> sessions,
                         std::vector<db::turn_record> turns) {
  for (auto& s : sessions) {
    since_trim_.insert(s.id);
    auto id = s.id;
    sessions_.insert_or_assign(std::move(id), std::move(s));
  }
  for (auto& t : turns) {
    since_trim_.insert(t.session_id);
    auto key = std::make_pair(t.session_id, t.turn);
    turns_.insert_or_assign(std::move(key), std::move(t));
  }
}

bool sessions_fold::holds(const std::string& call_id) const {
  if (sessions_.count(call_id) > 0)
    return true;
  return mode_ == write_mode::bulk && written_.count(call_id) == 0;
}

db::session_record* sessions_fold::session_for(const event& e) {
  auto [it, fresh] = sessions_.try_emplace(e.env.call_id);
  auto& s = it->second;
  if (fresh || s.id.empty()) {
    s.id = e.env.call_id;
    s.tenant_id = e.env.tenant_id;
    s.started_at = e.env.occurred_at;
    s.status = to_string(call_status::active);
  }
  if (e.env.seq <= s.last_seq)
    return nullptr; // applied before: exactly once
  s.last_seq = e.env.seq;
  touched_sessions_.insert(s.id);
  return &s;
}

db::turn_record* sessions_fold::turn(const db::session_record& s,
                                     std::uint32_t number) {
  auto key = std::make_pair(s.id, static_cast<std::int32_t>(number));
  auto i = turns_.find(key);
  if (i == turns_.end())
    return nullptr;
  touched_turns_.insert(key);
  return &i->second;
}

db::turn_record& sessions_fold::new_turn(const db::session_record& s,
                                         std::uint32_t number,
                                         const char* speaker) {
  auto key = std::make_pair(s.id, static_cast<std::int32_t>(number));
  auto& t = turns_[key];
  t = db::turn_record{};
  t.session_id = s.id;
  t.tenant_id = s.tenant_id;
  t.session_started_at = s.started_at;
  t.turn = static_cast<std::int32_t>(number);
  t.speaker = speaker;
  touched_turns_.insert(key);
  return t;
}

const db::session_record*
sessions_fold::find(const std::string& call_id) const {
  auto i = sessions_.find(call_id);
  return i == sessions_.end() ? nullptr : &i->second;
}

void sessions_fold::derive_row(db::session_record& s) const {
  detail::derive(rules_, s);
}

const db::turn_record*
sessions_fold::last_turn(const std::string& call_id) const {
  constexpr auto highest = std::numeric_limits<std::int32_t>::max();
  auto i = turns_.upper_bound({call_id, highest});
  if (i == turns_.begin())
    return nullptr;
  --i;
  return i->first.first == call_id ? &i->second : nullptr;
}

void sessions_fold::apply(const event& e, const event_position& at) {
  auto* s = session_for(e);
  if (s == nullptr)
    return;
  std::visit(applier{*this, *s, e.env.occurred_at}, e.payload);
  last_activity_[s->id] = e.env.occurred_at;
  track_live(*s, e, at);
}

void sessions_fold::track_live(const db::session_record& s, const event& e,
                               const event_position& at) {
  if (!is_live(s.status)) {
    live_started_.erase(s.id);
    last_activity_.erase(s.id);
    live_ended_.insert(s.id);
  } else if (e.env.seq == 1) {
    // A call's first event (seq 1) is where a new owner must start reading
    // to rebuild it; later events of a call already live add nothing.
    db::live_call_record row;
    row.call_id = s.id;
    row.tenant_id = s.tenant_id;
    row.partition = static_cast<std::int32_t>(at.partition);
    row.first_position = at.seq;
    row.epoch = at.epoch;
    row.started_at = s.started_at;
    live_started_.try_emplace(s.id, std::move(row));
  }
}

db::live_call_record
sessions_fold::live_view(const db::session_record& s) const {
  db::live_call_record row;
  row.call_id = s.id;
  row.agent_id = s.agent_id;
  row.status = s.status;
  if (auto i = last_activity_.find(s.id); i != last_activity_.end())
    row.last_activity_at = i->second;
  row.turn_count = s.turn_count;
  if (const auto* t = last_turn(s.id))
    row.last_utterance = utterance_head(t->text);
  return row;
}

void sessions_fold::take_live(db::projection_batch& batch, bool final) {
  auto with_view = [this](db::live_call_record row) {
    auto view = live_view(sessions_.at(row.call_id));
    row.agent_id = std::move(view.agent_id);
    row.status = std::move(view.status);
    row.last_activity_at = view.last_activity_at;
    row.turn_count = view.turn_count;
    row.last_utterance = std::move(view.last_utterance);
    return row;
  };
  if (mode_ == write_mode::bulk) {
    // The generation is new: only the calls live at the end get a row.
    if (final)
      for (auto& [id, row] : live_started_)
        batch.live_started.push_back(with_view(std::move(row)));
    if (final)
      live_started_.clear();
    live_ended_.clear();
    return;
  }
  for (const auto& id : touched_sessions_) {
    const auto& s = sessions_.at(id);
    if (!is_live(s.status))
      continue;
    if (auto i = live_started_.find(id); i != live_started_.end())
      batch.live_started.push_back(with_view(std::move(i->second)));
    else
      batch.live_changed.push_back(live_view(s));
  }
  live_started_.clear();
  batch.live_ended.assign(live_ended_.begin(), live_ended_.end());
  live_ended_.clear();
}

void sessions_fold::trim(std::size_t max_sessions) {
  // Only calls loaded or changed since the last trim can have ended or
  // gained turns: the cost follows the batch, not the rows held.
  constexpr auto lowest = std::numeric_limits<std::int32_t>::min();
  constexpr auto highest = std::numeric_limits<std::int32_t>::max();
  bool bulk = mode_ == write_mode::bulk;
  for (const auto& id : since_trim_) {
    auto s = sessions_.find(id);
    bool drop = s == sessions_.end() || !is_live(s->second.status);
    if (drop && s != sessions_.end())
      sessions_.erase(s);
    auto first = turns_.lower_bound({id, lowest});
    auto last = turns_.upper_bound({id, highest});
    if (drop)
      turns_.erase(first, last);
    else if (!bulk && first != last)
      turns_.erase(first, std::prev(last));
  }
  since_trim_.clear();
  if (!bulk && sessions_.size() > max_sessions) {
    sessions_.clear();
    turns_.clear();
    last_activity_.clear();
  }
}

db::projection_batch sessions_fold::take_batch(bool final) {
  db::projection_batch batch;
  constexpr auto lowest = std::numeric_limits<std::int32_t>::min();
  constexpr auto highest = std::numeric_limits<std::int32_t>::max();
  // What follows from the facts is derived once per written row, not per
  // event: sorting a call's latencies at every event held a replay of the
  // sessions projection at 85k events/s, once per row it makes 97k.
  for (const auto& id : touched_sessions_)
    derive_row(sessions_.at(id));
  take_live(batch, final);
  if (mode_ == write_mode::incremental) {
    for (const auto& id : touched_sessions_)
      batch.sessions.push_back(sessions_.at(id));
    for (const auto& key : touched_turns_)
      batch.turns.push_back(turns_.at(key));
    since_trim_.merge(touched_sessions_);
    touched_sessions_.clear();
    touched_turns_.clear();
    return batch;
  }
  // Bulk: a call's rows are written once, when it has ended (or at the
  // end); rows written before are only rewritten for a late amendment.
  std::set<std::string> held_back;
  for (const auto& id : touched_sessions_) {
    const auto& s = sessions_.at(id);
    if (!final && is_live(s.status)) {
      held_back.insert(id);
      continue;
    }
    bool again = written_.count(id) > 0;
    (again ? batch.sessions : batch.new_sessions).push_back(s);
    auto first = turns_.lower_bound({id, lowest});
    auto last = turns_.upper_bound({id, highest});
    for (auto t = first; t != last; ++t) {
      if (!again)
        batch.new_turns.push_back(t->second);
      else if (touched_turns_.count(t->first) > 0)
        batch.turns.push_back(t->second);
    }
    written_.insert(id);
    since_trim_.insert(id);
  }
  touched_sessions_ = std::move(held_back);
  std::set<std::pair<std::string, std::int32_t>> turns_held;
  for (const auto& key : touched_turns_)
    if (touched_sessions_.count(key.first) > 0)
      turns_held.insert(key);
  touched_turns_ = std::move(turns_held);
  return batch;
}

} // namespace sb::projections

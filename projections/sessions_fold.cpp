#include "switchboard/projections/sessions_fold.hpp"

#include "session_analysis.hpp"

#include <algorithm>
#include <iterator>

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
  held_call& c;
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
      t = &fold.new_turn(c, x.turn, "user");
      t->text = x.text;
      t->started_at = x.started_at != 0 ? x.started_at : at;
      t->ended_at = x.ended_at != 0 ? x.ended_at : at;
      ++s.turn_count;
      if (s.first_user_turn == 0)
        s.first_user_turn = static_cast<std::int32_t>(x.turn);
    } else if ((t = fold.turn(c, x.turn)) != nullptr) {
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
      auto& t = fold.new_turn(c, x.turn, "agent");
      t.text = x.text;
      t.started_at = x.at;
      t.ended_at = x.at;
      ++s.turn_count;
      if (s.first_agent_turn == 0)
        s.first_agent_turn = static_cast<std::int32_t>(x.turn);
    } else if (auto* t = fold.turn(c, x.turn)) {
      append(t->text, x.text);
      t->ended_at = x.at;
    }
    if (auto* t = fold.turn(c, x.turn);
        t != nullptr && t->turn == s.first_agent_turn)
      s.first_agent_text = t->text;
  }

  void operator()(const turn_completed& x) {
    if (auto* t = fold.turn(c, x.turn)) {
      t->started_at = x.started_at;
      t->ended_at = x.ended_at;
      t->interrupted = x.interrupted;
    }
  }

  void operator()(const turn_latency_measured& x) {
    if (auto* t = fold.turn(c, x.turn)) {
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

void sessions_fold::touch(held_call& c) {
  if (!c.touched) {
    c.touched = true;
    touched_.push_back(&c);
  }
}

void sessions_fold::mark_since_trim(held_call& c, const std::string& call_id) {
  if (!c.since_trim) {
    c.since_trim = true;
    since_trim_.push_back(call_id);
  }
}

std::vector<sessions_fold::held_call*>
sessions_fold::take_touched(bool hold_live) {
  std::vector<held_call*> taken;
  std::vector<held_call*> held_back;
  for (auto* c : touched_)
    (hold_live && is_live(c->session.status) ? held_back : taken).push_back(c);
  by_id(taken);
  for (auto* c : taken) {
    c->touched = false;
    mark_since_trim(*c, c->session.id);
  }
  touched_ = std::move(held_back);
  return taken;
}

void sessions_fold::by_id(std::vector<held_call*>& calls) {
  std::sort(calls.begin(), calls.end(),
            [](const held_call* a, const held_call* b) {
              return a->session.id < b->session.id;
            });
}

void sessions_fold::load(std::vector<db::session_record> sessions,
                         std::vector<db::turn_record> turns) {
  for (auto& s : sessions) {
    auto& c = calls_[s.id];
    mark_since_trim(c, s.id);
    c.session = std::move(s);
  }
  for (auto& t : turns) {
    auto& c = calls_[t.session_id];
    mark_since_trim(c, t.session_id); // also a call whose session is not here
    auto at = std::lower_bound(c.turns.begin(), c.turns.end(), t.turn,
                               [](const held_turn& h, std::int32_t n) {
                                 return h.row.turn < n;
                               });
    if (at != c.turns.end() && at->row.turn == t.turn)
      at->row = std::move(t);
    else
      c.turns.insert(at, held_turn{std::move(t), false});
  }
}

bool sessions_fold::holds(const std::string& call_id) const {
  if (find(call_id) != nullptr)
    return true;
  return mode_ == write_mode::bulk && written_.count(call_id) == 0;
}

sessions_fold::held_call* sessions_fold::session_for(const event& e) {
  auto& c = calls_[e.env.call_id];
  auto& s = c.session;
  if (s.id.empty()) {
    s.id = e.env.call_id;
    s.tenant_id = e.env.tenant_id;
    s.started_at = e.env.occurred_at;
    s.status = to_string(call_status::active);
  }
  if (e.env.seq <= s.last_seq)
    return nullptr; // applied before: exactly once
  s.last_seq = e.env.seq;
  touch(c);
  return &c;
}

db::turn_record* sessions_fold::turn(held_call& c, std::uint32_t number) {
  auto n = static_cast<std::int32_t>(number);
  // A call's events come in order: the turn asked for is nearly always the
  // last one held.
  for (auto i = c.turns.rbegin(); i != c.turns.rend(); ++i) {
    if (i->row.turn == n) {
      i->touched = true;
      return &i->row;
    }
    if (i->row.turn < n)
      break;
  }
  return nullptr;
}

db::turn_record& sessions_fold::new_turn(held_call& c, std::uint32_t number,
                                         const char* speaker) {
  auto n = static_cast<std::int32_t>(number);
  auto at = c.turns.end();
  while (at != c.turns.begin() && std::prev(at)->row.turn >= n)
    --at;
  if (at == c.turns.end() || at->row.turn != n)
    at = c.turns.insert(at, held_turn{});
  auto& t = at->row;
  const auto& s = c.session;
  t = db::turn_record{};
  t.session_id = s.id;
  t.tenant_id = s.tenant_id;
  t.session_started_at = s.started_at;
  t.turn = n;
  t.speaker = speaker;
  at->touched = true;
  return t;
}

const db::session_record*
sessions_fold::find(const std::string& call_id) const {
  auto i = calls_.find(call_id);
  if (i == calls_.end() || i->second.session.id.empty())
    return nullptr;
  return &i->second.session;
}

void sessions_fold::derive_row(db::session_record& s) const {
  detail::derive(rules_, s);
}

const db::turn_record*
sessions_fold::last_turn(const std::string& call_id) const {
  auto i = calls_.find(call_id);
  if (i == calls_.end() || i->second.turns.empty())
    return nullptr;
  return &i->second.turns.back().row;
}

const db::session_record* sessions_fold::apply(const event& e,
                                               const event_position& at) {
  auto* c = session_for(e);
  if (c == nullptr)
    return nullptr;
  std::visit(applier{*this, *c, c->session, e.env.occurred_at}, e.payload);
  c->last_activity = e.env.occurred_at;
  track_live(*c, e, at);
  return &c->session;
}

void sessions_fold::track_live(held_call& c, const event& e,
                               const event_position& at) {
  const auto& s = c.session;
  if (!is_live(s.status)) {
    c.live_started.reset();
    c.last_activity = 0;
    c.live_ended = true;
  } else if (e.env.seq == 1 && !c.live_started) {
    // A call's first event (seq 1) is where a new owner must start reading
    // to rebuild it; later events of a call already live add nothing.
    db::live_call_record row;
    row.call_id = s.id;
    row.tenant_id = s.tenant_id;
    row.partition = static_cast<std::int32_t>(at.partition);
    row.first_position = at.seq;
    row.epoch = at.epoch;
    row.started_at = s.started_at;
    c.live_started = std::move(row);
  }
}

db::live_call_record sessions_fold::live_view(const held_call& c) const {
  const auto& s = c.session;
  db::live_call_record row;
  row.call_id = s.id;
  row.agent_id = s.agent_id;
  row.status = s.status;
  row.last_activity_at = c.last_activity;
  row.turn_count = s.turn_count;
  if (!c.turns.empty())
    row.last_utterance = utterance_head(c.turns.back().row.text);
  return row;
}

void sessions_fold::take_live(db::projection_batch& batch,
                              const std::vector<held_call*>& taken,
                              bool final) {
  auto with_view = [this](held_call& c) {
    auto row = std::move(*c.live_started);
    c.live_started.reset();
    auto view = live_view(c);
    row.agent_id = std::move(view.agent_id);
    row.status = std::move(view.status);
    row.last_activity_at = view.last_activity_at;
    row.turn_count = view.turn_count;
    row.last_utterance = std::move(view.last_utterance);
    return row;
  };
  if (mode_ == write_mode::bulk) {
    // The generation is new: only the calls live at the end get a row.
    if (final) {
      std::vector<held_call*> live;
      for (auto& [id, c] : calls_)
        if (c.live_started)
          live.push_back(&c);
      by_id(live);
      for (auto* c : live)
        batch.live_started.push_back(with_view(*c));
    }
    return; // live_ended is read in incremental mode only
  }
  for (auto* c : taken) {
    if (c->live_ended) {
      batch.live_ended.push_back(c->session.id);
      c->live_ended = false;
    }
    if (!is_live(c->session.status))
      continue;
    if (c->live_started)
      batch.live_started.push_back(with_view(*c));
    else
      batch.live_changed.push_back(live_view(*c));
  }
}

std::vector<const db::session_record*>
sessions_fold::take_changed(bool hold_live) {
  auto taken = take_touched(hold_live);
  std::vector<const db::session_record*> out;
  out.reserve(taken.size());
  for (auto* c : taken) {
    derive_row(c->session);
    out.push_back(&c->session);
    for (auto& t : c->turns)
      t.touched = false;
    c->live_started.reset();
    c->live_ended = false;
  }
  return out;
}

void sessions_fold::trim(std::size_t max_sessions) {
  // Only calls loaded or changed since the last trim can have ended or
  // gained turns: the cost follows the batch, not the rows held. A call
  // with changes not taken yet stays whole.
  bool bulk = mode_ == write_mode::bulk;
  for (const auto& id : since_trim_) {
    auto i = calls_.find(id);
    if (i == calls_.end())
      continue;
    auto& c = i->second;
    c.since_trim = false;
    if (c.touched)
      continue;
    if (c.session.id.empty() || !is_live(c.session.status))
      calls_.erase(i);
    else if (!bulk && c.turns.size() > 1)
      c.turns.erase(c.turns.begin(), std::prev(c.turns.end()));
  }
  since_trim_.clear();
  if (!bulk && calls_.size() > max_sessions) {
    for (auto i = calls_.begin(); i != calls_.end();)
      i = i->second.touched ? std::next(i) : calls_.erase(i);
  }
}

db::projection_batch sessions_fold::take_batch(bool final) {
  db::projection_batch batch;
  // Bulk: a call's rows are written once, when it has ended (or at the
  // end); rows written before are only rewritten for a late amendment.
  bool bulk = mode_ == write_mode::bulk;
  auto taken = take_touched(bulk && !final);
  take_live(batch, taken, final);
  // What follows from the facts is derived once per written row, not per
  // event: sorting a call's latencies at every event held a replay of the
  // sessions projection at 85k events/s, once per row it makes 97k.
  for (auto* c : taken) {
    auto& s = c->session;
    derive_row(s);
    bool again = !bulk || written_.count(s.id) > 0;
    (again ? batch.sessions : batch.new_sessions).push_back(s);
    for (auto& t : c->turns) {
      if (!again)
        batch.new_turns.push_back(t.row);
      else if (t.touched)
        batch.turns.push_back(t.row);
      t.touched = false;
    }
    if (bulk)
      written_.insert(s.id);
  }
  return batch;
}

} // namespace sb::projections

#include "switchboard/projections/top_phrases_fold.hpp"

#include "switchboard/analysis/phrases.hpp"
#include "switchboard/projections/agent_stats_fold.hpp"

#include "fold_state.hpp"

#include <cereal/types/string.hpp>

namespace sb::projections {

template <class Archive>
void serialize(Archive& ar, top_phrases_fold::call& c) {
  ar(c.tenant_id, c.agent_id, c.started_at, c.language, c.last_seq, c.open_turn,
     c.open_text, c.ended);
}

namespace {

/// Bumped whenever the fields above change; older states are refused.
constexpr std::uint8_t format_version = 1;

std::string encode(const top_phrases_fold::call& c) {
  return detail::encode_state(format_version, c);
}

} // namespace

/// One operator() per event type, and no catch-all: a new event type does
/// not compile until this projection says what it does with it.
struct top_phrases_fold::applier {
  top_phrases_fold& fold;
  call& c;

  /// A turn beginning closes the open user turn before it.
  void turn_begins(std::uint32_t turn) {
    if (c.open_turn != 0 && turn > c.open_turn)
      fold.count_open(c);
  }

  void operator()(const call_started& x) {
    if (!x.agent_id.empty())
      c.agent_id = x.agent_id;
    if (!x.language.empty())
      c.language = x.language;
  }

  void operator()(const user_spoke& x) {
    if (!x.language.empty() && c.language.empty())
      c.language = x.language;
    if (x.part == 0) {
      turn_begins(x.turn);
      if (c.open_turn != 0 && x.turn != c.open_turn)
        fold.count_open(c); // an out-of-order turn: count what was open
      c.open_turn = x.turn;
      c.open_text = x.text;
    } else if (x.turn == c.open_turn) {
      if (!c.open_text.empty())
        c.open_text += ' ';
      c.open_text += x.text;
    }
  }

  void operator()(const agent_spoke& x) {
    if (x.part == 0)
      turn_begins(x.turn);
  }

  void operator()(const turn_completed& x) {
    // The open turn, or a later one (which began after it), is over.
    if (c.open_turn != 0 && x.turn >= c.open_turn)
      fold.count_open(c);
  }

  void operator()(const call_ended&) {
    fold.count_open(c);
    c.ended = true;
  }

  // Not part of what the user said.
  void operator()(const call_queued&) {}
  void operator()(const call_ringing&) {}
  void operator()(const turn_latency_measured&) {}
  void operator()(const tool_invoked&) {}
  void operator()(const user_interrupted&) {}
  void operator()(const usage_recorded&) {}
  void operator()(const call_analyzed&) {}
  void operator()(const recording_available&) {}
  void operator()(const conversation_erased&) {}
  void operator()(const partition_acquired&) {}
  void operator()(const speech_changed&) {}
  void operator()(const metric_measured&) {}
  void operator()(const problem_logged&) {}
};

top_phrases_fold::top_phrases_fold(write_mode mode, std::size_t cached_calls)
  : mode_(mode), cached_calls_(cached_calls) {}

bool top_phrases_fold::load(const std::map<std::string, std::string>& states,
                            std::string& error) {
  return detail::decode_states<call>(states, format_version, "top_phrases",
                                     calls_, error);
}

bool top_phrases_fold::holds(const std::string& call_id) const {
  if (calls_.count(call_id) > 0)
    return true;
  return mode_ == write_mode::bulk && written_.count(call_id) == 0;
}

void top_phrases_fold::count_open(call& c) {
  if (c.open_turn == 0)
    return;
  phrase_key key{c.tenant_id, c.agent_id, day_of(c.started_at), {}};
  for (auto& phrase : analysis::phrases_of(c.open_text, c.language)) {
    key.phrase = std::move(phrase);
    ++pending_.counts[key];
  }
  c.open_turn = 0;
  c.open_text.clear();
}

void top_phrases_fold::apply(const event& e, const event_position&) {
  auto [it, fresh] = calls_.try_emplace(e.env.call_id);
  auto& c = it->second;
  if (fresh) {
    // As the sessions fold: the call starts with the first event seen.
    c.tenant_id = e.env.tenant_id;
    c.started_at = e.env.occurred_at;
  }
  if (e.env.seq <= c.last_seq)
    return; // applied before: exactly once
  c.last_seq = e.env.seq;
  touched_.insert(e.env.call_id);
  std::visit(applier{*this, c}, e.payload);
}

phrases_batch top_phrases_fold::take_batch(bool final) {
  bool bulk = mode_ == write_mode::bulk;
  phrases_batch batch;
  std::vector<std::string> done;
  for (const auto& id : touched_) {
    const auto& c = calls_.at(id);
    if (!bulk || c.ended)
      batch.states.emplace_back(id, encode(c));
    if (c.ended)
      done.push_back(id);
  }
  if (bulk && final)
    for (const auto& [id, c] : calls_)
      if (!c.ended)
        batch.states.emplace_back(id, encode(c));
  if (bulk)
    for (const auto& [id, state] : batch.states)
      written_.insert(id);
  // Ended calls are forgotten (a late event loads them again).
  for (const auto& id : done)
    calls_.erase(id);
  touched_.clear();
  if (!bulk && calls_.size() > cached_calls_)
    calls_.clear(); // every state is stored once this batch commits
  if (!bulk || final) {
    batch.counts = std::move(pending_.counts);
    pending_.counts.clear();
  }
  return batch;
}

} // namespace sb::projections

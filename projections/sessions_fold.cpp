#include "switchboard/projections/sessions_fold.hpp"

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
  return status == "active" || status == "queued" || status == "ringing";
}

} // namespace

sessions_fold::sessions_fold(db::checkpoint from)
  : previous_(from), next_(std::move(from)) {}

void sessions_fold::load(std::vector<db::session_record> sessions,
                         std::vector<db::turn_record> last_turns) {
  for (auto& s : sessions) {
    since_trim_.insert(s.id);
    auto id = s.id;
    sessions_.insert_or_assign(std::move(id), std::move(s));
  }
  for (auto& t : last_turns) {
    since_trim_.insert(t.session_id);
    auto key = std::make_pair(t.session_id, t.turn);
    turns_.insert_or_assign(std::move(key), std::move(t));
  }
}

void sessions_fold::skip(std::uint64_t position) {
  if (position > next_.position)
    next_.position = position;
}

db::session_record* sessions_fold::session_for(const event& e) {
  auto [it, fresh] = sessions_.try_emplace(e.env.call_id);
  auto& s = it->second;
  if (fresh || s.id.empty()) {
    s.id = e.env.call_id;
    s.tenant_id = e.env.tenant_id;
    s.started_at = e.env.occurred_at;
    s.status = "active";
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

void sessions_fold::apply(const event& e, std::uint32_t partition,
                          std::uint64_t position) {
  skip(position);
  if (auto* marker = std::get_if<partition_acquired>(&e.payload)) {
    auto& epoch = next_.epochs[marker->partition];
    if (marker->epoch > epoch)
      epoch = marker->epoch;
    return;
  }
  if (auto i = next_.epochs.find(partition);
      i != next_.epochs.end() && e.env.epoch < i->second)
    return; // a stale owner wrote this after losing the partition
  auto* s = session_for(e);
  if (s == nullptr)
    return;
  auto at = e.env.occurred_at;
  std::visit(
    [&](const auto& x) {
      using type = std::decay_t<decltype(x)>;
      if constexpr (std::is_same_v<type, call_queued>) {
        s->status = "queued";
      } else if constexpr (std::is_same_v<type, call_ringing>) {
        s->status = "ringing";
      } else if constexpr (std::is_same_v<type, call_started>) {
        s->status = "active";
        s->answered_at = at;
        if (!x.agent_id.empty())
          s->agent_id = x.agent_id;
        s->direction = x.direction;
        s->provider = x.provider;
        s->campaign = x.campaign;
        if (!x.language.empty())
          s->language = x.language;
      } else if constexpr (std::is_same_v<type, user_spoke>) {
        if (x.part == 0) {
          auto& t = new_turn(*s, x.turn, "user");
          t.text = x.text;
          t.started_at = x.started_at != 0 ? x.started_at : at;
          t.ended_at = x.ended_at != 0 ? x.ended_at : at;
          ++s->turn_count;
          if (s->first_user_turn == 0)
            s->first_user_turn = static_cast<std::int32_t>(x.turn);
        } else if (auto* t = turn(*s, x.turn)) {
          append(t->text, x.text);
        }
        if (auto* t = turn(*s, x.turn);
            t != nullptr && t->turn == s->first_user_turn)
          s->first_user_text = t->text;
        if (!x.language.empty() && s->language.empty())
          s->language = x.language;
      } else if constexpr (std::is_same_v<type, agent_spoke>) {
        if (x.part == 0) {
          auto& t = new_turn(*s, x.turn, "agent");
          t.text = x.text;
          t.started_at = x.at;
          t.ended_at = x.at;
          ++s->turn_count;
          if (s->first_agent_turn == 0)
            s->first_agent_turn = static_cast<std::int32_t>(x.turn);
        } else if (auto* t = turn(*s, x.turn)) {
          append(t->text, x.text);
          t->ended_at = x.at;
        }
        if (auto* t = turn(*s, x.turn);
            t != nullptr && t->turn == s->first_agent_turn)
          s->first_agent_text = t->text;
      } else if constexpr (std::is_same_v<type, turn_completed>) {
        if (auto* t = turn(*s, x.turn)) {
          t->started_at = x.started_at;
          t->ended_at = x.ended_at;
          t->interrupted = x.interrupted;
        }
      } else if constexpr (std::is_same_v<type, turn_latency_measured>) {
        if (auto* t = turn(*s, x.turn)) {
          t->user_to_bot_ms = x.user_to_bot_ms;
          t->llm_ttfb_ms = x.llm_ttfb_ms;
          t->tts_ttfb_ms = x.tts_ttfb_ms;
        }
        if (x.user_to_bot_ms >= 0) {
          s->user_to_bot_ms_sum += x.user_to_bot_ms;
          ++s->user_to_bot_count;
        }
      } else if constexpr (std::is_same_v<type, user_interrupted>) {
        ++s->interruptions;
      } else if constexpr (std::is_same_v<type, usage_recorded>) {
        s->llm_prompt_tokens += x.llm_prompt_tokens;
        s->llm_completion_tokens += x.llm_completion_tokens;
        s->tts_characters += x.tts_characters;
        s->stt_seconds += x.stt_seconds;
      } else if constexpr (std::is_same_v<type, problem_logged>) {
        if (x.severity == "error" || x.severity == "fatal")
          ++s->error_count;
      } else if constexpr (std::is_same_v<type, call_ended>) {
        s->status = to_string(x.status);
        s->end_reason = x.end_reason;
        s->ended_at = x.ended_at;
        s->duration_ms = x.duration_ms;
      }
      // Other facts (tools, metrics, speech edges) belong to the call's
      // debug trace, a projection of its own.
    },
    e.payload);
  track_live(*s, e, partition, position);
}

void sessions_fold::track_live(const db::session_record& s, const event& e,
                               std::uint32_t partition,
                               std::uint64_t position) {
  if (!is_live(s.status)) {
    live_started_.erase(s.id);
    live_ended_.insert(s.id);
  } else if (e.env.seq == 1) {
    // A call's first event (seq 1) is where a new owner must start reading
    // to rebuild it; later events of a call already live add nothing.
    auto epoch = next_.epochs.find(partition);
    live_started_.try_emplace(
      s.id, db::live_call_record{
              s.id, s.tenant_id, static_cast<std::int32_t>(partition), position,
              epoch != next_.epochs.end() ? epoch->second : 0, s.started_at});
  }
}

void sessions_fold::trim(std::size_t max_sessions) {
  // Only calls loaded or changed since the last trim can have ended or
  // gained turns: the cost follows the batch, not the rows held.
  constexpr auto lowest = std::numeric_limits<std::int32_t>::min();
  constexpr auto highest = std::numeric_limits<std::int32_t>::max();
  for (const auto& id : since_trim_) {
    auto s = sessions_.find(id);
    bool drop = s == sessions_.end() || !is_live(s->second.status);
    if (drop && s != sessions_.end())
      sessions_.erase(s);
    auto first = turns_.lower_bound({id, lowest});
    auto last = turns_.upper_bound({id, highest});
    if (first != last)
      turns_.erase(first, drop ? last : std::prev(last));
  }
  since_trim_.clear();
  if (sessions_.size() > max_sessions) {
    sessions_.clear();
    turns_.clear();
  }
}

db::projection_batch sessions_fold::take_batch() {
  db::projection_batch batch;
  batch.previous = previous_;
  batch.next = next_;
  for (const auto& id : touched_sessions_)
    batch.sessions.push_back(sessions_.at(id));
  for (const auto& key : touched_turns_)
    batch.turns.push_back(turns_.at(key));
  for (auto& [id, row] : live_started_)
    batch.live_started.push_back(std::move(row));
  batch.live_ended.assign(live_ended_.begin(), live_ended_.end());
  live_started_.clear();
  live_ended_.clear();
  previous_ = next_;
  since_trim_.merge(touched_sessions_);
  touched_sessions_.clear();
  touched_turns_.clear();
  return batch;
}

} // namespace sb::projections

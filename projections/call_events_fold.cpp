#include "switchboard/projections/call_events_fold.hpp"

#include "fold_state.hpp"

#include <cereal/types/string.hpp>

#include <nlohmann/json.hpp>

#include <variant>

namespace sb::projections {

template <class Archive>
void serialize(Archive& ar, call_events_fold::call& c) {
  ar(c.tenant_id, c.started_at, c.last_seq, c.ended);
}

namespace {

using json = nlohmann::ordered_json;

/// Bumped whenever the fields above change; older states are refused.
constexpr std::uint8_t format_version = 1;

std::string encode(const call_events_fold::call& c) {
  return detail::encode_state(format_version, c);
}

// -- payload values ----------------------------------------------------------
//
// PostgreSQL's jsonb refuses \u0000 and (as text) invalid UTF-8, and a
// refused row would stop the projection at that batch for good; texts come
// from logs, so NUL bytes become U+FFFD here and invalid UTF-8 is replaced
// when the payload is dumped.

constexpr const char* replacement = "\xEF\xBF\xBD"; // U+FFFD

std::string without_nul(std::string s) {
  for (auto i = s.find('\0'); i != std::string::npos; i = s.find('\0', i))
    s.replace(i, 1, replacement);
  return s;
}

json text(const std::string& s) {
  return s.find('\0') == std::string::npos ? json(s) : json(without_nul(s));
}

void strip_nul(json& j) {
  if (j.is_string()) {
    auto& s = j.get_ref<std::string&>();
    if (s.find('\0') != std::string::npos)
      s = without_nul(std::move(s));
  } else if (j.is_array()) {
    for (auto& x : j)
      strip_nul(x);
  } else if (j.is_object()) {
    bool keys_ok = true;
    for (auto& [key, value] : j.items()) {
      strip_nul(value);
      keys_ok = keys_ok && key.find('\0') == std::string::npos;
    }
    if (keys_ok)
      return;
    json fixed = json::object();
    for (auto& [key, value] : j.items())
      fixed[without_nul(key)] = std::move(value);
    j = std::move(fixed);
  }
}

/// -1 means "not measured" in the events: null here.
json measured(double ms) {
  return ms < 0 ? json(nullptr) : json(ms);
}

/// Deeper documents stay text: dumping (and jsonb) recurse per level.
constexpr int max_json_depth = 64;

/// A JSON document stays one; anything else is kept as its text.
json embedded(const std::string& value) {
  bool too_deep = false;
  json::parser_callback_t check = [&](int depth, json::parse_event_t, json&) {
    too_deep = too_deep || depth > max_json_depth;
    return true;
  };
  auto j = json::parse(value, check, false);
  if (j.is_discarded() || too_deep)
    return text(value);
  strip_nul(j);
  return j;
}

/// Warnings and errors by what they mean to whoever debugs the call; any
/// other severity (e.g. "idle") is its own type.
std::string problem_type(const std::string& severity) {
  if (severity == "error" || severity == "fatal")
    return "error";
  return without_nul(severity);
}

/// The row of each notable event type. One operator() per event type, and
/// no catch-all: a new event type does not compile until this projection
/// says what it does with it.
struct row_maker {
  call_event_row& row;
  bool& keep;

  void set(std::string type, const json& payload, std::uint32_t turn = 0) {
    row.type = std::move(type);
    row.payload = payload.dump(-1, ' ', false, json::error_handler_t::replace);
    row.turn = static_cast<std::int32_t>(turn);
    keep = true;
  }

  void operator()(const call_started& x) {
    set("call_started", json{{"agent_id", text(x.agent_id)},
                             {"direction", text(x.direction)},
                             {"provider", text(x.provider)},
                             {"campaign", text(x.campaign)},
                             {"from", text(x.from)},
                             {"to", text(x.to)},
                             {"language", text(x.language)}});
  }

  void operator()(const call_ended& x) {
    set("call_ended", json{{"status", to_string(x.status)},
                           {"end_reason", text(x.end_reason)},
                           {"duration_ms", x.duration_ms}});
  }

  void operator()(const turn_latency_measured& x) {
    // User stopped speaking → STT → LLM first token → TTS first audio →
    // bot started speaking.
    set("turn_latency",
        json{{"stt_ms", measured(x.stt_ms)},
             {"llm_ttfb_ms", measured(x.llm_ttfb_ms)},
             {"tts_ttfb_ms", measured(x.tts_ttfb_ms)},
             {"user_to_bot_ms", measured(x.user_to_bot_ms)},
             {"during_interruption", x.measured_during_interruption}},
        x.turn);
  }

  void operator()(const tool_invoked& x) {
    // The event pairs the call with its result already. Arguments and
    // result stay the text the log gave (it may be cut, or not JSON).
    set("tool_call",
        json{{"name", text(x.name)},
             {"arguments", text(x.arguments)},
             {"result", text(x.result)},
             {"latency_ms", measured(x.latency_ms)},
             {"error", x.error.empty() ? json(nullptr) : text(x.error)}});
  }

  void operator()(const user_interrupted& x) {
    set("interruption", json::object(), x.turn);
  }

  void operator()(const problem_logged& x) {
    set(problem_type(x.severity), json{{"severity", text(x.severity)},
                                       {"service", text(x.service)},
                                       {"message", text(x.message)}});
  }

  void operator()(const recording_available& x) {
    set("recording", json{{"url", text(x.url)}});
  }

  void operator()(const call_analyzed& x) {
    json tags = json::array();
    for (const auto& tag : x.tags)
      tags.push_back(text(tag));
    set("analysis", json{{"summary", text(x.summary)},
                         {"sentiment", text(x.sentiment)},
                         {"tags", std::move(tags)},
                         {"extracted", embedded(x.extracted_json)},
                         {"cost", embedded(x.cost_json)}});
  }

  // No row: the call's progress before it starts is the sessions row's
  // status, the transcript is `turns`, usage is priced in the sessions
  // row, and speech edges and service metrics are the call actor's
  // timing (the latency breakdown above is what a debugger reads).
  void operator()(const call_queued&) {}
  void operator()(const call_ringing&) {}
  void operator()(const user_spoke&) {}
  void operator()(const agent_spoke&) {}
  void operator()(const turn_completed&) {}
  void operator()(const usage_recorded&) {}
  void operator()(const speech_changed&) {}
  void operator()(const metric_measured&) {}
  // The erasure is the sessions projection's; markers never reach a fold.
  void operator()(const conversation_erased&) {}
  void operator()(const partition_acquired&) {}
};

} // namespace

call_events_fold::call_events_fold(write_mode mode, std::size_t cached_calls)
  : mode_(mode), cached_calls_(cached_calls) {}

bool call_events_fold::load(const std::map<std::string, std::string>& states,
                            std::string& error) {
  return detail::decode_states<call>(states, format_version, "call_events",
                                     calls_, error);
}

bool call_events_fold::holds(const std::string& call_id) const {
  if (calls_.count(call_id) > 0)
    return true;
  return mode_ == write_mode::bulk && written_.count(call_id) == 0;
}

void call_events_fold::apply(const event& e, const event_position&) {
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
  if (std::holds_alternative<call_ended>(e.payload))
    c.ended = true;
  touched_.insert(e.env.call_id);
  call_event_row row;
  bool keep = false;
  std::visit(row_maker{row, keep}, e.payload);
  if (!keep)
    return;
  row.session_id = e.env.call_id;
  row.tenant_id = c.tenant_id;
  row.session_started_at = c.started_at;
  row.seq = e.env.seq;
  row.at = e.env.occurred_at;
  rows_.push_back(std::move(row));
}

call_events_batch call_events_fold::take_batch(bool final) {
  bool bulk = mode_ == write_mode::bulk;
  call_events_batch batch;
  batch.rows = std::move(rows_);
  rows_.clear();
  // Bulk mode writes a state once the call's fold is final, or at the end:
  // a replay's states are written once each, not once per batch.
  for (const auto& id : touched_) {
    auto i = calls_.find(id);
    if (!bulk || i->second.ended)
      batch.states.emplace_back(id, encode(i->second));
    if (i->second.ended)
      calls_.erase(i);
  }
  touched_.clear();
  if (bulk) {
    if (final)
      for (const auto& [id, c] : calls_)
        batch.states.emplace_back(id, encode(c));
    for (const auto& [id, state] : batch.states)
      written_.insert(id);
  } else if (calls_.size() > cached_calls_) {
    calls_.clear(); // every state is stored once this batch commits
  }
  return batch;
}

} // namespace sb::projections

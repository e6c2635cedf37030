#include "call/call_pipeline.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cctype>
#include <string_view>

namespace sb::call {

namespace {

using payloads = std::vector<event_payload>;

/// Collapses runs of white space to one space and trims the ends, so that
/// the same utterance from a transcription and a context dump compares equal.
std::string normalized(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (unsigned char c : text) {
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += static_cast<char>(c);
  }
  return out;
}

bool turn_open(const call_state& st, speaker who) {
  return st.turn.number != 0 && st.turn.parts > 0 && st.turn.who == who;
}

// -- text limits (max_text_bytes, max_name_bytes) ----------------------------

// Observations only: what is decided never depends on them.
std::atomic<std::uint64_t> texts_cut_total{0};
std::atomic<std::uint64_t> parts_dropped_total{0};

/// Room kept at the end of a cut text for its marker.
constexpr std::size_t marker_room = 64;
constexpr std::string_view turn_marker
  = " [truncated: the turn is longer than 256 KiB]";
static_assert(turn_marker.size() <= marker_room);
static_assert(max_text_bytes == 256 * 1024, "turn_marker names the limit");

/// " [truncated from N bytes]": at most 44 bytes for any N.
std::string cut_marker(std::size_t original) {
  return " [truncated from " + std::to_string(original) + " bytes]";
}

/// Cuts `text` to `keep` bytes or fewer, never inside a UTF-8 sequence.
void cut_at(std::string& text, std::size_t keep) {
  if (keep >= text.size())
    return;
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80)
    --keep;
  text.resize(keep);
}

/// A copy of `text` of at most `limit` bytes, marker included (counted).
std::string capped(const std::string& text, std::size_t limit) {
  if (text.size() <= limit)
    return text;
  auto marker = cut_marker(text.size());
  auto out = text;
  cut_at(out, limit > marker.size() ? limit - marker.size() : 0);
  out += marker;
  texts_cut_total.fetch_add(1, std::memory_order_relaxed);
  return out;
}

enum class fit : std::uint8_t {
  as_is, ///< the part joins its turn whole
  cut,   ///< the part was cut: with it the turn reaches the limit
  full,  ///< the turn reached the limit before: the part is dropped
};

/// Whether `part` may join a turn whose text so far is `turn` (empty for a
/// new turn) within max_text_bytes; cuts it where it would not fit whole.
fit fit_part(const std::string& turn, std::string& part) {
  auto used = turn.empty() ? 0 : turn.size() + 1; // parts join with a space
  constexpr auto room = max_text_bytes - marker_room;
  if (used + part.size() <= room)
    return fit::as_is;
  if (used >= room)
    return fit::full;
  auto marker
    = turn.empty() ? cut_marker(part.size()) : std::string{turn_marker};
  cut_at(part, room - used);
  part += marker;
  return fit::cut;
}

void count(fit f) {
  if (f == fit::cut)
    texts_cut_total.fetch_add(1, std::memory_order_relaxed);
  else if (f == fit::full)
    parts_dropped_total.fetch_add(1, std::memory_order_relaxed);
}

/// Fits `text` to the turn it joins (the open turn of `who`, or a new one);
/// false if it is dropped.
bool joins_turn(const call_state& st, speaker who, std::string& text) {
  static const std::string none;
  auto f = fit_part(turn_open(st, who) ? st.turn.text : none, text);
  count(f);
  return f != fit::full;
}

/// Closes the open turn, if any: its latency (agent turns) and its timing.
void close_turn(const call_state& st, time_us at, payloads& out) {
  const auto& t = st.turn;
  if (t.number == 0 || t.parts == 0)
    return;
  turn_completed done;
  done.turn = t.number;
  done.who = t.who;
  done.interrupted = t.interrupted;
  done.started_at = t.speech_started_at != 0 ? t.speech_started_at
                                              : t.first_part_at;
  if (t.who == speaker::agent) {
    const auto& lat = st.answered_latency ? *st.answered_latency : st.latency;
    if (lat.user_stopped_at != 0
        && (lat.bot_started_at != 0 || lat.llm_ttfb_ms >= 0
            || lat.tts_ttfb_ms >= 0)) {
      turn_latency_measured m;
      m.turn = t.number;
      m.stt_ms = lat.stt_ms;
      m.llm_ttfb_ms = lat.llm_ttfb_ms;
      m.tts_ttfb_ms = lat.tts_ttfb_ms;
      if (lat.bot_started_at != 0)
        m.user_to_bot_ms = (lat.bot_started_at - lat.user_stopped_at) / 1000.0;
      m.measured_during_interruption = lat.during_interruption;
      out.emplace_back(m);
    }
    if (st.bot_speaking)
      done.ended_at = at; // cut off by whatever closed the turn
    else if (t.speech_stopped_at >= done.started_at)
      done.ended_at = t.speech_stopped_at;
    else
      done.ended_at = t.last_part_at;
  } else {
    done.ended_at = t.speech_stopped_at >= done.started_at
                      && t.speech_stopped_at != 0
                      ? t.speech_stopped_at
                      : t.last_part_at;
  }
  if (done.ended_at < done.started_at)
    done.ended_at = done.started_at;
  out.emplace_back(done);
}

void end_call(const call_state& st, call_status status, std::string reason,
              time_us at, payloads& out) {
  close_turn(st, at, out);
  call_ended ended;
  ended.status = status;
  ended.end_reason = capped(reason, max_name_bytes);
  ended.ended_at = at;
  auto started = st.started_at != 0 ? st.started_at : at;
  ended.duration_ms = (at - started) / 1000;
  out.emplace_back(std::move(ended));
}

bool before_answer(const call_state& st) {
  return st.status && (*st.status == call_status::queued
                       || *st.status == call_status::ringing);
}

call_started started_by(const signal& s, const signal_context& ctx) {
  call_started started;
  started.agent_id = ctx.agent_id;
  started.provider = ctx.provider;
  // Provider lifecycle signals carry the call's details as a JSON object.
  if ((s.kind == signal_kind::call_answered
       || s.kind == signal_kind::call_queued)
      && !s.detail.empty() && s.detail.front() == '{') {
    auto details = nlohmann::json::parse(s.detail, nullptr, false);
    if (details.is_object()) {
      auto field = [&details](const char* name) {
        return capped(details.value(name, ""), max_name_bytes);
      };
      started.direction = field("direction");
      started.from = field("from");
      started.to = field("to");
      started.campaign = field("campaign");
      started.language = field("language");
    }
  }
  return started;
}

std::string or_default(const std::string& value, const char* fallback) {
  return value.empty() ? fallback : value;
}

void user_text(const call_state& st, const signal& s, std::string text,
               bool from_context, payloads& out) {
  user_spoke spoke;
  spoke.text = std::move(text);
  spoke.from_context = from_context;
  spoke.language = s.language;
  if (turn_open(st, speaker::user)) {
    spoke.turn = st.turn.number;
    spoke.part = st.turn.parts;
  } else {
    close_turn(st, s.at_us, out);
    spoke.turn = st.turn.number + 1;
    spoke.part = 0;
    if (st.user_spoke_since_last_user_turn) {
      spoke.started_at = st.user_speech_started_at;
      if (!st.user_speaking
          && st.user_speech_stopped_at >= st.user_speech_started_at)
        spoke.ended_at = st.user_speech_stopped_at;
    }
  }
  out.emplace_back(std::move(spoke));
}

/// A context dump yields a user turn only when it says something new.
bool context_is_new(const call_state& st, const std::string& text) {
  if (turn_open(st, speaker::user))
    return false; // the transcription lines already carry this utterance
  return text != normalized(st.last_user_text)
         || st.user_spoke_since_last_user_turn;
}

void activity(const call_state& st, const signal& s, payloads& out) {
  switch (s.kind) {
    case signal_kind::user_started_speaking:
      if (!st.user_speaking)
        out.emplace_back(speech_changed{speaker::user, true});
      break;
    case signal_kind::user_stopped_speaking:
      if (st.user_speaking)
        out.emplace_back(speech_changed{speaker::user, false});
      break;
    case signal_kind::bot_started_speaking:
      if (!st.bot_speaking)
        out.emplace_back(speech_changed{speaker::agent, true});
      break;
    case signal_kind::bot_stopped_speaking:
      if (st.bot_speaking)
        out.emplace_back(speech_changed{speaker::agent, false});
      break;
    case signal_kind::interruption:
      out.emplace_back(
        user_interrupted{turn_open(st, speaker::agent) ? st.turn.number : 0});
      break;
    case signal_kind::user_text: {
      auto text = normalized(s.text);
      if (!text.empty() && joins_turn(st, speaker::user, text))
        user_text(st, s, std::move(text), false, out);
      break;
    }
    case signal_kind::user_context_text: {
      auto text = normalized(s.text);
      if (text.empty() || turn_open(st, speaker::user))
        break; // the transcription lines already carry this utterance
      // Compared as it would be stored: cut like the turn it would open.
      auto f = fit_part({}, text);
      if (context_is_new(st, text)) {
        count(f);
        user_text(st, s, std::move(text), true, out);
      }
      break;
    }
    case signal_kind::bot_text: {
      auto text = normalized(s.text);
      if (text.empty() || !joins_turn(st, speaker::agent, text))
        break;
      agent_spoke spoke;
      spoke.text = std::move(text);
      spoke.at = s.at_us;
      if (turn_open(st, speaker::agent)) {
        spoke.turn = st.turn.number;
        spoke.part = st.turn.parts;
      } else {
        close_turn(st, s.at_us, out);
        spoke.turn = st.turn.number + 1;
      }
      out.emplace_back(std::move(spoke));
      break;
    }
    case signal_kind::ttfb:
    case signal_kind::processing_time:
    case signal_kind::ttfa:
    case signal_kind::latency_summary: {
      metric_measured m;
      m.service = capped(s.service, max_name_bytes);
      m.metric = s.kind == signal_kind::ttfb              ? "ttfb"
                 : s.kind == signal_kind::processing_time ? "processing"
                 : s.kind == signal_kind::ttfa            ? "ttfa"
                                                          : "user_to_bot";
      m.value_ms = s.value_s * 1000.0;
      m.during_interruption = st.interrupted_while_user_speaks;
      out.emplace_back(std::move(m));
      break;
    }
    case signal_kind::llm_usage: {
      usage_recorded u;
      u.service = capped(s.service, max_name_bytes);
      u.llm_prompt_tokens = s.prompt_tokens;
      u.llm_completion_tokens = s.completion_tokens;
      u.llm_cached_tokens = s.cached_tokens;
      // No model: Pipecat's usage line does not name one (signals carry
      // none), and guessing it from the service would misprice.
      out.emplace_back(std::move(u));
      break;
    }
    case signal_kind::tts_usage:
      out.emplace_back(usage_recorded{capped(s.service, max_name_bytes), 0, 0,
                                      s.characters, 0});
      break;
    case signal_kind::stt_usage:
      out.emplace_back(
        usage_recorded{capped(s.service, max_name_bytes), 0, 0, 0, s.value_s});
      break;
    case signal_kind::function_call:
      out.emplace_back(tool_invoked{capped(s.text, max_name_bytes),
                                    capped(s.detail, max_text_bytes), "", -1,
                                    ""});
      break;
    case signal_kind::function_result:
      out.emplace_back(tool_invoked{capped(s.text, max_name_bytes), "",
                                    capped(s.detail, max_text_bytes), -1, ""});
      break;
    case signal_kind::warning:
    case signal_kind::error:
    case signal_kind::fatal_error:
    case signal_kind::idle_detected: {
      const char* severity = s.kind == signal_kind::warning       ? "warning"
                             : s.kind == signal_kind::error       ? "error"
                             : s.kind == signal_kind::fatal_error ? "fatal"
                                                                  : "idle";
      out.emplace_back(problem_logged{severity,
                                      capped(s.service, max_name_bytes),
                                      capped(s.text, max_text_bytes)});
      break;
    }
    case signal_kind::pipeline_finished:
    case signal_kind::pipeline_cancelled: {
      if (st.fatal_seen)
        end_call(st, call_status::failed, "error", s.at_us, out);
      else if (st.idle_seen)
        end_call(st, call_status::completed, "idle_timeout", s.at_us, out);
      else if (s.kind == signal_kind::pipeline_cancelled)
        end_call(st, call_status::completed, "cancelled", s.at_us, out);
      else
        end_call(st, call_status::completed, "pipeline_finished", s.at_us,
                 out);
      break;
    }
    default: // pipeline_started, call_answered: starting was enough
      break;
  }
}

} // namespace

text_cut_counts text_cuts() noexcept {
  return {texts_cut_total.load(std::memory_order_relaxed),
          parts_dropped_total.load(std::memory_order_relaxed)};
}

bool is_amendment(signal_kind kind) noexcept {
  return kind == signal_kind::recording_ready;
}

payloads decide(const call_state& st, const signal& s,
                const signal_context& ctx) {
  payloads out;
  if (st.ended()) {
    if (s.kind == signal_kind::recording_ready)
      out.emplace_back(recording_available{capped(s.detail, max_text_bytes)});
    return out;
  }
  // Lifecycle signals from providers that know about the phone network.
  switch (s.kind) {
    case signal_kind::call_queued:
      if (!st.status)
        out.emplace_back(call_queued{});
      return out;
    case signal_kind::call_ringing:
      if (!st.status || *st.status == call_status::queued)
        out.emplace_back(call_ringing{});
      return out;
    case signal_kind::call_declined:
      if (!st.status || before_answer(st))
        end_call(st, call_status::declined, or_default(s.detail, "declined"),
                 s.at_us, out);
      return out;
    case signal_kind::call_missed:
      if (!st.status || before_answer(st))
        end_call(st, call_status::missed, or_default(s.detail, "no_answer"),
                 s.at_us, out);
      return out;
    case signal_kind::call_hungup:
      if (!st.status || before_answer(st))
        end_call(st, call_status::missed, or_default(s.detail, "user_hangup"),
                 s.at_us, out);
      else
        end_call(st, call_status::completed,
                 or_default(s.detail, "user_hangup"), s.at_us, out);
      return out;
    case signal_kind::call_failed:
      end_call(st, call_status::failed, or_default(s.detail, "error"),
               s.at_us, out);
      return out;
    case signal_kind::recording_ready:
      out.emplace_back(recording_available{capped(s.detail, max_text_bytes)});
      return out;
    default:
      break;
  }
  // Anything else means the conversation is on: the call is active.
  if (!st.status || before_answer(st))
    out.emplace_back(started_by(s, ctx));
  activity(st, s, out);
  return out;
}

payloads decide(const call_state& st, call_timer timer) {
  payloads out;
  if (!st.status || st.ended())
    return out;
  switch (timer) {
    case call_timer::inactivity:
      end_call(st, call_status::failed, "signal_lost", st.last_line_at, out);
      break;
    case call_timer::max_duration:
      end_call(st, call_status::completed, "max_duration", st.last_line_at,
               out);
      break;
    case call_timer::ring_timeout:
      if (before_answer(st))
        end_call(st, call_status::missed, "no_answer", st.last_line_at, out);
      break;
  }
  return out;
}

namespace {

std::vector<event> stamp_and_apply(call_state& st, payloads decided,
                                   const envelope& base) {
  std::vector<event> out;
  out.reserve(decided.size());
  for (auto& payload : decided) {
    event e;
    e.env = base;
    e.env.seq = st.seq + 1;
    e.env.group_index = static_cast<std::uint16_t>(out.size());
    e.env.group_size = static_cast<std::uint16_t>(decided.size());
    e.payload = std::move(payload);
    st.apply(e);
    out.push_back(std::move(e));
  }
  return out;
}

} // namespace

std::vector<event> process(call_state& st, const signal& s,
                           const signal_context& ctx) {
  if (st.tenant_id.empty())
    st.tenant_id = ctx.tenant_id;
  if (st.call_id.empty())
    st.call_id = s.call_id;
  envelope base;
  base.tenant_id = st.tenant_id;
  base.call_id = st.call_id;
  base.epoch = ctx.epoch;
  base.occurred_at = s.at_us;
  base.recorded_at = ctx.now;
  base.source_position = ctx.at.stream_seq;
  base.source_index = ctx.at.index;
  base.source_hash = key_of(s).content_hash;
  auto events = stamp_and_apply(st, decide(st, s, ctx), base);
  // A signal that changed nothing still moved the call forward in time and
  // position; redelivery re-derives this after a crash (docs/adr/0003).
  if (events.empty() && !st.ended()) {
    if (s.at_us > st.last_line_at)
      st.last_line_at = s.at_us;
    if (ctx.at.stream_seq != 0 && !(ctx.at <= st.last_position))
      st.last_position = ctx.at;
  }
  return events;
}

std::vector<event> process(call_state& st, call_timer timer,
                           std::uint64_t epoch, time_us now) {
  envelope base;
  base.tenant_id = st.tenant_id;
  base.call_id = st.call_id;
  base.epoch = epoch;
  base.occurred_at = st.last_line_at;
  base.recorded_at = now;
  return stamp_and_apply(st, decide(st, timer), base);
}

} // namespace sb::call

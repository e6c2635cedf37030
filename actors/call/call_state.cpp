#include "call/call_state.hpp"

#include <algorithm>

namespace sb::call {

namespace {

bool is_service(const std::string& service, const char* family) {
  return service.find(family) != std::string::npos;
}

/// Folds the payload; `at` is the event's source time.
struct applier {
  call_state& st;
  time_us at;

  void operator()(const call_queued&) {
    st.status = call_status::queued;
  }

  void operator()(const call_ringing&) {
    st.status = call_status::ringing;
  }

  void operator()(const call_started& x) {
    st.status = call_status::active;
    if (!x.agent_id.empty())
      st.agent_id = x.agent_id;
  }

  void operator()(const speech_changed& x) {
    if (x.who == speaker::user) {
      st.user_speaking = x.speaking;
      st.interrupted_while_user_speaks = false;
      if (x.speaking) {
        st.user_speech_started_at = at;
        st.user_spoke_since_last_user_turn = true;
      } else {
        st.user_speech_stopped_at = at;
        // The open agent turn's exchange is reported when the turn closes.
        if (st.turn.number != 0 && st.turn.who == speaker::agent
            && st.turn.parts > 0 && !st.answered_latency)
          st.answered_latency = st.latency;
        // A new exchange: measure until the bot starts speaking again.
        st.latency = exchange_latency{};
        st.latency.user_stopped_at = at;
        // An open user turn ends when its last speech segment does.
        if (st.turn.number != 0 && st.turn.who == speaker::user
            && st.turn.parts > 0)
          st.turn.speech_stopped_at = at;
      }
      return;
    }
    st.bot_speaking = x.speaking;
    if (x.speaking) {
      if (st.latency.user_stopped_at != 0 && st.latency.bot_started_at == 0)
        st.latency.bot_started_at = at;
      if (st.turn.number != 0 && st.turn.who == speaker::agent
          && st.turn.speech_started_at == 0)
        st.turn.speech_started_at = at;
    } else if (st.turn.number != 0 && st.turn.who == speaker::agent) {
      st.turn.speech_stopped_at = at;
    }
  }

  void operator()(const user_spoke& x) {
    if (x.part == 0) {
      st.turn = open_turn{};
      st.turn.number = x.turn;
      st.turn.who = speaker::user;
      st.turn.text = x.text;
      st.turn.first_part_at = at;
      st.turn.speech_started_at = x.started_at;
      st.turn.speech_stopped_at = x.ended_at;
    } else {
      st.turn.text += ' ';
      st.turn.text += x.text;
    }
    st.turn.parts = x.part + 1;
    st.turn.last_part_at = at;
    st.last_user_text = st.turn.text;
    st.user_spoke_since_last_user_turn = false;
  }

  void operator()(const agent_spoke& x) {
    if (x.part == 0) {
      st.turn = open_turn{};
      st.turn.number = x.turn;
      st.turn.who = speaker::agent;
      st.turn.text = x.text;
      st.turn.first_part_at = at;
      // The bot may already be speaking (a sentence queued mid-speech).
      st.turn.speech_started_at = 0;
    } else {
      st.turn.text += ' ';
      st.turn.text += x.text;
    }
    st.turn.parts = x.part + 1;
    st.turn.last_part_at = at;
  }

  void operator()(const turn_completed& x) {
    if (x.turn == st.turn.number) {
      st.turn.parts = 0; // closed: the next text opens a new turn
      st.answered_latency.reset();
    }
  }

  void operator()(const user_interrupted& x) {
    st.interrupted_while_user_speaks = true;
    if (x.turn != 0 && x.turn == st.turn.number)
      st.turn.interrupted = true;
  }

  void operator()(const metric_measured& x) {
    auto& lat = st.latency;
    if (x.during_interruption)
      lat.during_interruption = true;
    if (lat.user_stopped_at == 0)
      return;
    if (is_service(x.service, "STT")) {
      if (lat.stt_ms < 0 && (x.metric == "ttfb" || x.metric == "processing"))
        lat.stt_ms = x.value_ms;
    } else if (x.metric == "ttfb" && is_service(x.service, "LLM")) {
      if (lat.llm_ttfb_ms < 0)
        lat.llm_ttfb_ms = x.value_ms;
    } else if (x.metric == "ttfb" && is_service(x.service, "TTS")) {
      if (lat.tts_ttfb_ms < 0)
        lat.tts_ttfb_ms = x.value_ms;
    }
  }

  void operator()(const turn_latency_measured&) {
    // Reported once per exchange: the kept one if any, else the current.
    if (st.answered_latency)
      st.answered_latency.reset();
    else
      st.latency = exchange_latency{};
  }

  void operator()(const problem_logged& x) {
    if (x.severity == "fatal")
      st.fatal_seen = true;
    else if (x.severity == "idle")
      st.idle_seen = true;
  }

  void operator()(const call_ended& x) {
    st.status = x.status;
    st.end_reason = x.end_reason;
  }

  // Facts with no effect on what the actor decides next.
  void operator()(const tool_invoked&) {}
  void operator()(const usage_recorded&) {}
  void operator()(const call_analyzed&) {}
  void operator()(const recording_available&) {}
  void operator()(const conversation_erased&) {}
  void operator()(const partition_acquired&) {}
};

} // namespace

bool call_state::already_applied(const signal& s, position at) const {
  if (at.stream_seq != 0 && at <= last_position)
    return true; // redelivered: every signal up to here was applied
  if (s.at_us < last_event_at)
    return true; // older than what the call already recorded: a replay
  if (s.at_us == last_event_at) {
    auto hash = key_of(s).content_hash;
    return std::find(hashes_at_last_event.begin(), hashes_at_last_event.end(),
                     hash)
           != hashes_at_last_event.end();
  }
  return false;
}

void call_state::apply(const event& e) {
  const auto& env = e.env;
  if (tenant_id.empty())
    tenant_id = env.tenant_id;
  if (call_id.empty())
    call_id = env.call_id;
  seq = std::max(seq, env.seq);
  if (started_at == 0)
    started_at = env.occurred_at;
  last_line_at = std::max(last_line_at, env.occurred_at);
  if (env.source_position != 0) {
    position at{env.source_position, env.source_index};
    if (!(at <= last_position))
      last_position = at;
    if (env.occurred_at > last_event_at) {
      last_event_at = env.occurred_at;
      hashes_at_last_event.clear();
    }
    if (env.occurred_at == last_event_at
        && std::find(hashes_at_last_event.begin(), hashes_at_last_event.end(),
                     env.source_hash)
             == hashes_at_last_event.end())
      hashes_at_last_event.push_back(env.source_hash);
  }
  std::visit(applier{*this, env.occurred_at}, e.payload);
}

} // namespace sb::call

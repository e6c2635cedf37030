#include "sim/truth_fold.hpp"

#include <optional>

namespace sb::sim {

const char* to_string(service_kind k) noexcept {
  switch (k) {
  case service_kind::llm:
    return "llm";
  case service_kind::tts:
    return "tts";
  case service_kind::stt:
    return "stt";
  }
  return "?";
}

namespace {

/// The exchange in progress, as actors/call/call_state.hpp keeps it
/// (times in ms; 0: not seen, as no call starts at the epoch).
struct exchange {
  std::int64_t user_stopped = 0;
  std::int64_t bot_started = 0;
  double llm = -1;
  double tts = -1;
  double stt = -1;
  bool interrupted = false;
};

/// The call actor's latency rules over speech edges, interruptions and
/// TTFB lines (call_truth.hpp, turn_latency, says them in words).
class latency_rules {
public:
  /// A speech edge; `agent_turn_open`: the current turn is the agent's.
  void user_speech(bool started, std::int64_t at, bool agent_turn_open) {
    if (user_speaking_ == started)
      return; // no change, no event
    user_speaking_ = started;
    interrupting_ = false;
    if (started)
      return;
    if (agent_turn_open && !answered_)
      answered_ = current_;
    current_ = exchange{};
    current_.user_stopped = at;
  }

  void bot_speech(bool started, std::int64_t at) {
    if (bot_speaking_ == started)
      return;
    bot_speaking_ = started;
    if (started && current_.user_stopped != 0 && current_.bot_started == 0)
      current_.bot_started = at;
  }

  void interruption() { interrupting_ = true; }

  ttfb_sample ttfb(service_kind kind, double ms) {
    ttfb_sample out{kind, ms, interrupting_};
    if (out.interrupted)
      current_.interrupted = true;
    if (current_.user_stopped == 0)
      return out;
    double& first = kind == service_kind::llm   ? current_.llm
                    : kind == service_kind::tts ? current_.tts
                                                : current_.stt;
    if (first < 0)
      first = ms;
    return out;
  }

  /// The open turn closes; an agent turn reports the exchange it answered.
  void close_turn(bool agent, int turn, std::vector<turn_latency>& out) {
    if (agent) {
      const auto& lat = answered_ ? *answered_ : current_;
      if (lat.user_stopped != 0
          && (lat.bot_started != 0 || lat.llm >= 0 || lat.tts >= 0)) {
        turn_latency m;
        m.turn = turn;
        if (lat.bot_started != 0)
          m.user_to_bot_ms
            = static_cast<double>(lat.bot_started - lat.user_stopped);
        m.llm_ttfb_ms = lat.llm;
        m.tts_ttfb_ms = lat.tts;
        m.stt_ms = lat.stt;
        m.interrupted = lat.interrupted;
        out.push_back(m);
        // Reported once: the kept exchange if any, else the current one.
        if (answered_)
          answered_.reset();
        else
          current_ = exchange{};
      }
    }
    answered_.reset();
  }

private:
  bool user_speaking_ = false;
  bool bot_speaking_ = false;
  bool interrupting_ = false; ///< since an interruption, until a user edge
  exchange current_;
  std::optional<exchange> answered_;
};

} // namespace

call_truth fold_truth(const std::vector<step>& steps, std::size_t count,
                      bool cut, const std::string& mood) {
  call_truth t;
  enum class who { none, user, agent } open = who::none;
  int first_user_turn = 0;
  int first_agent_turn = 0;
  int user_turns = 0;
  bool fatal = false;
  bool idle = false;
  bool ended = false;
  bool started = false;
  latency_rules latency;
  auto close_turn = [&] {
    if (open != who::none)
      latency.close_turn(open == who::agent, t.turn_count, t.latencies);
  };
  for (std::size_t i = 0; i < count && !ended; ++i) {
    const auto& st = steps[i];
    if (st.what == fact::not_kept)
      continue;
    if (!started) {
      t.started_ms = st.at;
      started = true;
    }
    t.ended_ms = st.at;
    switch (st.what) {
    case fact::bot_text:
      if (open != who::agent) {
        close_turn();
        open = who::agent;
        ++t.turn_count;
        if (first_agent_turn == 0) {
          first_agent_turn = t.turn_count;
          t.first_agent_text = st.text;
        }
      } else if (first_agent_turn == t.turn_count) {
        t.first_agent_text += ' ' + st.text;
      }
      break;
    case fact::user_text:
    case fact::context_user:
      if (open != who::user) {
        close_turn();
        open = who::user;
        ++t.turn_count;
        ++user_turns;
        if (first_user_turn == 0) {
          first_user_turn = t.turn_count;
          t.first_user_text = st.text;
        }
      } else if (st.what == fact::user_text
                 && first_user_turn == t.turn_count) {
        t.first_user_text += ' ' + st.text;
      }
      break;
    case fact::user_started:
    case fact::user_stopped:
      latency.user_speech(st.what == fact::user_started, st.at,
                          open == who::agent);
      break;
    case fact::bot_started:
    case fact::bot_stopped:
      latency.bot_speech(st.what == fact::bot_started, st.at);
      break;
    case fact::interruption:
      ++t.interruptions;
      latency.interruption();
      break;
    case fact::ttfb:
      t.ttfb.push_back(latency.ttfb(st.kind, st.ms));
      break;
    case fact::usage: {
      auto& u = t.usage[st.service];
      u.llm_prompt_tokens += st.usage.llm_prompt_tokens;
      u.llm_completion_tokens += st.usage.llm_completion_tokens;
      u.llm_cached_tokens += st.usage.llm_cached_tokens;
      u.tts_characters += st.usage.tts_characters;
      u.stt_seconds += st.usage.stt_seconds;
      break;
    }
    case fact::tool_call:
      ++t.tool_calls;
      break;
    case fact::error:
      ++t.error_count;
      break;
    case fact::fatal:
      fatal = true;
      ++t.error_count;
      break;
    case fact::idle:
      idle = true;
      break;
    case fact::end_finished:
    case fact::end_cancelled:
      ended = true;
      close_turn();
      t.status = fatal ? "failed" : "completed";
      t.end_reason = fatal                            ? "error"
                     : idle                           ? "idle_timeout"
                     : st.what == fact::end_cancelled ? "cancelled"
                                                      : "pipeline_finished";
      break;
    default:
      break;
    }
  }
  if (!ended && cut) {
    close_turn(); // the inactivity timer ends the call at its last line
    t.status = "failed";
    t.end_reason = "signal_lost";
  }
  if (!mood.empty())
    t.sentiment = user_turns > 0 ? mood : "unknown";
  return t;
}

} // namespace sb::sim

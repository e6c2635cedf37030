#include "sim/call_script.hpp"

#include "sim/noise.hpp"
#include "sim/phrases.hpp"

#include <algorithm>

namespace sb::sim {

namespace {

/// What a written line means for the ground truth.
enum class fact : std::uint8_t {
  kept,          ///< a signal with no effect on turns or the end
  not_kept,      ///< written, but yields no signal (e.g. a tool-result dump)
  bot_text,      ///< a bot sentence
  user_text,     ///< a transcription
  context_user,  ///< a context dump ending with a new user message
  interruption,
  fatal,
  idle,
  end_finished,
  end_cancelled,
};

struct step {
  std::int64_t at = 0;
  fact what = fact::kept;
  std::string line;
  std::string text;
  int continuation_lines = 0;
};

enum class ending : std::uint8_t { finished, cancelled, idle, error, lost };

struct message {
  const char* role;
  std::string content;
};

/// Writes one call's conversation, line by line, in its style.
class writer {
public:
  writer(rng_t& rng, const style& s, std::string id, std::int64_t start,
         const language_phrases& lang)
    : rng_(rng), s_(s), id_(std::move(id)), t_(start), lang_(lang) {
  }

  std::vector<step> steps;

  void wait(std::int64_t lo, std::int64_t hi) {
    t_ += uniform(rng_, lo, hi);
  }

  void add(fact f, const char* level, const char* where,
           const std::string& msg, std::string text = {}) {
    if (f != fact::not_kept) {
      if (t_ <= last_kept_)
        t_ = last_kept_ + 1; // no two kept lines share a millisecond
      last_kept_ = t_;
    }
    steps.push_back({t_, f, format_line(s_, id_, t_, level, where, msg),
                     std::move(text), 0});
  }

  void traceback(const std::string& exception) {
    auto& st = steps.back();
    st.line += "\nTraceback (most recent call last):\n"
               "  File \"/app/bot.py\", line "
               + std::to_string(uniform(rng_, 40, 200))
               + ", in run\n    await task.run()\n"
               + exception;
    st.continuation_lines = 4;
  }

  // -- lifecycle ---------------------------------------------------------

  void started() {
    if (s_.v1())
      add(fact::kept, "DEBUG", "pipecat.workers.runner:run:276",
          "WorkerRunner '" + s_.worker + "': started running");
    else
      add(fact::kept, "DEBUG", "pipecat.pipeline.runner:run:71",
          "Runner PipelineRunner#0 started running PipelineTask#0");
  }

  void runner_finished() {
    if (s_.v1())
      add(fact::kept, "DEBUG", "pipecat.workers.runner:run:290",
          "WorkerRunner '" + s_.worker + "': finished running");
    else
      add(fact::kept, "DEBUG", "pipecat.pipeline.runner:run:80",
          "Runner PipelineRunner#0 finished running PipelineTask#0");
  }

  void finished() {
    if (s_.v1())
      add(fact::end_finished, "DEBUG", "pipecat.pipeline.worker:run:1201",
          "Pipeline worker PipelineWorker#0 has finished");
    else
      add(fact::end_finished, "DEBUG", "pipecat.pipeline.task:run:560",
          "Pipeline task PipelineTask#0 has finished");
  }

  void cancelled() {
    if (s_.v1())
      add(fact::end_cancelled, "DEBUG", "pipecat.pipeline.worker:_cancel:1290",
          "Cancelling pipeline worker PipelineWorker#0");
    else
      add(fact::end_cancelled, "DEBUG", "pipecat.pipeline.task:_cancel:612",
          "Canceling pipeline task PipelineTask#0");
  }

  void idle() {
    if (s_.v1())
      add(fact::idle, "WARNING",
          "pipecat.pipeline.worker:_idle_timeout_detected:1431",
          "Idle pipeline detected, cancelling pipeline worker...");
    else
      add(fact::idle, "WARNING",
          "pipecat.pipeline.task:_idle_timeout_detected:700",
          "Idle pipeline detected, cancelling pipeline task...");
  }

  void fatal() {
    static const std::vector<std::string> reasons = {
      "OpenAI API key is invalid", "Deepgram connection refused",
      "Cartesia quota exceeded", "transport closed unexpectedly"};
    add(fact::fatal, "ERROR", "pipecat.pipeline.task:_handle_error:780",
        "Fatal error: " + pick(rng_, reasons));
    if (chance(rng_, 60))
      traceback("openai.AuthenticationError: invalid api key");
  }

  void handled_error() {
    add(fact::kept, "ERROR",
        "pipecat.processors.frame_processor:push_error_frame:640",
        s_.llm + "#0 error: Request timed out, retrying");
    if (chance(rng_, 70))
      traceback("httpx.ReadTimeout: timed out");
  }

  // -- speech ------------------------------------------------------------

  void user_speech(bool started) {
    const char* where = started
                          ? "pipecat.transports.base_input:"
                            "_handle_user_interruption:295"
                          : "pipecat.transports.base_input:"
                            "_handle_user_interruption:310";
    std::string msg = started ? "User started speaking"
                              : "User stopped speaking";
    if (s_.v1() && s_.speech_variant == 0) {
      where = started ? "pipecat.processors.audio.vad_processor:_handle_vad:70"
                      : "pipecat.processors.audio.vad_processor:_handle_vad:78";
      msg = "VADProcessor#0: " + msg;
    } else if (s_.v1()) {
      where = started ? "pipecat.processors.aggregators.llm_response_universal:"
                        "_on_user_turn_started:612"
                      : "pipecat.processors.aggregators.llm_response_universal:"
                        "_on_user_turn_stopped:640";
      msg = "LLMUserAggregator#0: " + msg
            + (started ? " (strategy: VADUserTurnStartStrategy)"
                       : " (strategy: SpeechTimeoutUserTurnStopStrategy)");
    }
    add(fact::kept, "DEBUG", where, msg);
  }

  void bot_speech(bool started) {
    std::string msg = s_.bot_destination ? "Bot [phone] " : "Bot ";
    msg += started ? "started speaking" : "stopped speaking";
    add(fact::kept, "DEBUG",
        started ? "pipecat.transports.base_output:_bot_started_speaking:605"
                : "pipecat.transports.base_output:_bot_stopped_speaking:650",
        msg);
  }

  void interruption() {
    if (s_.v050())
      add(fact::interruption, "DEBUG",
          "pipecat.transports.base_input:_handle_interruptions:215",
          "Bot interruption");
    else if (!s_.v1())
      add(fact::interruption, "DEBUG",
          "pipecat.pipeline.task:_source_push_frame:687",
          "PipelineTask#0: received interruption task frame "
          "InterruptionTaskFrame#"
            + std::to_string(++interruption_frames_));
    else if (s_.interruption_variant == 0)
      add(fact::interruption, "DEBUG",
          "pipecat.pipeline.worker:_source_push_frame:905",
          "PipelineWorker#0: received interruption worker frame upstream "
          "InterruptionWorkerFrame#"
            + std::to_string(++interruption_frames_));
    else
      add(fact::interruption, "DEBUG",
          "pipecat.processors.aggregators.llm_response_universal:"
          "_broadcast_interruption:702",
          "LLMUserAggregator#0: broadcasting interruption");
  }

  void transcription(const std::string& text) {
    if (s_.daily_transcription)
      add(fact::user_text, "DEBUG",
          "pipecat.transports.services.daily:_on_transcription_message:690",
          "Transcription (from: " + s_.participant + "): [" + text + "]",
          text);
    else
      add(fact::user_text, "DEBUG", "pipecat.services.whisper.stt:run_stt:434",
          "Transcription: [" + text + "]", text);
  }

  void tts(const std::string& sentence) {
    if (s_.v050())
      add(fact::bot_text, "DEBUG", "pipecat.services.cartesia:run_tts:312",
          "Generating TTS: [" + sentence + "]", sentence);
    else
      add(fact::bot_text, "DEBUG",
          s_.v1() ? "pipecat.services.tts_service:_push_tts_frames:1327"
                  : "pipecat.services.tts_service:_push_tts_frames:602",
          s_.tts + "#0: Generating TTS [" + sentence + "]", sentence);
  }

  void metric(const std::string& service, const char* what, std::int64_t lo,
              std::int64_t hi) {
    auto ms = uniform(rng_, lo, hi);
    add(fact::kept, "DEBUG",
        "pipecat.processors.metrics.frame_processor_metrics:"
        "stop_ttfb_metrics:175",
        service + "#0 " + what + ": " + seconds_text(rng_, s_, ms));
  }

  /// The LLM context dump; `user_last` says whether it ends with the user.
  void context_dump(const std::vector<message>& history, fact f,
                    const std::string& user_text) {
    std::string list = "[";
    auto sys = pick(rng_, lang_.system_prompt);
    auto item = [&](const char* role, const std::string& content) {
      if (list.size() > 1)
        list += ", ";
      if (s_.v050())
        list += "{\"role\": \"" + std::string(role)
                + "\", \"content\": " + quoted(s_, content) + "}";
      else
        list += "{'role': '" + std::string(role)
                + "', 'content': " + quoted(s_, content) + "}";
    };
    item("system", sys);
    auto from = history.size() > 8 ? history.size() - 8 : 0;
    for (auto i = from; i < history.size(); ++i)
      item(history[i].role, history[i].content);
    list += "]";
    if (s_.v050())
      add(f, "DEBUG", "pipecat.services.openai:_stream_chat_completions:174",
          "Generating chat: " + list, user_text);
    else if (s_.v1())
      add(f, "DEBUG", "pipecat.services.openai.base_llm:_stream_chat:412",
          s_.llm + "#0: Generating chat from context " + list, user_text);
    else
      add(f, "DEBUG",
          "pipecat.services.openai.base_llm:"
          "_stream_chat_completions_universal_context:338",
          s_.llm + "#0: Generating chat from universal context " + list,
          user_text);
  }

  void function_call(std::vector<message>& history) {
    static const std::vector<std::string> names = {
      "get_order_status", "lookup_account", "check_outage",
      "book_appointment"};
    auto name = pick(rng_, names);
    auto args = "{\"id\": \"" + std::to_string(uniform(rng_, 1000, 99999))
                + "\"}";
    if (s_.v050())
      add(fact::kept, "INFO",
          "pipecat.processors.aggregators.openai_llm_context:"
          "call_function:172",
          "Calling function " + name + " with arguments " + args);
    else
      add(fact::kept, "DEBUG", "pipecat.services.llm_service:"
                               "_run_function_call:512",
          s_.llm + "#0 Calling function [" + name + ":call_" + hex(rng_, 12)
            + "] with arguments " + args);
    history.push_back({"tool", "Done, status ok."});
    wait(100, 600);
    context_dump(history, fact::not_kept, {});
  }

  std::int64_t now() const noexcept {
    return t_;
  }

private:
  rng_t& rng_;
  const style& s_;
  std::string id_;
  std::int64_t t_;
  std::int64_t last_kept_ = -1;
  const language_phrases& lang_;
  int interruption_frames_ = 0;
};

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty())
      out += ' ';
    out += p;
  }
  return out;
}

/// The system's rules, applied to the first `count` steps.
call_truth fold(const std::vector<step>& steps, std::size_t count,
                bool cut) {
  call_truth t;
  enum class who { none, user, agent } open = who::none;
  int first_user_turn = 0;
  int first_agent_turn = 0;
  bool fatal = false;
  bool idle = false;
  bool ended = false;
  bool started = false;
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
          open = who::user;
          ++t.turn_count;
          if (first_user_turn == 0) {
            first_user_turn = t.turn_count;
            t.first_user_text = st.text;
          }
        } else if (st.what == fact::user_text
                   && first_user_turn == t.turn_count) {
          t.first_user_text += ' ' + st.text;
        }
        break;
      case fact::interruption: ++t.interruptions; break;
      case fact::fatal: fatal = true; break;
      case fact::idle: idle = true; break;
      case fact::end_finished:
      case fact::end_cancelled:
        ended = true;
        t.status = fatal ? "failed" : "completed";
        t.end_reason = fatal                            ? "error"
                       : idle                           ? "idle_timeout"
                       : st.what == fact::end_cancelled ? "cancelled"
                                                        : "pipeline_finished";
        break;
      default: break;
    }
  }
  if (!ended && cut) {
    t.status = "failed";
    t.end_reason = "signal_lost";
  }
  return t;
}

dialect draw_dialect(rng_t& rng) {
  auto roll = uniform(rng, 0, 99);
  if (roll < 35)
    return dialect::cloud_0_0_9x;
  if (roll < 55)
    return dialect::cloud_1x;
  if (roll < 70)
    return dialect::journald_1x;
  if (roll < 85)
    return dialect::iso_callsid;
  return dialect::loguru_0_0_50;
}

ending draw_ending(rng_t& rng) {
  auto roll = uniform(rng, 0, 99);
  if (roll < 50)
    return ending::finished;
  if (roll < 62)
    return ending::cancelled;
  if (roll < 74)
    return ending::idle;
  if (roll < 86)
    return ending::error;
  return ending::lost;
}

} // namespace

call_script make_call(const call_plan& plan) {
  rng_t rng{mix_seed(plan.seed)};
  auto d = plan.force_dialect ? *plan.force_dialect : draw_dialect(rng);
  auto s = make_style(rng, d);
  auto id = make_call_id(rng, s);
  const auto& langs = languages();
  auto lang_index = chance(rng, 85) ? plan.language % langs.size()
                                    : static_cast<std::size_t>(uniform(
                                      rng, 0,
                                      static_cast<std::int64_t>(langs.size())
                                        - 1));
  const auto& lang = langs[lang_index];
  auto end = draw_ending(rng);
  auto exchanges = static_cast<int>(uniform(rng, 1, 6));
  bool transcribed = chance(rng, 65);
  int fatal_at = end == ending::error
                   ? static_cast<int>(uniform(rng, 0, exchanges - 1))
                   : -1;
  int handled_error_at = chance(rng, 10)
                           ? static_cast<int>(uniform(rng, 0, exchanges - 1))
                           : -1;

  writer w{rng, s, id, plan.start_ms, lang};
  std::vector<message> history;
  w.started();

  // Speaks `sentences` as one agent turn; true if the caller cut in.
  auto bot_turn = [&](const std::vector<std::string>& sentences,
                      bool interrupt) {
    w.wait(50, 300);
    w.tts(sentences[0]);
    if (chance(rng, 80)) {
      w.wait(60, 250);
      w.metric(s.tts, "TTFB", 80, 400);
    }
    w.wait(20, 120);
    w.bot_speech(true);
    std::size_t chars = sentences[0].size();
    for (std::size_t i = 1; i < sentences.size(); ++i) {
      w.wait(150, 900);
      w.tts(sentences[i]);
      chars += sentences[i].size();
    }
    history.push_back({"assistant", joined(sentences)});
    if (interrupt) {
      w.wait(300, 1500);
      w.user_speech(true);
      w.wait(10, 60);
      w.interruption();
      w.wait(20, 80);
      w.bot_speech(false);
      return true;
    }
    w.wait(800, 3000);
    w.bot_speech(false);
    if (chance(rng, 70)) {
      w.wait(2, 20);
      w.add(fact::kept, "DEBUG",
            "pipecat.processors.metrics.frame_processor_metrics:"
            "start_tts_usage_metrics:310",
            s.tts + "#0 usage characters: " + std::to_string(chars));
    }
    return false;
  };

  w.wait(40, 300);
  std::vector<std::string> greeting{pick(rng, lang.greetings)};
  if (chance(rng, 70))
    greeting.push_back(pick(rng, lang.offers));
  bool speaking = bot_turn(greeting, false);

  bool fatal = false;
  for (int i = 0; i < exchanges && !fatal; ++i) {
    // The caller's turn.
    if (!speaking) {
      w.wait(400, 2000);
      w.user_speech(true);
    }
    w.wait(700, 2500);
    w.user_speech(false);
    auto text = fill(rng, pick(rng, lang.questions));
    if (transcribed) {
      w.wait(50, 300);
      w.transcription(text);
      if (chance(rng, 20)) {
        auto more = fill(rng, pick(rng, lang.followups));
        w.wait(200, 800);
        w.user_speech(true);
        w.wait(500, 1500);
        w.user_speech(false);
        w.wait(50, 200);
        w.transcription(more);
        text += ' ' + more;
      }
      history.push_back({"user", text});
      w.wait(5, 30);
      w.context_dump(history, fact::kept, {}); // repeats the transcription
    } else {
      history.push_back({"user", text});
      w.wait(100, 400);
      w.context_dump(history, fact::context_user, text);
    }
    if (s.v1() && chance(rng, 60)) {
      w.wait(2, 20);
      w.add(fact::kept, "DEBUG",
            "pipecat.processors.metrics.frame_processor_metrics:"
            "start_stt_usage_metrics:330",
            s.stt + "#0 usage audio seconds: " + std::to_string(uniform(rng, 1, 9))
              + "." + std::to_string(uniform(rng, 100, 999)));
    }
    if (i == fatal_at) {
      w.wait(100, 800);
      w.fatal();
      fatal = true;
      break;
    }
    if (i == handled_error_at) {
      w.wait(100, 500);
      w.handled_error();
    }
    // The bot thinks, maybe calls a tool, and answers.
    w.wait(150, 900);
    w.metric(s.llm, "TTFB", 150, 900);
    if (chance(rng, 20)) {
      w.wait(20, 80);
      w.function_call(history);
      w.wait(150, 600);
      w.metric(s.llm, "TTFB", 150, 700);
    }
    if (chance(rng, 70)) {
      w.wait(5, 20);
      w.add(fact::kept, "DEBUG",
            "pipecat.processors.metrics.frame_processor_metrics:"
            "start_llm_usage_metrics:140",
            s.llm + "#0 prompt tokens: " + std::to_string(uniform(rng, 80, 900))
              + ", completion tokens: " + std::to_string(uniform(rng, 5, 120)));
    }
    std::vector<std::string> answer;
    auto n = uniform(rng, 1, 3);
    for (std::int64_t k = 0; k < n; ++k)
      answer.push_back(fill(rng, pick(rng, lang.answers)));
    if (i == exchanges - 1 && chance(rng, 60))
      answer.push_back(pick(rng, lang.closings));
    bool interrupt = i < exchanges - 1 && chance(rng, 15);
    speaking = bot_turn(answer, interrupt);
  }

  switch (end) {
    case ending::error:
      w.wait(20, 200);
      w.cancelled();
      w.wait(1, 20);
      w.runner_finished();
      break;
    case ending::cancelled:
      w.wait(300, 2000);
      w.cancelled();
      w.wait(1, 30);
      w.runner_finished();
      break;
    case ending::idle:
      w.wait(10000, 30000);
      w.idle();
      w.wait(1, 5);
      w.cancelled();
      w.wait(1, 10);
      w.runner_finished();
      break;
    case ending::finished:
    case ending::lost:
      w.wait(200, 1500);
      w.finished();
      w.wait(1, 5);
      w.runner_finished();
      break;
  }

  auto& steps = w.steps;
  auto count = steps.size();
  if (end == ending::lost) {
    // Cut off somewhere after the greeting began, before the end line.
    std::size_t first_text = 0;
    std::size_t end_line = steps.size();
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].what == fact::bot_text && first_text == 0)
        first_text = i;
      if (steps[i].what == fact::end_finished) {
        end_line = i;
        break;
      }
    }
    auto last = static_cast<std::size_t>(uniform(
      rng, static_cast<std::int64_t>(first_text),
      static_cast<std::int64_t>(end_line) - 1));
    while (last > first_text && steps[last].what == fact::not_kept)
      --last;
    count = last + 1;
  }

  call_script out;
  out.truth = fold(steps, count, end == ending::lost);
  out.truth.call_id = id;
  out.truth.agent_id = plan.agent_id;
  out.truth.dialect = dialect_name(d);
  out.truth.language = lang.code;

  std::uint64_t kept = 0;
  std::uint64_t noisy = 0;
  for (std::size_t i = 0; i < count; ++i) {
    auto& st = steps[i];
    bool k = st.what != fact::not_kept;
    kept += k ? 1 : 0;
    noisy += (k ? 0 : 1) + static_cast<std::uint64_t>(st.continuation_lines);
    out.lines.push_back({st.at, std::move(st.line), k});
  }
  auto first_ms = out.lines.front().at_ms;
  auto last_ms = out.lines.back().at_ms;
  auto f = std::clamp(plan.noise, 0.0, 0.99);
  auto target = static_cast<std::uint64_t>(
    static_cast<double>(kept) * f / (1.0 - f) + 0.5);
  std::vector<sim_line> noise;
  for (auto i = noisy; i < target; ++i)
    noise.push_back(
      noise_line(rng, s, id, uniform(rng, first_ms - 300, last_ms)));
  noisy = std::max(noisy, target);
  std::stable_sort(noise.begin(), noise.end(),
                   [](const sim_line& a, const sim_line& b) {
                     return a.at_ms < b.at_ms;
                   });
  // Merge: at equal times the call's own line goes first.
  std::vector<sim_line> merged;
  merged.reserve(out.lines.size() + noise.size());
  std::merge(std::make_move_iterator(out.lines.begin()),
             std::make_move_iterator(out.lines.end()),
             std::make_move_iterator(noise.begin()),
             std::make_move_iterator(noise.end()), std::back_inserter(merged),
             [](const sim_line& a, const sim_line& b) {
               return a.at_ms < b.at_ms;
             });
  out.lines = std::move(merged);
  out.last_ms = out.lines.back().at_ms;
  out.noise_lines = noisy;
  out.physical_lines = kept + noisy;
  return out;
}

} // namespace sb::sim

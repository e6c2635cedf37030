#include "sim/call_script.hpp"

#include "sim/clock_text.hpp"
#include "sim/noise.hpp"
#include "sim/phrases.hpp"
#include "sim/truth_fold.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string_view>

namespace sb::sim {

namespace {

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
    : rng_(rng), s_(s), id_(std::move(id)), t_(start), lang_(lang) {}

  std::vector<step> steps;

  void wait(std::int64_t lo, std::int64_t hi) { t_ += uniform(rng_, lo, hi); }

  step& add(fact f, const char* level, std::string_view where,
            const std::string& msg, std::string text = {}) {
    if (f != fact::not_kept) {
      if (t_ <= last_kept_)
        t_ = last_kept_ + 1; // no two kept lines share a millisecond
      last_kept_ = t_;
    }
    step st;
    st.at = t_;
    st.what = f;
    st.line = format_line(s_, id_, t_, level, where, msg);
    st.text = std::move(text);
    steps.push_back(std::move(st));
    return steps.back();
  }

  void traceback(const std::string& exception) {
    auto& st = steps.back();
    st.line += "\nTraceback (most recent call last):\n"
               "  File \"/app/bot.py\", line "
               + std::to_string(uniform(rng_, 40, 200))
               + ", in run\n    await task.run()\n" + exception;
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
    static const std::vector<std::string> reasons
      = {"OpenAI API key is invalid", "Deepgram connection refused",
         "Cartesia quota exceeded", "transport closed unexpectedly"};
    add(fact::fatal, "ERROR", "pipecat.pipeline.task:_handle_error:780",
        "Fatal error: " + pick(rng_, reasons));
    if (chance(rng_, 60))
      traceback("openai.AuthenticationError: invalid api key");
  }

  void handled_error() {
    add(fact::error, "ERROR",
        "pipecat.processors.frame_processor:push_error_frame:640",
        s_.llm + "#0 error: Request timed out, retrying");
    if (chance(rng_, 70))
      traceback("httpx.ReadTimeout: timed out");
  }

  // -- speech ------------------------------------------------------------

  void user_speech(bool started) {
    const char* where = started ? "pipecat.transports.base_input:"
                                  "_handle_user_interruption:295"
                                : "pipecat.transports.base_input:"
                                  "_handle_user_interruption:310";
    std::string msg
      = started ? "User started speaking" : "User stopped speaking";
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
    add(started ? fact::user_started : fact::user_stopped, "DEBUG", where, msg);
  }

  void bot_speech(bool started) {
    std::string msg = s_.bot_destination ? "Bot [phone] " : "Bot ";
    msg += started ? "started speaking" : "stopped speaking";
    add(started ? fact::bot_started : fact::bot_stopped, "DEBUG",
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
          "Transcription (from: " + s_.participant + "): [" + text + "]", text);
    else if (s_.frame_transcription)
      // The bot's own handler printing the frame; the observer's arrowed
      // copies of it are frame traffic (noise).
      add(fact::user_text, "DEBUG", "bot:on_transcription:88",
          "TranscriptionFrame#"
            + std::to_string(++transcription_frames_) + "(user: "
            + s_.participant + ", text: [" + text + "], language: "
            + lang_.code + ", timestamp: " + api_time(t_) + ")",
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

  /// A TTFB line of `service` (of family `kind`), lo..hi ms.
  void ttfb(const std::string& service, service_kind kind, std::int64_t lo,
            std::int64_t hi) {
    auto text = seconds_text(rng_, s_, uniform(rng_, lo, hi));
    auto& st = add(fact::ttfb, "DEBUG",
                   "pipecat.processors.metrics.frame_processor_metrics:"
                   "stop_ttfb_metrics:175",
                   service + "#0 TTFB: " + text);
    st.kind = kind;
    st.ms = printed_ms(text);
  }

  void llm_usage() {
    service_usage u;
    // Prompt caching starts at 1024 tokens and counts in steps of 128.
    bool cached = !s_.v050() && chance(rng_, 30);
    u.llm_prompt_tokens
      = cached ? uniform(rng_, 1100, 3000) : uniform(rng_, 80, 900);
    u.llm_completion_tokens = uniform(rng_, 5, 120);
    auto msg
      = s_.llm + "#0 prompt tokens: " + std::to_string(u.llm_prompt_tokens)
        + ", completion tokens: " + std::to_string(u.llm_completion_tokens);
    if (cached) {
      u.llm_cached_tokens
        = 1024 + 128 * uniform(rng_, 0, (u.llm_prompt_tokens - 1024) / 128);
      msg
        += ", cache read input tokens: " + std::to_string(u.llm_cached_tokens);
    }
    if (!s_.v050() && chance(rng_, 10)) // part of the completion tokens
      msg += ", reasoning tokens: "
             + std::to_string(uniform(rng_, 1, u.llm_completion_tokens));
    usage(s_.llm, "start_llm_usage_metrics:140", msg, u);
  }

  void tts_usage(std::size_t chars) {
    service_usage u;
    u.tts_characters = static_cast<std::int64_t>(chars);
    usage(s_.tts, "start_tts_usage_metrics:310",
          s_.tts + "#0 usage characters: " + std::to_string(chars), u);
  }

  void stt_usage() {
    // Three decimals always: the truth is the printed number.
    auto ms = uniform(rng_, 1000, 9999);
    char secs[32];
    std::snprintf(secs, sizeof secs, "%lld.%03lld",
                  static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    service_usage u;
    u.stt_seconds = static_cast<double>(ms) / 1000.0;
    usage(s_.stt, "start_stt_usage_metrics:330",
          s_.stt + "#0 usage audio seconds: " + secs, u);
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
      "get_order_status", "lookup_account", "check_outage", "book_appointment"};
    auto name = pick(rng_, names);
    auto args
      = "{\"id\": \"" + std::to_string(uniform(rng_, 1000, 99999)) + "\"}";
    if (s_.v050())
      add(fact::tool_call, "INFO",
          "pipecat.processors.aggregators.openai_llm_context:"
          "call_function:172",
          "Calling function " + name + " with arguments " + args);
    else
      add(fact::tool_call, "DEBUG",
          "pipecat.services.llm_service:"
          "_run_function_call:512",
          s_.llm + "#0 Calling function [" + name + ":call_" + hex(rng_, 12)
            + "] with arguments " + args);
    history.push_back({"tool", "Done, status ok."});
    wait(100, 600);
    context_dump(history, fact::not_kept, {});
  }

  std::int64_t now() const noexcept { return t_; }

private:
  void usage(const std::string& service, const char* function,
             const std::string& msg, const service_usage& u) {
    auto& st = add(fact::usage, "DEBUG",
                   "pipecat.processors.metrics.frame_processor_metrics:"
                     + std::string(function),
                   msg);
    st.service = service + "#0";
    st.usage = u;
  }

  /// Seconds as printed ("0.390s", "0.39021801948547363") → ms, with the
  /// call actor's arithmetic (value_s * 1000.0), so the doubles agree.
  static double printed_ms(const std::string& seconds) {
    double v = 0;
    std::from_chars(seconds.data(), seconds.data() + seconds.size(), v);
    return v * 1000.0;
  }

  rng_t& rng_;
  const style& s_;
  std::string id_;
  std::int64_t t_;
  std::int64_t last_kept_ = -1;
  const language_phrases& lang_;
  int interruption_frames_ = 0;
  int transcription_frames_ = 0;
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

/// The caller's mood, where the script fixes it: every user turn of a
/// positive call carries a pleased phrase and no negative word, of a
/// negative call an upset phrase and no positive word, of a neutral call
/// no word of the sentiment lexicon at all.
struct mood {
  enum class kind : std::uint8_t { chance, positive, negative, neutral };
  kind k = kind::chance;
  bool scored = true; ///< the language is one the system scores (English)

  [[nodiscard]] std::string label() const {
    if (!scored)
      return "unknown";
    switch (k) {
    case kind::positive:
      return "positive";
    case kind::negative:
      return "negative";
    case kind::neutral:
      return "neutral";
    case kind::chance:
      break;
    }
    return {};
  }

  std::string question(rng_t& rng, const language_phrases& lang) const {
    switch (scored ? k : kind::chance) {
    case kind::positive:
      return fill(rng, pick(rng, lang.plain_questions)) + ' '
             + pick(rng, lang.pleased);
    case kind::negative:
      return pick(rng, lang.upset) + ' '
             + fill(rng, pick(rng, lang.plain_questions));
    case kind::neutral:
      return fill(rng, pick(rng, lang.plain_questions));
    case kind::chance:
      break;
    }
    return fill(rng, pick(rng, lang.questions));
  }

  std::string followup(rng_t& rng, const language_phrases& lang) const {
    return fill(rng,
                pick(rng, scored && k != kind::chance ? lang.plain_followups
                                                      : lang.followups));
  }
};

mood draw_mood(rng_t& rng, const language_phrases& lang) {
  mood m;
  m.scored = std::string_view{lang.code} == "en";
  auto roll = uniform(rng, 0, 99);
  if (roll < 20)
    m.k = mood::kind::positive;
  else if (roll < 40)
    m.k = mood::kind::negative;
  else if (roll < 50)
    m.k = mood::kind::neutral;
  return m;
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
  auto lang_index = chance(rng, 85)
                      ? plan.language % langs.size()
                      : static_cast<std::size_t>(uniform(
                        rng, 0, static_cast<std::int64_t>(langs.size()) - 1));
  const auto& lang = langs[lang_index];
  auto end = draw_ending(rng);
  auto exchanges = static_cast<int>(uniform(rng, 1, 6));
  bool transcribed = chance(rng, 65);
  int fatal_at = end == ending::error
                   ? static_cast<int>(uniform(rng, 0, exchanges - 1))
                   : -1;
  int handled_error_at
    = chance(rng, 10) ? static_cast<int>(uniform(rng, 0, exchanges - 1)) : -1;
  auto caller = draw_mood(rng, lang);
  // Some STT services report a TTFB from the end of speech (not 0.0.50).
  bool stt_ttfb = !s.v050() && chance(rng, 40);

  writer w{rng, s, id, plan.start_ms, lang};
  std::vector<message> history;
  w.started();

  // Speaks `sentences` as one agent turn; true if the caller cut in.
  auto bot_turn
    = [&](const std::vector<std::string>& sentences, bool interrupt) {
        w.wait(50, 300);
        w.tts(sentences[0]);
        if (chance(rng, 80)) {
          w.wait(60, 250);
          w.ttfb(s.tts, service_kind::tts, 80, 400);
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
          if (chance(rng, 50)) {
            // A metric cut short by the interruption: misleadingly low, and
            // flagged by the system (PIPECAT_LOGS.md "Known traps").
            w.wait(5, 40);
            if (chance(rng, 50))
              w.ttfb(s.tts, service_kind::tts, 5, 60);
            else
              w.ttfb(s.llm, service_kind::llm, 5, 60);
          }
          return true;
        }
        w.wait(800, 3000);
        w.bot_speech(false);
        if (chance(rng, 70)) {
          w.wait(2, 20);
          w.tts_usage(chars);
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
    if (stt_ttfb && chance(rng, 70)) {
      w.wait(20, 60);
      w.ttfb(s.stt, service_kind::stt, 80, 350);
    }
    auto text = caller.question(rng, lang);
    if (transcribed) {
      w.wait(50, 300);
      w.transcription(text);
      if (chance(rng, 20)) {
        auto more = caller.followup(rng, lang);
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
      w.stt_usage();
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
    w.ttfb(s.llm, service_kind::llm, 150, 900);
    if (chance(rng, 20)) {
      w.wait(20, 80);
      w.function_call(history);
      w.wait(150, 600);
      w.ttfb(s.llm, service_kind::llm, 150, 700);
    }
    if (chance(rng, 70)) {
      w.wait(5, 20);
      w.llm_usage();
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
    auto last = static_cast<std::size_t>(
      uniform(rng, static_cast<std::int64_t>(first_text),
              static_cast<std::int64_t>(end_line) - 1));
    while (last > first_text && steps[last].what == fact::not_kept)
      --last;
    count = last + 1;
  }

  call_script out;
  // The analysis scores a call only in a language it knows the call is in:
  // where no line names it, the truth is "unknown" too.
  bool names_language = transcribed && s.frame_transcription;
  out.truth = fold_truth(steps, count, end == ending::lost,
                         names_language ? caller.label() : "unknown");
  out.truth.call_id = id;
  out.truth.agent_id = plan.agent_id;
  out.truth.dialect = dialect_name(d);
  out.truth.language = lang.code;
  out.truth.language_named = names_language;

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
  std::stable_sort(
    noise.begin(), noise.end(),
    [](const sim_line& a, const sim_line& b) { return a.at_ms < b.at_ms; });
  // Merge: at equal times the call's own line goes first.
  std::vector<sim_line> merged;
  merged.reserve(out.lines.size() + noise.size());
  std::merge(
    std::make_move_iterator(out.lines.begin()),
    std::make_move_iterator(out.lines.end()),
    std::make_move_iterator(noise.begin()),
    std::make_move_iterator(noise.end()), std::back_inserter(merged),
    [](const sim_line& a, const sim_line& b) { return a.at_ms < b.at_ms; });
  out.lines = std::move(merged);
  out.last_ms = out.lines.back().at_ms;
  out.noise_lines = noisy;
  out.physical_lines = kept + noisy;
  return out;
}

} // namespace sb::sim

#include "gateway/messages.hpp"

#include "gateway/context_dump.hpp"
#include "gateway/text_scan.hpp"

namespace sb::gateway {

namespace {

using namespace scan;

// -- helpers ----------------------------------------------------------------

bool emit(finding& f, signal_kind kind, std::string_view service) {
  f.what = action::emit;
  f.kind = kind;
  f.service = service;
  return true;
}

bool drop(finding& f, const char* reason) {
  f.what = action::drop;
  f.reason = reason;
  return true;
}

/// `rest` starts right after an opening '['. A closing ']' at the end ends
/// the text; without one the text continues on the next lines.
bool bracket_text(finding& f, signal_kind kind, std::string_view service,
                  std::string_view rest) {
  f.kind = kind;
  f.service = service;
  if (!rest.empty() && rest.back() == ']') {
    f.text = rest.substr(0, rest.size() - 1);
    if (trim(f.text).empty())
      return drop(f, "noise: empty text");
    f.what = action::emit;
  } else {
    f.text = rest;
    f.what = action::open_text;
  }
  return true;
}

/// "0.104s", "0.10410332679748535", "1.959s (0.1s leading silence)".
bool seconds(std::string_view s, double& out) {
  s = trim_left(s);
  if (!read_double(s, out))
    return false;
  if (!s.empty() && s[0] == 's')
    s.remove_prefix(1);
  return s.empty() || s[0] == ' ' || s[0] == ',';
}

bool metric(finding& f, signal_kind kind, std::string_view service,
            std::string_view rest) {
  double v = 0;
  if (!seconds(rest, v))
    return drop(f, "noise: metric without a number");
  f.value_s = v;
  return emit(f, kind, service);
}

// -- the keep list, by first character of the message body ---------------

bool user_or_bot_speech(finding& f, std::string_view body,
                        std::string_view service) {
  auto exact_or_detail = [](std::string_view rest) {
    return rest.empty() || rest[0] == ' ' ;
  };
  std::string_view rest = body;
  if (consume(rest, "User started speaking") && exact_or_detail(rest))
    return emit(f, signal_kind::user_started_speaking, service);
  rest = body;
  if (consume(rest, "User stopped speaking") && exact_or_detail(rest))
    return emit(f, signal_kind::user_stopped_speaking, service);
  rest = body;
  if (!consume(rest, "Bot "))
    return false;
  if (rest == "started speaking")
    return emit(f, signal_kind::bot_started_speaking, service);
  if (rest == "stopped speaking")
    return emit(f, signal_kind::bot_stopped_speaking, service);
  if (rest == "interruption") {
    f.what = action::interruption;
    f.kind = signal_kind::interruption;
    f.form = interruption_form::bot_interruption;
    f.service = service;
    return true;
  }
  if (!rest.empty() && rest[0] == '[') {
    auto close = rest.find("] ");
    if (close == std::string_view::npos)
      return false;
    auto what = rest.substr(close + 2);
    f.detail = rest.substr(1, close - 1); // the output destination
    if (what == "started speaking")
      return emit(f, signal_kind::bot_started_speaking, service);
    if (what == "stopped speaking")
      return emit(f, signal_kind::bot_stopped_speaking, service);
    f.detail = {};
  }
  return false;
}

/// A frame's `language:` value as signal::language: "Language.EN_US",
/// "en-US" and "EN" → "en-us", "en"; "None" → "" (the STT did not say).
std::string frame_language(std::string_view value) {
  value = trim(value);
  consume(value, "Language.");
  if (value == "None")
    return {};
  std::string out;
  for (char c : value) {
    if (c == '_')
      c = '-';
    else if (is_upper(c))
      c = static_cast<char>(c - 'A' + 'a');
    else if (!is_alpha(c) && c != '-')
      return {}; // not a language tag: say nothing rather than guess
    out += c;
  }
  return out;
}

/// `TranscriptionFrame#2(user: id, text: [At the tone,], language: en, ...)`
bool transcription_frame(finding& f, std::string_view body,
                         std::string_view service) {
  auto at = body.find("TranscriptionFrame#");
  if (at == std::string_view::npos)
    return false;
  if (at > 0 && is_ident(body[at - 1]))
    return false; // InterimTranscriptionFrame
  auto frame = body.substr(at);
  auto open = frame.find("text: [");
  if (open == std::string_view::npos)
    return false;
  auto user = frame.find("(user: ");
  if (user != std::string_view::npos && user < open) {
    auto u = frame.substr(user + 7, open - user - 7);
    if (ends_with(u, ", "))
      u.remove_suffix(2);
    f.detail = trim(u);
  }
  auto text = frame.substr(open + 7);
  constexpr std::string_view language_field = "], language:";
  auto close = text.find(language_field);
  if (close != std::string_view::npos) {
    auto lang = text.substr(close + language_field.size());
    f.language = frame_language(lang.substr(0, lang.find_first_of(",)")));
  } else {
    close = text.rfind(']');
  }
  if (close == std::string_view::npos)
    return false;
  f.text = text.substr(0, close);
  if (trim(f.text).empty())
    return drop(f, "noise: empty transcription");
  return emit(f, signal_kind::user_text, service);
}

bool starts_with_t(finding& f, std::string_view body,
                   std::string_view service) {
  std::string_view rest = body;
  if (consume(rest, "Transcription: ["))
    return bracket_text(f, signal_kind::user_text, service, rest);
  rest = body;
  if (consume(rest, "Transcription (from: ")) {
    auto close = rest.find("): [");
    if (close == std::string_view::npos)
      return false;
    auto from = rest.substr(0, close);
    if (!bracket_text(f, signal_kind::user_text, service,
                      rest.substr(close + 4)))
      return false;
    f.detail = from;
    return true;
  }
  rest = body;
  if (consume(rest, "TTFB:"))
    return metric(f, signal_kind::ttfb, service, rest);
  rest = body;
  if (consume(rest, "TTFA:")) {
    if (!metric(f, signal_kind::ttfa, service, rest))
      return false;
    if (f.what == action::emit) {
      auto open = rest.find('(');
      auto close = rest.rfind(')');
      if (open != std::string_view::npos && close != std::string_view::npos
          && close > open)
        f.detail = rest.substr(open + 1, close - open - 1);
    }
    return true;
  }
  if (starts_with(body, "TTFAT:"))
    return drop(f, "noise: TTFAT (time to first answer token) is not kept");
  if (starts_with(body, "TranscriptionFrame#"))
    return transcription_frame(f, body, service);
  return false;
}

bool generating(finding& f, std::string_view body, std::string_view service) {
  std::string_view rest = body;
  if (consume(rest, "Generating TTS [") || consume(rest, "Generating TTS: ["))
    return bracket_text(f, signal_kind::bot_text, service, rest);
  rest = body;
  if (consume(rest, "Generating chat")) {
    f.what = action::context_dump;
    f.kind = signal_kind::user_context_text;
    f.service = service;
    f.text = rest;
    return true;
  }
  return false;
}

bool function_call(finding& f, std::string_view rest,
                   std::string_view service) {
  // "[name:call_id] with arguments {...}" or "name with arguments {...}".
  std::string_view name;
  std::string_view after;
  if (!rest.empty() && rest[0] == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos)
      return false;
    auto inner = rest.substr(1, close - 1);
    name = inner.substr(0, inner.find(':'));
    after = rest.substr(close + 1);
  } else {
    auto end = rest.find(' ');
    name = rest.substr(0, end);
    after = end == std::string_view::npos ? std::string_view{}
                                          : rest.substr(end);
  }
  if (name.empty())
    return false;
  after = trim_left(after);
  consume(after, "with arguments");
  f.text = name;
  f.detail = trim(after);
  return emit(f, signal_kind::function_call, service);
}

bool function_result(finding& f, std::string_view rest,
                     std::string_view service) {
  rest = trim(rest);
  if (!rest.empty() && rest[0] == '[') {
    auto close = rest.find(']');
    if (close != std::string_view::npos) {
      auto inner = rest.substr(1, close - 1);
      f.text = inner.substr(0, inner.find(':'));
      f.detail = trim(rest.substr(close + 1));
      return emit(f, signal_kind::function_result, service);
    }
  }
  // Older dataclass reprs: "...(function_name='x', ..., result=...)".
  auto fn = rest.find("function_name='");
  if (fn != std::string_view::npos) {
    auto name = rest.substr(fn + 15);
    f.text = name.substr(0, name.find('\''));
  }
  f.detail = rest;
  return emit(f, signal_kind::function_result, service);
}

bool pipeline(finding& f, std::string_view body) {
  std::string_view rest = body;
  if (consume(rest, "Runner ")) {
    auto s = rest.find(" started running ");
    if (s != std::string_view::npos)
      return emit(f, signal_kind::pipeline_started, trim(rest.substr(s + 17)));
    s = rest.find(" finished running ");
    if (s != std::string_view::npos)
      return emit(f, signal_kind::pipeline_finished,
                  trim(rest.substr(s + 18)));
    return false;
  }
  rest = body;
  if (consume(rest, "Pipeline task ") || consume(rest, "Pipeline worker ")) {
    if (ends_with(rest, " has finished"))
      return emit(f, signal_kind::pipeline_finished,
                  rest.substr(0, rest.size() - 13));
    return false;
  }
  rest = body;
  if (consume(rest, "WorkerRunner '")) {
    auto close = rest.find("': ");
    if (close == std::string_view::npos)
      return false;
    auto name = rest.substr(0, close);
    auto what = rest.substr(close + 3);
    if (what == "started running")
      return emit(f, signal_kind::pipeline_started, name);
    if (what == "finished running")
      return emit(f, signal_kind::pipeline_finished, name);
    return false;
  }
  return false;
}

bool cancelling(finding& f, std::string_view body) {
  std::string_view rest = body;
  if (consume(rest, "Canceling pipeline ")
      || consume(rest, "Cancelling pipeline ")) {
    if (consume(rest, "task ") || consume(rest, "worker "))
      return emit(f, signal_kind::pipeline_cancelled, trim(rest));
  }
  return false;
}

bool interruption(finding& f, std::string_view body, std::string_view svc) {
  std::string_view rest = body;
  if (consume(rest, "received interruption task frame")
      || consume(rest, "received interruption worker frame")) {
    if (starts_with(rest, " downstream"))
      return drop(f, "noise: interruption relayed downstream (the upstream "
                     "line reports it)");
    f.what = action::interruption;
    f.kind = signal_kind::interruption;
    f.form = interruption_form::received_frame;
    f.service = svc;
    return true;
  }
  if (body == "broadcasting interruption") {
    f.what = action::interruption;
    f.kind = signal_kind::interruption;
    f.form = interruption_form::broadcasting;
    f.service = svc;
    return true;
  }
  return false;
}

bool usage(finding& f, std::string_view body, std::string_view service) {
  std::string_view rest = body;
  if (consume(rest, "usage characters: ")) {
    std::int64_t n = 0;
    if (!read_int(rest, n))
      return drop(f, "noise: usage without a number");
    f.characters = n;
    return emit(f, signal_kind::tts_usage, service);
  }
  rest = body;
  if (consume(rest, "usage audio seconds: "))
    return metric(f, signal_kind::stt_usage, service, rest);
  return false;
}

/// The optional items after the completion tokens, e.g. "cache read input
/// tokens: 1024, reasoning tokens: 64", in any order. Only the cached count
/// changes a price we compute; the text stays in `detail` for people.
std::int64_t cached_tokens(std::string_view items) {
  constexpr std::string_view cached = "cache read input tokens: ";
  while (!items.empty()) {
    auto end = items.find(", ");
    auto item = trim(items.substr(0, end));
    items = end == std::string_view::npos ? std::string_view{}
                                          : items.substr(end + 2);
    std::int64_t n = 0;
    if (consume(item, cached) && read_int(item, n) && item.empty() && n >= 0)
      return n;
  }
  return 0;
}

bool lower_p(finding& f, std::string_view body, std::string_view service) {
  std::string_view rest = body;
  if (consume(rest, "processing time:"))
    return metric(f, signal_kind::processing_time, service, rest);
  rest = body;
  if (consume(rest, "prompt tokens: ")) {
    std::int64_t prompt = 0;
    std::int64_t completion = 0;
    if (!read_int(rest, prompt) || !consume(rest, ", completion tokens: ")
        || !read_int(rest, completion))
      return drop(f, "noise: usage without numbers");
    f.prompt_tokens = prompt;
    f.completion_tokens = completion;
    consume(rest, ", ");
    f.detail = trim(rest); // cache read / reasoning tokens, if any
    f.cached_tokens = cached_tokens(f.detail);
    return emit(f, signal_kind::llm_usage, service);
  }
  return false;
}

/// Lines starting with a non-ASCII character: arrows, emoji observers, the
/// banner.
bool non_ascii(finding& f, std::string_view body, std::string_view service) {
  if (starts_with(body, "\xE2\x86\x92") || starts_with(body, "\xE2\x86\x90"))
    return drop(f, "noise: frame traffic");
  if (starts_with(body, "\xE1\x93\x9A")) { // ᓚᘏᗢ
    auto at = body.find("Pipecat ");
    if (at == std::string_view::npos || at > 16)
      return false;
    auto v = body.substr(at + 8);
    f.what = action::banner;
    f.text = v.substr(0, v.find(' '));
    return true;
  }
  if (starts_with(body, "\xE2\x8F\xB1")) { // ⏱
    constexpr std::string_view latency =
      "LATENCY FROM USER STOPPED SPEAKING TO BOT STARTED SPEAKING: ";
    auto at = body.find(latency);
    if (at == std::string_view::npos || at > 12)
      return drop(f, "noise: latency summary statistics");
    return metric(f, signal_kind::latency_summary, service,
                  body.substr(at + latency.size()));
  }
  if (starts_with(body, "\xF0\x9F\x92\xAC")) { // 💬 TranscriptionLogObserver
    constexpr std::string_view final_text = " \xE2\x86\x92 TRANSCRIPTION: ";
    auto at = body.find(final_text);
    if (at == std::string_view::npos)
      return drop(f, "noise: interim transcription");
    auto rest = body.substr(at + final_text.size());
    if (!read_string_literal(rest, f.owned) || trim(f.owned).empty())
      return drop(f, "noise: empty transcription");
    f.use_owned = true;
    consume(rest, " from ");
    std::string_view src = body.substr(5, at - 5);
    if (!rest.empty() && (rest[0] == '\'' || rest[0] == '"')) {
      auto q = rest[0];
      auto end = rest.find(q, 1);
      if (end != std::string_view::npos)
        f.detail = rest.substr(1, end - 1);
    }
    return emit(f, signal_kind::user_text, trim(src));
  }
  if (starts_with(body, "\xF0\x9F\x93\x8A")) // 📊
    return drop(f, "noise: metrics observer (the processor's own line is "
                   "kept)");
  return false;
}

bool match_body(finding& f, std::string_view body, std::string_view svc) {
  if (body.empty())
    return false;
  switch (body[0]) {
    case 'U':
    case 'B':
      return user_or_bot_speech(f, body, svc);
    case 'T':
      return starts_with_t(f, body, svc);
    case '[': {
      std::string_view rest = body;
      if (consume(rest, "[Transcription:user] ["))
        return bracket_text(f, signal_kind::user_text, svc, rest);
      return false;
    }
    case 'G':
      return generating(f, body, svc);
    case 'F': {
      std::string_view rest = body;
      if (consume(rest, "Finished TTS ["))
        return bracket_text(f, signal_kind::bot_text, svc, rest);
      rest = body;
      if (consume(rest, "FunctionCallResultFrame: "))
        return function_result(f, rest, svc);
      return false;
    }
    case 'C': {
      std::string_view rest = body;
      if (consume(rest, "Calling function "))
        return function_call(f, rest, svc);
      return cancelling(f, body);
    }
    case 'p':
      return lower_p(f, body, svc);
    case 'u':
      return usage(f, body, svc);
    case 'R':
    case 'P':
    case 'W':
      return pipeline(f, body);
    case 'I':
      if (starts_with(body, "Idle pipeline detected"))
        return emit(f, signal_kind::idle_detected, svc);
      return false;
    case 'r':
    case 'b':
      return interruption(f, body, svc);
    case 'L':
      if (starts_with(body, "Linking "))
        return drop(f, "noise: processor linking");
      return false;
    case '>':
    case '<':
      if (contains(body, " -> ") || contains(body, " <- "))
        return drop(f, "noise: frame traffic");
      return transcription_frame(f, body, svc);
    default:
      if (static_cast<unsigned char>(body[0]) >= 0x80)
        return non_ascii(f, body, svc);
      return false;
  }
}

/// The keep list: the message as is, or after a custom-named processor
/// ("my-llm: Generating TTS [...]").
bool keep_list(finding& f, std::string_view msg) {
  std::string_view rest;
  auto svc = split_processor(msg, rest);
  if (svc.empty())
    rest = msg;
  if (match_body(f, rest, svc))
    return true;
  f = finding{};
  if (svc.empty()) {
    // Frame traffic without counters in names still drops cheaply below.
    auto colon = msg.substr(0, 64).find(": ");
    if (colon != std::string_view::npos && colon > 0) {
      auto name = msg.substr(0, colon);
      if (name.find(' ') == std::string_view::npos
          && match_body(f, msg.substr(colon + 2), name))
        return true;
      f = finding{};
    }
    // `TranscriptionFrame#..` printed by user code or a FrameLogger.
    if (contains(msg, "TranscriptionFrame#") && !contains(msg, "\xE2\x86")
        && !contains(msg, " -> "))
      return transcription_frame(f, msg, {});
  }
  return false;
}

bool fatal_markers(std::string_view msg) noexcept {
  return contains(msg, "Fatal error") || contains(msg, "A fatal error occurred")
         || contains(msg, "fatal: True") || contains(msg, "FatalErrorFrame")
         || starts_with(msg, "Exception in ")
         || contains(msg, "Task exception was never retrieved")
         || contains(msg, "nhandled exception");
}

finding problem(const line_header& h, std::string_view msg) {
  finding f;
  f.what = action::problem;
  std::string_view rest;
  f.service = h.origin == log_origin::foreign ? h.module
                                              : split_processor(msg, rest);
  f.text = msg;
  if (h.level == log_level::critical)
    f.kind = signal_kind::fatal_error;
  else if (h.level == log_level::error)
    f.kind = fatal_markers(msg) ? signal_kind::fatal_error : signal_kind::error;
  else // warning
    f.kind = contains(msg, "fatal: True") || contains(msg, "FatalErrorFrame")
               ? signal_kind::fatal_error
               : signal_kind::warning;
  return f;
}

} // namespace

finding classify(const line_header& h) {
  finding f;
  if (h.level == log_level::trace) {
    f.reason = "noise: TRACE level";
    return f;
  }
  if (h.access_log) {
    f.reason = "noise: HTTP access line (uvicorn/gunicorn)";
    return f;
  }
  auto msg = trim_right(h.message);
  if (h.origin == log_origin::foreign) {
    if (h.level == log_level::error || h.level == log_level::critical)
      return problem(h, msg);
    f.reason = "noise: other logger (stdlib, uvicorn, gunicorn, SDK)";
    return f;
  }
  if (msg.empty()) {
    f.reason = "noise: empty message";
    return f;
  }
  if (keep_list(f, msg))
    return f;
  f = finding{};
  switch (h.level) {
    case log_level::warning:
      if (h.origin == log_origin::app) {
        f.reason = "noise: warning from a module outside pipecat";
        return f;
      }
      if (msg == "...and cancelling the runner."
          || msg == "Idle timeout detected.") {
        f.reason = "noise: part of the idle pipeline cancellation";
        return f;
      }
      return problem(h, msg);
    case log_level::error:
    case log_level::critical:
      return problem(h, msg);
    default:
      return f;
  }
}

bool is_traceback_start(std::string_view content) noexcept {
  auto t = trim_left(content);
  if (starts_with(t, "Traceback (most recent call last):"))
    return true;
  consume(t, "+ ");
  return starts_with(t, "Exception Group Traceback (most recent call last):");
}

bool is_exception_line(std::string_view s) noexcept {
  if (s.empty() || !(is_alpha(s[0]) || s[0] == '_'))
    return false;
  std::size_t i = 0;
  std::size_t segment = 0;
  while (i < s.size() && (is_ident(s[i]) || s[i] == '.')) {
    if (s[i] == '.')
      segment = i + 1;
    ++i;
  }
  if (segment >= i || !is_upper(s[segment]))
    return false;
  auto token = s.substr(0, i);
  if (i < s.size())
    return s[i] == ':' && token != "Traceback";
  static constexpr std::string_view suffixes[] = {
    "Error", "Exception", "Interrupt", "Exit", "Cancelled", "Timeout",
    "Closed", "Warning", "Failure"};
  for (auto suffix : suffixes)
    if (ends_with(token, suffix))
      return true;
  return false;
}

const char* noise_reason(const line_header& h) noexcept {
  auto m = h.message;
  if (h.origin == log_origin::foreign)
    return "noise: other logger (stdlib, uvicorn, gunicorn, SDK)";
  if (contains(m, "\xE2\x86\x92") || contains(m, "\xE2\x86\x90")
      || (contains(m, " -> ") && contains(m, ": ")))
    return "noise: frame traffic";
  if (contains(m, "TTSAudioRawFrame") || contains(m, "AudioRawFrame"))
    return "noise: audio frames";
  if (contains(m, "TTSTextFrame"))
    return "noise: word-by-word TTS text (the sentence is kept)";
  if (contains(m, "ICE") || contains(m, "ice ") || contains(m, "WebRTC")
      || contains(m, "webrtc") || contains(m, "SDP") || contains(m, "sdp")
      || contains(m, "aiortc") || contains(m, "ignal") // signal(l)ing
      || contains(m, "eer connection") || contains(m, "PeerConnection")
      || contains(m, "STUN") || contains(m, "TURN"))
    return "noise: WebRTC/ICE/signalling";
  if (contains(m, "atchdog"))
    return "noise: watchdog";
  if (contains(m, "eartbeat"))
    return "noise: heartbeat";
  if (contains(m, "VAD") || contains(m, "Silero") || contains(m, "oading")
      || contains(m, "model"))
    return "noise: VAD/model loading";
  if (h.level == log_level::warning && h.origin == log_origin::app)
    return "noise: warning from a module outside pipecat";
  return "noise: not in the keep list";
}

} // namespace sb::gateway

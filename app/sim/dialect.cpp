#include "sim/dialect.hpp"

#include "sim/clock_text.hpp"

#include <cstdio>

namespace sb::sim {

const char* dialect_name(dialect d) noexcept {
  switch (d) {
    case dialect::cloud_0_0_9x: return "cloud_0.0.9x";
    case dialect::cloud_1x: return "cloud_1.x";
    case dialect::journald_1x: return "journald_1.x";
    case dialect::iso_callsid: return "iso_callsid";
    case dialect::loguru_0_0_50: return "loguru_0.0.50";
  }
  return "?";
}

style make_style(rng_t& rng, dialect d) {
  style s;
  s.d = d;
  static const std::vector<std::string> llms = {
    "OpenAILLMService", "GoogleLLMService", "AnthropicLLMService",
    "GroqLLMService"};
  static const std::vector<std::string> ttss = {
    "CartesiaTTSService", "DeepgramTTSService", "ElevenLabsTTSService"};
  static const std::vector<std::string> stts = {
    "DeepgramSTTService", "WhisperSTTService", "AssemblyAISTTService"};
  static const std::vector<std::string> transports = {
    "DailyOutputTransport", "FastAPIWebsocketOutputTransport",
    "SmallWebRTCOutputTransport"};
  static const std::vector<std::string> workers = {
    "support-bot", "order-desk", "clinic-line", "travel-agent"};
  s.llm = pick(rng, llms);
  s.tts = pick(rng, ttss);
  s.stt = pick(rng, stts);
  s.transport = pick(rng, transports);
  s.worker = pick(rng, workers);
  s.new_ttfb = s.v1() || (d == dialect::cloud_0_0_9x && chance(rng, 30));
  s.speech_variant = static_cast<int>(uniform(rng, 0, 1));
  s.interruption_variant = static_cast<int>(uniform(rng, 0, 1));
  s.bot_destination = s.v1() && chance(rng, 50);
  s.daily_transcription = d == dialect::cloud_0_0_9x && chance(rng, 40);
  // No draw of its own: every other choice stays as the seed made it.
  s.frame_transcription
    = s.v1() || (d == dialect::cloud_0_0_9x && !s.daily_transcription);
  s.participant = hex(rng, 8) + "-" + hex(rng, 4) + "-4" + hex(rng, 3) + "-9"
                  + hex(rng, 3) + "-" + hex(rng, 12);
  if (d == dialect::iso_callsid) {
    static const std::vector<int> zones = {0, 60, 120, -300};
    s.zone_min = pick(rng, zones);
  } else if (d == dialect::journald_1x) {
    static const std::vector<int> zones = {0, 60, -240};
    s.zone_min = pick(rng, zones);
  }
  return s;
}

std::string format_line(const style& s, const std::string& call_id,
                        std::int64_t ms, std::string_view level,
                        std::string_view where, std::string_view message) {
  std::string out;
  out.reserve(96 + where.size() + message.size());
  switch (s.d) {
    case dialect::iso_callsid:
      out += iso_zoned_time(ms, s.zone_min);
      out += " - ";
      out += level;
      out += " - ";
      out += call_id;
      out += " - ";
      out += message;
      return out;
    case dialect::journald_1x:
      out += journald_time(ms, s.zone_min);
      out += ' ';
      out += loguru_time(ms);
      out += " | ";
      out += level;
      break;
    default: {
      out += loguru_time(ms);
      out += " | ";
      char pad[16];
      std::snprintf(pad, sizeof pad, "%-8.*s", static_cast<int>(level.size()),
                    level.data());
      out += pad;
      break;
    }
  }
  out += " | ";
  out += where;
  out += " | ";
  out += call_id;
  out += " - ";
  out += message;
  return out;
}

std::string make_call_id(rng_t& rng, const style& s) {
  if (s.d == dialect::iso_callsid)
    return "CA" + hex(rng, 32);
  return hex(rng, 8) + "-" + hex(rng, 4) + "-4" + hex(rng, 3) + "-"
         + "89ab"[uniform(rng, 0, 3)] + hex(rng, 3) + "-" + hex(rng, 12);
}

std::string seconds_text(rng_t& rng, const style& s, std::int64_t ms) {
  char buf[48];
  if (s.new_ttfb) {
    std::snprintf(buf, sizeof buf, "%lld.%03llds",
                  static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    return buf;
  }
  // Python prints the float in full: 17 significant digits or so.
  std::snprintf(buf, sizeof buf, "%lld.%03lld",
                static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  std::string out = buf;
  for (int i = 0; i < 14; ++i)
    out += static_cast<char>('0' + uniform(rng, 0, 9));
  return out;
}

namespace {

/// Appends `\uXXXX` escapes for non-ASCII (json.dumps' ensure_ascii).
void json_escaped(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '"' || c == '\\')
        out += '\\';
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    unsigned cp = 0;
    std::size_t n = 0;
    if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      n = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      n = 3;
    } else {
      cp = c & 0x07;
      n = 4;
    }
    for (std::size_t k = 1; k < n && i + k < text.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += n;
    char buf[16];
    if (cp >= 0x10000) {
      cp -= 0x10000;
      std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (cp >> 10),
                    0xDC00 + (cp & 0x3FF));
    } else {
      std::snprintf(buf, sizeof buf, "\\u%04x", cp);
    }
    out += buf;
  }
}

} // namespace

std::string quoted(const style& s, std::string_view text) {
  std::string out;
  if (s.v050()) {
    out += '"';
    json_escaped(out, text);
    out += '"';
    return out;
  }
  // Python repr: single quotes unless the text holds one and no double.
  bool single = text.find('\'') != std::string_view::npos;
  bool dbl = text.find('"') != std::string_view::npos;
  char q = single && !dbl ? '"' : '\'';
  out += q;
  for (char c : text) {
    if (c == '\\' || c == q)
      out += '\\';
    out += c;
  }
  out += q;
  return out;
}

} // namespace sb::sim

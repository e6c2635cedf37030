#include "switchboard/events/codec.hpp"

#include "switchboard/events/upcasters.hpp"

#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <sstream>
#include <type_traits>

// Each payload layout lists its fields once, in `fields(archive, payload)`:
// the current structs of event.hpp and the older layouts of upcasters.hpp.
// An entry is read with the layout of the version it was written with and
// upcast to the current struct (upcasters.hpp). A layout never changes once
// something was written with it.

namespace sb {

namespace {

/// The first byte of every encoded event; bumps only if the framing changes.
constexpr std::uint8_t frame_version = 1;

/// The first byte of a signal batch. Signals have no version of their own,
/// so the batch frame says which fields they carry: 2 added cached_tokens.
/// SB_SIGNALS keeps batches for days, so a new build still reads frame 1.
constexpr std::uint8_t batch_frame_version = 3;

template <class Ar>
void fields(Ar&, call_queued&) {}
template <class Ar>
void fields(Ar&, call_ringing&) {}
template <class Ar>
void fields(Ar&, conversation_erased&) {}

template <class Ar>
void fields(Ar& ar, call_started& x) {
  ar(x.agent_id, x.direction, x.provider, x.campaign, x.from, x.to,
     x.language);
}

template <class Ar>
void fields(Ar& ar, user_spoke& x) {
  ar(x.turn, x.part, x.text, x.started_at, x.ended_at, x.language,
     x.confidence, x.from_context);
}

template <class Ar>
void fields(Ar& ar, agent_spoke& x) {
  ar(x.turn, x.part, x.text, x.at);
}

template <class Ar>
void fields(Ar& ar, turn_latency_measured& x) {
  ar(x.turn, x.stt_ms, x.llm_ttfb_ms, x.tts_ttfb_ms, x.user_to_bot_ms,
     x.measured_during_interruption);
}

template <class Ar>
void fields(Ar& ar, tool_invoked& x) {
  ar(x.name, x.arguments, x.result, x.latency_ms, x.error);
}

template <class Ar>
void fields(Ar& ar, user_interrupted& x) {
  ar(x.turn);
}

template <class Ar>
void fields(Ar& ar, usage_recorded& x) {
  ar(x.service, x.llm_prompt_tokens, x.llm_completion_tokens, x.tts_characters,
     x.stt_seconds, x.llm_cached_tokens, x.model);
}

template <class Ar>
void fields(Ar& ar, call_ended& x) {
  ar(x.status, x.end_reason, x.ended_at, x.duration_ms);
}

template <class Ar>
void fields(Ar& ar, call_analyzed& x) {
  ar(x.summary, x.sentiment, x.tags, x.extracted_json, x.cost_json);
}

template <class Ar>
void fields(Ar& ar, recording_available& x) {
  ar(x.url);
}

template <class Ar>
void fields(Ar& ar, partition_acquired& x) {
  ar(x.partition, x.epoch, x.node_id);
}

template <class Ar>
void fields(Ar& ar, speech_changed& x) {
  ar(x.who, x.speaking);
}

template <class Ar>
void fields(Ar& ar, metric_measured& x) {
  ar(x.service, x.metric, x.value_ms, x.during_interruption);
}

template <class Ar>
void fields(Ar& ar, problem_logged& x) {
  ar(x.severity, x.service, x.message);
}

template <class Ar>
void fields(Ar& ar, turn_completed& x) {
  ar(x.turn, x.who, x.started_at, x.ended_at, x.interrupted);
}

// -- older layouts (frozen: the log holds them) ------------------------------

template <class Ar>
void fields(Ar& ar, usage_recorded_v1& x) {
  ar(x.service, x.llm_prompt_tokens, x.llm_completion_tokens,
     x.tts_characters, x.stt_seconds);
}

// -- framing ---------------------------------------------------------------

template <class Ar> void envelope_fields(Ar& ar, envelope& e) {
  ar(e.tenant_id, e.call_id, e.seq, e.epoch, e.occurred_at, e.recorded_at,
     e.source_position, e.source_index, e.source_hash, e.group_index,
     e.group_size);
}

template <class Ar>
void signal_fields(Ar& ar, signal& s, std::uint8_t frame) {
  ar(s.call_id, s.kind, s.at_us, s.service, s.text, s.detail, s.value_s,
     s.prompt_tokens, s.completion_tokens, s.characters, s.line);
  if (frame >= 2)
    ar(s.cached_tokens);
  if (frame >= 3)
    ar(s.language);
}

/// Reads the older layout of `Current` written as `version` and upcasts it;
/// false if `Current` never had that version.
template <class Current, std::size_t I = 0>
bool read_older(cereal::BinaryInputArchive& ar, std::uint16_t version,
                event_payload& out) {
  using layouts = typename older_layouts<Current>::type;
  if constexpr (I == std::tuple_size_v<layouts>) {
    return false;
  } else {
    using layout = std::tuple_element_t<I, layouts>;
    static_assert(layout::tag == Current::tag);
    if (layout::version != version)
      return read_older<Current, I + 1>(ar, version, out);
    layout old;
    fields(ar, old);
    out = upcast_to<Current>(std::move(old));
    return true;
  }
}

/// Finds the payload type with the given tag and reads it.
template <std::size_t I = 0>
bool read_payload(cereal::BinaryInputArchive& ar, std::uint16_t tag,
                  std::uint16_t version, event_payload& out,
                  std::string& error) {
  if constexpr (I == std::variant_size_v<event_payload>) {
    error = "unknown event type tag " + std::to_string(tag);
    return false;
  } else {
    using type = std::variant_alternative_t<I, event_payload>;
    if (type::tag != tag)
      return read_payload<I + 1>(ar, tag, version, out, error);
    if (version == 0 || version > type::version) {
      error = "event type " + std::to_string(tag) + " has version "
              + std::to_string(version) + ", this build reads up to "
              + std::to_string(type::version);
      return false;
    }
    if (version == type::version) {
      type value;
      fields(ar, value);
      out = std::move(value);
      return true;
    }
    if (read_older<type>(ar, version, out))
      return true;
    error = "event type " + std::to_string(tag) + " has no layout for version "
            + std::to_string(version);
    return false;
  }
}

} // namespace

std::string encode(const event& e) {
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive ar{out};
    auto env = e.env;
    ar(frame_version);
    envelope_fields(ar, env);
    std::visit(
      [&](auto payload) {
        using type = decltype(payload);
        std::uint16_t tag = type::tag, version = type::version;
        ar(tag, version);
        fields(ar, payload);
      },
      e.payload);
  }
  return std::move(out).str();
}

bool decode(std::string_view bytes, event& out, std::string& error) {
  try {
    std::istringstream in{std::string{bytes}};
    cereal::BinaryInputArchive ar{in};
    std::uint8_t frame = 0;
    ar(frame);
    if (frame != frame_version) {
      error = "unknown event frame version " + std::to_string(frame);
      return false;
    }
    envelope_fields(ar, out.env);
    std::uint16_t tag = 0, version = 0;
    ar(tag, version);
    if (!read_payload(ar, tag, version, out.payload, error))
      return false;
    // encode() writes nothing after the payload: bytes left over mean the
    // version on the entry is not the layout it holds.
    if (in.peek() != std::char_traits<char>::eof()) {
      error = "event type " + std::to_string(tag) + " version "
              + std::to_string(version) + " has bytes after its payload";
      return false;
    }
    return true;
  } catch (const std::exception& ex) {
    error = std::string{"truncated or corrupt event: "} + ex.what();
    return false;
  }
}

std::string encode(const signal_batch& b) {
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive ar{out};
    auto copy = b;
    ar(batch_frame_version, copy.tenant_id, copy.agent_id, copy.source);
    std::uint64_t n = copy.signals.size();
    ar(n);
    for (auto& s : copy.signals)
      signal_fields(ar, s, batch_frame_version);
  }
  return std::move(out).str();
}

bool decode(std::string_view bytes, signal_batch& out, std::string& error) {
  try {
    std::istringstream in{std::string{bytes}};
    cereal::BinaryInputArchive ar{in};
    std::uint8_t frame = 0;
    ar(frame);
    if (frame == 0 || frame > batch_frame_version) {
      error = "unknown signal batch frame version " + std::to_string(frame);
      return false;
    }
    ar(out.tenant_id, out.agent_id, out.source);
    std::uint64_t n = 0;
    ar(n);
    if (n > bytes.size()) { // every signal takes more than one byte
      error = "corrupt signal batch: count " + std::to_string(n);
      return false;
    }
    // Fresh values: an older frame leaves the fields it lacks (frame 1:
    // cached_tokens, frame 2: language) at their defaults.
    out.signals.assign(n, signal{});
    for (auto& s : out.signals)
      signal_fields(ar, s, frame);
    return true;
  } catch (const std::exception& ex) {
    error = std::string{"truncated or corrupt signal batch: "} + ex.what();
    return false;
  }
}

} // namespace sb

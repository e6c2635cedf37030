#pragma once

// Builders for the call pipeline's unit tests: signals dated in milliseconds
// after a fixed origin, a driver that feeds them to `process` at increasing
// stream positions, and small finders over the events that came out.

#include "call/call_pipeline.hpp"
#include "call/call_state.hpp"
#include "switchboard/events/codec.hpp"
#include "switchboard/events/event.hpp"
#include "switchboard/events/signal.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace sb::call::test {

/// The origin of every test's source time (2025-10-06 01:44:09 UTC).
constexpr time_us origin_us = 1759715049000000;

/// Source time `ms` milliseconds after the origin.
constexpr time_us at_ms(std::int64_t ms) {
  return origin_us + ms * 1000;
}

inline signal sig(signal_kind kind, std::int64_t ms, std::string text = {},
                  std::string service = {}, std::string detail = {}) {
  signal s;
  s.call_id = "call-1";
  s.kind = kind;
  s.at_us = at_ms(ms);
  s.text = std::move(text);
  s.service = std::move(service);
  s.detail = std::move(detail);
  return s;
}

/// A metric line: `seconds` for TTFB, processing time, STT audio.
inline signal metric(signal_kind kind, std::int64_t ms, std::string service,
                     double seconds) {
  auto s = sig(kind, ms, {}, std::move(service));
  s.value_s = seconds;
  return s;
}

// Shorthands for the lines a Pipecat conversation is made of.
inline signal user_started(std::int64_t ms) {
  return sig(signal_kind::user_started_speaking, ms);
}
inline signal user_stopped(std::int64_t ms) {
  return sig(signal_kind::user_stopped_speaking, ms);
}
inline signal bot_started(std::int64_t ms) {
  return sig(signal_kind::bot_started_speaking, ms);
}
inline signal bot_stopped(std::int64_t ms) {
  return sig(signal_kind::bot_stopped_speaking, ms);
}
inline signal user_says(std::int64_t ms, std::string text) {
  return sig(signal_kind::user_text, ms, std::move(text));
}
inline signal context_says(std::int64_t ms, std::string text) {
  return sig(signal_kind::user_context_text, ms, std::move(text),
             "OpenAILLMService#0");
}
inline signal bot_says(std::int64_t ms, std::string text) {
  return sig(signal_kind::bot_text, ms, std::move(text),
             "CartesiaTTSService#0");
}
inline signal interruption(std::int64_t ms) {
  return sig(signal_kind::interruption, ms);
}
inline signal llm_ttfb(std::int64_t ms, double seconds) {
  return metric(signal_kind::ttfb, ms, "OpenAILLMService#0", seconds);
}
inline signal tts_ttfb(std::int64_t ms, double seconds) {
  return metric(signal_kind::ttfb, ms, "CartesiaTTSService#0", seconds);
}
inline signal finished(std::int64_t ms) {
  return sig(signal_kind::pipeline_finished, ms, "PipelineTask#0");
}

/// Feeds signals to one call through `process`, each at the next stream
/// position, and keeps every event that came out.
struct driver {
  call_state state;
  std::uint64_t next_position = 100;
  std::string agent_id = "agent-7";
  std::string provider = "pipecat";
  std::vector<event> log; ///< every event so far, in seq order

  signal_context context_for(std::uint64_t position) const {
    signal_context ctx;
    ctx.tenant_id = "tenant-a";
    ctx.agent_id = agent_id;
    ctx.provider = provider;
    ctx.at = {position, 0};
    ctx.epoch = 3;
    ctx.now = origin_us + 999;
    return ctx;
  }

  /// The events of one signal, at the next position.
  std::vector<event> feed(const signal& s) {
    return feed_at(s, next_position++);
  }

  /// The events of one signal read at `position`, honouring the skip rule
  /// the actor applies first (an ended call's rule is the pipeline's own).
  std::vector<event> feed_at(const signal& s, std::uint64_t position) {
    if (state.already_applied(s, {position, 0}))
      return {};
    auto out = process(state, s, context_for(position));
    log.insert(log.end(), out.begin(), out.end());
    return out;
  }

  /// Every event of a whole sequence.
  std::vector<event> feed_all(const std::vector<signal>& signals) {
    std::vector<event> out;
    for (const auto& s : signals) {
      auto events = feed(s);
      out.insert(out.end(), events.begin(), events.end());
    }
    return out;
  }

  std::vector<event> fire(call_timer timer) {
    auto out = process(state, timer, 3, origin_us + 999);
    log.insert(log.end(), out.begin(), out.end());
    return out;
  }
};

template <class T>
std::vector<T> all_of(const std::vector<event>& events) {
  std::vector<T> out;
  for (const auto& e : events)
    if (auto x = std::get_if<T>(&e.payload))
      out.push_back(*x);
  return out;
}

template <class T>
std::size_t count_of(const std::vector<event>& events) {
  return all_of<T>(events).size();
}

/// The only event of type T; fails the calling test otherwise.
template <class T>
T only(const std::vector<event>& events) {
  auto xs = all_of<T>(events);
  REQUIRE(xs.size() == 1);
  return xs.front();
}

/// The type names of the events, in order: easy to compare and to read in
/// a failure message.
inline std::vector<std::string> names(const std::vector<event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.emplace_back(e.type_name());
  return out;
}

/// Bytes of an event with its wall-clock stamp removed, for equality.
inline std::string comparable(event e) {
  e.env.recorded_at = 0;
  return encode(e);
}

} // namespace sb::call::test

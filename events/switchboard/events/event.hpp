#pragma once

// The domain events: one plain struct per fact, past tense, each with a
// stable numeric tag that is never reused and a schema version. The envelope
// says whose fact it is and where it came from. See docs/adr/0001.

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <variant>
#include <vector>

namespace sb {

/// Microseconds since the Unix epoch, UTC.
using time_us = std::int64_t;

/// Lifecycle statuses of a call (DESIGN.md, state machine).
enum class call_status : std::uint8_t {
  queued = 1, ringing, active, completed, failed, declined, missed,
};
[[nodiscard]] const char* to_string(call_status s) noexcept;
/// The status named by to_string(), or nullopt for any other text.
[[nodiscard]] std::optional<call_status>
call_status_from_string(std::string_view name) noexcept;
[[nodiscard]] bool is_terminal(call_status s) noexcept;

enum class speaker : std::uint8_t { user = 1, agent = 2 };
[[nodiscard]] const char* to_string(speaker s) noexcept;

struct call_queued {
  static constexpr std::uint16_t tag = 1, version = 1;
};

struct call_ringing {
  static constexpr std::uint16_t tag = 2, version = 1;
};

struct call_started {
  static constexpr std::uint16_t tag = 3, version = 1;
  std::string agent_id;
  std::string direction; ///< inbound, outbound or web
  std::string provider;  ///< pipecat, ...
  std::string campaign;
  std::string from;
  std::string to;
  std::string language;
};

/// Part of the user's utterance; consecutive parts with no agent text
/// between form one turn.
struct user_spoke {
  static constexpr std::uint16_t tag = 4, version = 1;
  std::uint32_t turn = 0;
  std::uint32_t part = 0;
  std::string text;
  time_us started_at = 0; ///< 0 when unknown
  time_us ended_at = 0;   ///< 0 when unknown
  std::string language;
  double confidence = 0;
  bool from_context = false; ///< recovered from an LLM context dump
};

/// One sentence the agent spoke (a `Generating TTS` line); consecutive
/// sentences with no user text between form one turn.
struct agent_spoke {
  static constexpr std::uint16_t tag = 5, version = 1;
  std::uint32_t turn = 0;
  std::uint32_t part = 0;
  std::string text;
  time_us at = 0;
};

struct turn_latency_measured {
  static constexpr std::uint16_t tag = 6, version = 1;
  std::uint32_t turn = 0;  ///< the agent turn that answered
  double stt_ms = -1;      ///< -1 when not measured
  double llm_ttfb_ms = -1;
  double tts_ttfb_ms = -1;
  double user_to_bot_ms = -1;
  bool measured_during_interruption = false;
};

struct tool_invoked {
  static constexpr std::uint16_t tag = 7, version = 1;
  std::string name;
  std::string arguments;
  std::string result;
  double latency_ms = -1;
  std::string error;
};

struct user_interrupted {
  static constexpr std::uint16_t tag = 8, version = 1;
  std::uint32_t turn = 0; ///< the agent turn that was cut off, 0 if none
};

/// One usage line. Version 2 added the cached prompt tokens and the model,
/// both of which change the price; version 1 entries read as 0 and ""
/// (upcasters.hpp).
struct usage_recorded {
  static constexpr std::uint16_t tag = 9, version = 2;
  std::string service;
  std::int64_t llm_prompt_tokens = 0;
  std::int64_t llm_completion_tokens = 0;
  std::int64_t tts_characters = 0;
  double stt_seconds = 0;
  // v2. The `{}` keeps `usage_recorded{service, ...}` initialisers that stop
  // at the v1 fields free of -Wmissing-field-initializers.
  std::int64_t llm_cached_tokens = 0; ///< of the prompt tokens, read from cache
  std::string model{};                ///< empty when the log does not say
};

struct call_ended {
  static constexpr std::uint16_t tag = 10, version = 1;
  call_status status = call_status::completed;
  std::string end_reason;
  time_us ended_at = 0;
  std::int64_t duration_ms = 0;
};

struct call_analyzed {
  static constexpr std::uint16_t tag = 11, version = 1;
  std::string summary;
  std::string sentiment;
  std::vector<std::string> tags;
  std::string extracted_json;
  std::string cost_json;
};

struct recording_available {
  static constexpr std::uint16_t tag = 12, version = 1;
  std::string url;
};

struct conversation_erased {
  static constexpr std::uint16_t tag = 13, version = 1;
};

/// Fencing marker: the node that owns a partition from now on, and its
/// epoch. Readers ignore later events stamped with an older epoch.
struct partition_acquired {
  static constexpr std::uint16_t tag = 14, version = 1;
  std::uint32_t partition = 0;
  std::uint64_t epoch = 0;
  std::string node_id;
};

/// A voice-activity edge. Recorded so that a rehydrated call knows the
/// timing of a turn still in progress.
struct speech_changed {
  static constexpr std::uint16_t tag = 15, version = 1;
  speaker who = speaker::user;
  bool speaking = false;
};

/// A service metric line: TTFB, processing time, time to first audio.
struct metric_measured {
  static constexpr std::uint16_t tag = 16, version = 1;
  std::string service;
  std::string metric; ///< ttfb, processing, ttfa
  double value_ms = 0;
  bool during_interruption = false;
};

/// A warning or error; fatal ones decide the call's end.
struct problem_logged {
  static constexpr std::uint16_t tag = 17, version = 1;
  std::string severity; ///< warning, error, fatal
  std::string service;
  std::string message;
};

/// A turn is over: the other speaker took over or the call ended.
struct turn_completed {
  static constexpr std::uint16_t tag = 18, version = 1;
  std::uint32_t turn = 0;
  speaker who = speaker::user;
  time_us started_at = 0;
  time_us ended_at = 0;
  bool interrupted = false;
};

using event_payload =
  std::variant<call_queued, call_ringing, call_started, user_spoke,
               agent_spoke, turn_latency_measured, tool_invoked,
               user_interrupted, usage_recorded, call_ended, call_analyzed,
               recording_available, conversation_erased, partition_acquired,
               speech_changed, metric_measured, problem_logged,
               turn_completed>;

/// Who, when and from where; the same for every event type.
struct envelope {
  std::string tenant_id;
  std::string call_id;     ///< empty for partition markers
  std::uint64_t seq = 0;   ///< 1..n within the call; 0 for markers
  std::uint64_t epoch = 0; ///< the partition owner's lease epoch
  time_us occurred_at = 0; ///< source time
  time_us recorded_at = 0; ///< wall time when the call actor decided it
  std::uint64_t source_position = 0; ///< SB_SIGNALS stream sequence
  std::uint32_t source_index = 0;    ///< the signal's index in that batch
  std::uint64_t source_hash = 0;     ///< content hash of the signal
  /// This event's place among those one decision (one signal or timer)
  /// produced: a reader that finds a group cut short by a crash leaves it
  /// out, and the signal is decided again (docs/adr/0003).
  std::uint16_t group_index = 0;
  std::uint16_t group_size = 1;
};

struct event {
  envelope env;
  event_payload payload;

  /// "<call_id>:<seq>:<epoch>": the Nats-Msg-Id. A writer's retries of one
  /// event share it (deduplicated); a new owner that decides the same seq
  /// again after fencing does not, so its event is stored rather than
  /// dropped as a duplicate of the fenced one (docs/adr/0002).
  [[nodiscard]] std::string id() const;
  [[nodiscard]] std::uint16_t type_tag() const noexcept;
  [[nodiscard]] const char* type_name() const noexcept;
};

} // namespace sb

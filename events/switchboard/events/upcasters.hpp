#pragma once

// The layouts event types had before their current version, and one named
// step from each to the next. Decoding reads the layout an entry was written
// with and upcasts it step by step to the current struct (docs/adr/0001,
// "Schema evolution"). A layout here is frozen: it is what the log holds.
//
// Giving a type a new version:
// 1. copy its struct here as `<name>_v<n>` (version = n, fields as they are),
//    and move its `fields()` in codec.cpp to that layout unchanged;
// 2. list the layout in `older_layouts<name>` below, oldest first;
// 3. write `upcast(const <name>_v<n>&)` returning the next version (the
//    current struct, or `<name>_v<n+1>` if that is older still);
// 4. in event.hpp bump the version and append the new fields, then write the
//    new `fields()` and a new golden corpus file.

#include "switchboard/events/event.hpp"

#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>

namespace sb {

/// usage_recorded as version 1 wrote it: no cached tokens, no model.
struct usage_recorded_v1 {
  static constexpr std::uint16_t tag = usage_recorded::tag, version = 1;
  std::string service;
  std::int64_t llm_prompt_tokens = 0;
  std::int64_t llm_completion_tokens = 0;
  std::int64_t tts_characters = 0;
  double stt_seconds = 0;
};

/// v1 → v2: nothing was cached as far as v1 knew, and no model was named.
[[nodiscard]] usage_recorded upcast(const usage_recorded_v1& v1);

/// The older layouts of `T` that the decoder reads, oldest first; empty
/// for a type still at version 1.
template <class T>
struct older_layouts {
  using type = std::tuple<>;
};

template <>
struct older_layouts<usage_recorded> {
  using type = std::tuple<usage_recorded_v1>;
};

/// Applies upcast() until the value is a `Current`: an entry several
/// versions old passes through every step in order.
template <class Current, class Layout>
[[nodiscard]] Current upcast_to(Layout value) {
  if constexpr (std::is_same_v<Layout, Current>)
    return value;
  else
    return upcast_to<Current>(upcast(value));
}

} // namespace sb

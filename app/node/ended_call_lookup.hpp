#pragma once

// The node's `ended_calls` actor: answers the call router's "have these
// calls ended long ago?" from the sessions projection in PostgreSQL. A
// detached actor with its own connection, because libpqxx blocks.

#include "actors.hpp"
#include "switchboard/db/store.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>

namespace sb::app {

struct ended_call_lookup_state {
  static inline const char* name = "ended_call_lookup";
  std::shared_ptr<db::store> store; ///< used by this actor alone
};

/// The trimmed state of an ended session (what the router keeps of an
/// ended call), or nullopt if the session has not ended.
[[nodiscard]] std::optional<call::call_state>
ended_state_of(const db::session_record& session);

/// Spawn with caf::detached. Store errors answer as errors (the router
/// asks again later).
sb::ended_calls::behavior_type ended_call_lookup_impl(
  sb::ended_calls::stateful_pointer<ended_call_lookup_state> self,
  std::shared_ptr<db::store> store);

} // namespace sb::app

#include "node/ended_call_lookup.hpp"

#include <caf/sec.hpp>

namespace sb::app {

std::optional<call::call_state>
ended_state_of(const db::session_record& session) {
  auto status = call_status_from_string(session.status);
  if (!status || !is_terminal(*status))
    return std::nullopt;
  call::call_state st;
  st.tenant_id = session.tenant_id;
  st.call_id = session.id;
  st.agent_id = session.agent_id;
  st.seq = session.last_seq; // the next event of the call continues here
  st.status = status;
  st.end_reason = session.end_reason;
  st.started_at = session.started_at;
  st.last_line_at = session.ended_at;
  return st;
}

sb::ended_calls::behavior_type ended_call_lookup_impl(
  sb::ended_calls::stateful_pointer<ended_call_lookup_state> self,
  std::shared_ptr<db::store> store) {
  self->state.store = std::move(store);
  return {
    [self](lookup_atom, const std::vector<std::string>& ids)
      -> caf::result<std::vector<call::call_state>> {
      auto sessions = self->state.store->load_sessions(ids);
      if (!sessions)
        return caf::make_error(caf::sec::runtime_error,
                               db::describe(sessions.error()));
      std::vector<call::call_state> ended;
      for (const auto& s : *sessions)
        if (auto st = ended_state_of(s))
          ended.push_back(std::move(*st));
      return ended;
    },
  };
}

} // namespace sb::app

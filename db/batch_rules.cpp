#include "batch_rules.hpp"

#include "switchboard/db/errors.hpp"

#include <limits>
#include <string_view>

namespace sb::db::detail {

namespace {

constexpr auto max_position
  = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

bool has_nul(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

bool has_nul(const session_record& s) {
  for (const auto* field :
       {&s.id, &s.tenant_id, &s.agent_id, &s.status, &s.end_reason,
        &s.direction, &s.provider, &s.campaign, &s.language, &s.first_user_text,
        &s.first_agent_text, &s.sentiment, &s.main_request, &s.summary,
        &s.success, &s.provider_summary, &s.provider_sentiment,
        &s.provider_verdict})
    if (has_nul(*field))
      return true;
  for (const auto* list : {&s.tags, &s.provider_tags})
    for (const auto& tag : *list)
      if (has_nul(tag))
        return true;
  return false;
}

bool has_nul(const turn_record& t) {
  return has_nul(t.session_id) || has_nul(t.tenant_id) || has_nul(t.speaker)
         || has_nul(t.text) || has_nul(t.sentiment);
}

} // namespace

const std::string& projection_of(const projection_batch& batch) {
  return batch.next.projection;
}

caf::error validate(const projection_batch& batch) {
  auto fail = [](std::string msg) {
    return make_error(db_errc::invalid_argument, std::move(msg));
  };
  const auto& name = projection_of(batch);
  if (name.empty() || has_nul(name))
    return fail("commit: missing projection name");
  if (!batch.previous.projection.empty() && batch.previous.projection != name)
    return fail("commit: previous and next checkpoints name different "
                "projections");
  if (batch.previous.position > max_position
      || batch.next.position > max_position)
    return fail("commit: checkpoint position beyond int64");
  for (const auto* rows : {&batch.sessions, &batch.new_sessions})
    for (const auto& s : *rows)
      if (s.id.empty() || has_nul(s))
        return fail("commit: session without id or with a NUL byte");
  for (const auto* rows : {&batch.turns, &batch.new_turns})
    for (const auto& t : *rows)
      if (t.session_id.empty() || has_nul(t))
        return fail("commit: turn without session id or with a NUL byte");
  return caf::none;
}

double normalized_latency(double ms) {
  return ms < 0 ? -1 : ms;
}

std::map<std::string, std::int64_t>
promoted_sessions(const projection_batch& batch) {
  std::map<std::string, std::int64_t> result;
  for (const auto* rows : {&batch.sessions, &batch.new_sessions})
    for (const auto& s : *rows)
      if (s.started_at != 0)
        result[s.id] = s.started_at;
  return result;
}

} // namespace sb::db::detail

#include "gateway/pipecat_parser.hpp"
#include "switchboard/events/calendar.hpp"

#include <nlohmann/json.hpp>

namespace sb::gateway {

std::string to_json_line(const signal& s) {
  nlohmann::ordered_json j;
  j["call_id"] = s.call_id;
  j["kind"] = to_string(s.kind);
  j["at"] = format_iso8601_ms(s.at_us);
  j["line"] = s.line;
  if (!s.service.empty())
    j["service"] = s.service;
  if (!s.text.empty())
    j["text"] = s.text;
  if (!s.detail.empty())
    j["detail"] = s.detail;
  if (s.value_s != 0)
    j["value_s"] = s.value_s;
  if (s.prompt_tokens != 0)
    j["prompt_tokens"] = s.prompt_tokens;
  if (s.completion_tokens != 0)
    j["completion_tokens"] = s.completion_tokens;
  if (s.cached_tokens != 0)
    j["cached_tokens"] = s.cached_tokens;
  if (s.characters != 0)
    j["characters"] = s.characters;
  // Signals hold valid UTF-8; replace rather than throw should one not.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace sb::gateway

#include "ingest/dead_letters.hpp"

#include "ingest/ingest_limits.hpp"

#include "gateway/pipecat_parser.hpp"
#include "gateway/utf8.hpp"

#include <nlohmann/json.hpp>

namespace sb::app {

dead_letter_record too_large_letter(const signal& s, std::size_t encoded_bytes,
                                    std::size_t message_bytes) {
  dead_letter_record r;
  r.line = s.line;
  r.reason = "too_large: the " + std::string{to_string(s.kind)}
             + " signal takes " + std::to_string(encoded_bytes)
             + " bytes, one message holds at most "
             + std::to_string(message_bytes);
  auto json = gateway::to_json_line(s);
  r.raw = gateway::utf8::sanitize(json, dead_letter_raw_bytes);
  r.raw_bytes = json.size();
  return r;
}

std::string to_json(const dead_letter_record& record, std::size_t max_bytes) {
  nlohmann::json j{
    {"source", record.source},       {"tenant_id", record.tenant_id},
    {"agent_id", record.agent_id},   {"line", record.line},
    {"reason", record.reason},       {"raw", record.raw},
    {"raw_bytes", record.raw_bytes}, {"received_at_us", record.received_at_us}};
  auto dump = [&j] {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  auto out = dump();
  // Escaping may double `raw` (quotes, backslashes): cut until it fits.
  auto raw = record.raw;
  while (out.size() > max_bytes && !raw.empty()) {
    auto over = out.size() - max_bytes;
    auto keep = raw.size() > over ? raw.size() - over : 0;
    raw = gateway::utf8::sanitize(raw, keep);
    j["raw"] = raw;
    out = dump();
  }
  return out;
}

} // namespace sb::app

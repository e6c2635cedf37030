#include "http/ingest_handlers.hpp"

#include "http/auth.hpp"
#include "http/query.hpp"

#include "gateway/neutral_events.hpp"

#include <caf/error.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <initializer_list>
#include <optional>

namespace sb::app::http {

namespace {

constexpr std::size_t max_call_id_bytes = 128;

struct ingest_params {
  std::string agent_id;
  std::string call_id;
};

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9');
}

bool valid_call_id(const std::string& id) {
  if (id.empty() || id.size() > max_call_id_bytes)
    return false;
  return std::none_of(id.begin(), id.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

/// Reads and checks the query; the error reply if it is not acceptable.
std::optional<reply> read_params(std::string_view query,
                                 std::initializer_list<std::string_view> known,
                                 ingest_params& out) {
  query_params params;
  std::string error;
  if (!parse_query(query, params, error))
    return error_reply(400, "invalid_query", error);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& name = params[i].first;
    if (std::find(known.begin(), known.end(), name) == known.end())
      return error_reply(400, "unknown_parameter",
                         "unknown query parameter '" + name + "'",
                         {{"parameter", name}});
    for (std::size_t j = 0; j < i; ++j)
      if (params[j].first == name)
        return error_reply(400, "duplicate_parameter",
                           "query parameter '" + name + "' given twice",
                           {{"parameter", name}});
  }
  auto agent = find_param(params, "agent_id");
  if (!agent || agent->empty())
    return error_reply(400, "missing_agent_id",
                       "the agent_id query parameter is required");
  if (!valid_agent_id(*agent))
    return error_reply(400, "invalid_agent_id",
                       "agent_id must match "
                       "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$");
  out.agent_id = std::move(*agent);
  if (auto call = find_param(params, "call_id")) {
    if (!valid_call_id(*call))
      return error_reply(400, "invalid_call_id",
                         "call_id must be 1..128 bytes without control "
                         "characters");
    out.call_id = std::move(*call);
  }
  return std::nullopt;
}

/// Authentication, role, query and body checks shared by both endpoints.
std::optional<reply> admit(api_context& ctx, const request_view& req,
                           std::initializer_list<std::string_view> known,
                           db::principal& who, ingest_params& params) {
  auto auth = authenticate(ctx, req.authorization);
  if (!auth.who)
    return std::move(auth.failure);
  if (!may_ingest(*auth.who))
    return forbidden(*auth.who, "ingest");
  if (auto bad = read_params(req.query, known, params))
    return bad;
  if (req.body.empty())
    return error_reply(400, "empty_body", "the request body is empty");
  if (ctx.config.ingest == nullptr)
    return error_reply(503, "unavailable", "ingestion is not configured");
  who = std::move(*auth.who);
  return std::nullopt;
}

reply accepted(const ingest_report& report) {
  reply r;
  r.status = 202;
  r.body = {{"lines", report.lines},
            {"kept", report.kept},
            {"dropped", report.dropped},
            {"dead_lettered", report.dead_lettered},
            {"call_ids", report.call_ids}};
  if (report.too_large > 0) // of dead_lettered, README "Limits"
    r.body["too_large"] = report.too_large;
  if (!report.generated_call_id.empty())
    r.body["call_id"] = report.generated_call_id;
  return r;
}

reply ingest_failed(const caf::error& err, const std::string& agent_id) {
  spdlog::warn("api: ingest for agent {} failed: {}", agent_id,
               caf::to_string(err));
  return error_reply(503, "unavailable",
                     "the signals could not be stored; nothing was stored, "
                     "retry later");
}

} // namespace

bool valid_agent_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64 || !is_alnum(id.front()))
    return false;
  return std::all_of(id.begin() + 1, id.end(), [](char c) {
    return is_alnum(c) || c == '_' || c == '.' || c == ':' || c == '-';
  });
}

reply handle_ingest_pipecat(api_context& ctx, const request_view& req) {
  db::principal who;
  ingest_params params;
  if (auto bad = admit(ctx, req, {"agent_id", "call_id"}, who, params))
    return std::move(*bad);
  ingest_request in;
  in.tenant_id = who.tenant_id;
  in.agent_id = params.agent_id;
  in.call_id = params.call_id;
  in.body = req.body;
  auto report = ctx.config.ingest->ingest_pipecat(in);
  if (!report)
    return ingest_failed(report.error(), params.agent_id);
  return accepted(*report);
}

reply handle_ingest_events(api_context& ctx, const request_view& req) {
  db::principal who;
  ingest_params params;
  if (auto bad = admit(ctx, req, {"agent_id"}, who, params))
    return std::move(*bad);
  std::vector<signal> signals;
  std::string error;
  std::size_t bad_index = gateway::no_index;
  if (!gateway::parse_neutral_events(req.body, signals, error, bad_index)) {
    if (bad_index == gateway::no_index)
      return error_reply(400, "invalid_json", error);
    return error_reply(400, "invalid_event", error, {{"index", bad_index}});
  }
  if (signals.empty())
    return accepted(ingest_report{});
  auto report = ctx.config.ingest->ingest_signals(
    who.tenant_id, params.agent_id, std::move(signals));
  if (!report)
    return ingest_failed(report.error(), params.agent_id);
  return accepted(*report);
}

} // namespace sb::app::http

#include "http/active_conversations.hpp"

#include "http/json_values.hpp"
#include "http/param_reader.hpp"
#include "http/read_request.hpp"

namespace sb::app::http {

nlohmann::json live_call_json(const db::live_call_record& c) {
  auto text = [](const std::string& s) -> nlohmann::json {
    if (s.empty())
      return nullptr;
    return s;
  };
  return {{"id", c.call_id},
          {"agent_id", text(c.agent_id)},
          {"status", text(c.status)},
          {"started_at", json_time(c.started_at)},
          {"last_activity_at", json_time(c.last_activity_at)},
          {"turn_count", c.turn_count},
          {"last_utterance", text(c.last_utterance)}};
}

reply handle_active_conversations(api_context& ctx, const request_view& req) {
  auto in = admit_read(ctx, req);
  if (in.refusal)
    return std::move(*in.refusal);
  param_reader r{in.params};
  auto limit = r.integer("limit", 1, 1000).value_or(200);
  if (auto refused = r.refusal())
    return std::move(*refused);

  caf::error err;
  auto store = ctx.stores.acquire(err);
  if (!store)
    return store_error_reply(err);
  auto live = store->list_active_calls(in.who.tenant_id,
                                       static_cast<std::size_t>(limit));
  if (!live)
    return failed_store_call(store, live.error());
  auto items = nlohmann::json::array();
  for (const auto& c : live->items)
    items.push_back(live_call_json(c));
  reply out;
  out.body = {{"items", std::move(items)}, {"count", live->count}};
  return out;
}

} // namespace sb::app::http

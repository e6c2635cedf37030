#include "http/analytics_answer.hpp"

namespace sb::app::http {

reply answer_analytics(api_context& ctx, const std::string& tenant_id,
                       std::string_view endpoint,
                       const std::string& request_key,
                       const analytics_compute& compute) {
  caf::error err;
  auto store = ctx.stores.acquire(err);
  if (!store)
    return store_error_reply(err);
  auto stamp = ctx.analytics.stamp(*store.operator->(), err);
  if (!stamp)
    return failed_store_call(store, err);
  // The tenant's length first: no tenant id can make another's key.
  auto key = std::to_string(tenant_id.size()) + ':' + tenant_id + ' '
             + std::string{endpoint} + ' ' + request_key;
  reply out;
  out.serialized = ctx.analytics.find(key, *stamp);
  if (out.serialized) {
    out.headers.emplace_back("X-Switchboard-Cache", "hit");
    return out;
  }
  auto body = compute(*store.operator->());
  if (!body)
    return failed_store_call(store, body.error());
  out.serialized = std::make_shared<const std::string>(to_body(*body));
  ctx.analytics.put(key, std::move(*stamp), out.serialized);
  out.headers.emplace_back("X-Switchboard-Cache", "miss");
  return out;
}

} // namespace sb::app::http

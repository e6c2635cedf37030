#pragma once

// The way every analytics endpoint answers once its parameters are read:
// from the analytics cache while no projection has moved since the answer
// was computed, else computed on a borrowed store and kept. A store that
// fails gives the usual 503/500 (store_error_reply). The header
// `X-Switchboard-Cache: hit|miss` says which it was.

#include "http/api_context.hpp"
#include "http/reply.hpp"

#include "switchboard/db/store.hpp"

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace sb::app::http {

using analytics_compute
  = std::function<caf::expected<nlohmann::json>(db::store&)>;

/// `request_key` names the answer within the tenant and endpoint (the
/// canonical parameters); `compute` makes it on a cache miss.
[[nodiscard]] reply answer_analytics(api_context& ctx,
                                     const std::string& tenant_id,
                                     std::string_view endpoint,
                                     const std::string& request_key,
                                     const analytics_compute& compute);

} // namespace sb::app::http

#include "http/read_request.hpp"

#include "http/auth.hpp"

namespace sb::app::http {

read_request admit_read(api_context& ctx, const request_view& req) {
  read_request out;
  auto auth = authenticate(ctx, req.authorization);
  if (!auth.who) {
    out.refusal = std::move(auth.failure);
    return out;
  }
  if (!may_read(*auth.who)) {
    out.refusal = forbidden(*auth.who, "read conversations or analytics");
    return out;
  }
  std::string error;
  if (!parse_query(req.query, out.params, error)) {
    out.refusal = error_reply(400, "invalid_query", error);
    return out;
  }
  out.who = std::move(*auth.who);
  return out;
}

} // namespace sb::app::http

#include "http/health_handler.hpp"

namespace sb::app::http {

reply handle_healthz(const health_probe& probe) {
  reply r;
  nlohmann::json fields = nlohmann::json::object();
  if (probe) {
    try {
      fields = probe();
    } catch (const std::exception& e) {
      fields = {{"status", "error"}, {"error", e.what()}};
    }
    if (!fields.is_object())
      fields = {{"status", "error"}, {"error", "probe returned no object"}};
  }
  if (!fields.contains("status"))
    fields["status"] = "ok";
  r.status = fields["status"] == "ok" ? 200 : 503;
  r.body = std::move(fields);
  return r;
}

} // namespace sb::app::http

#pragma once

// GET /healthz: no authentication; 200 with the probe's fields when its
// "status" is "ok", else 503 with the same fields.

#include "http/api_config.hpp"
#include "http/reply.hpp"

namespace sb::app::http {

[[nodiscard]] reply handle_healthz(const health_probe& probe);

} // namespace sb::app::http

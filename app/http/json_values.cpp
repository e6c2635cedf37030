#include "http/json_values.hpp"

#include "switchboard/events/calendar.hpp"

namespace sb::app::http {

nlohmann::json json_time(std::int64_t us) {
  if (us == 0)
    return nullptr;
  return sb::format_iso8601_ms(us);
}

nlohmann::json json_usd(std::int64_t micros) {
  return static_cast<double>(micros) / 1e6;
}

} // namespace sb::app::http

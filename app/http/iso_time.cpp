#include "http/iso_time.hpp"

#include "switchboard/events/calendar.hpp"

namespace sb::app::http {

nlohmann::json json_time(std::int64_t us) {
  if (us == 0)
    return nullptr;
  return sb::format_iso8601_ms(us);
}

} // namespace sb::app::http

#include "switchboard/db/errors.hpp"

#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace sb::db {

caf::error make_error(db_errc code, std::string message) {
  return caf::error{static_cast<std::uint8_t>(code), db_category,
                    caf::make_message(std::move(message))};
}

namespace {

const char* name_of(std::uint8_t code) {
  switch (static_cast<db_errc>(code)) {
  case db_errc::unavailable:
    return "unavailable";
  case db_errc::checkpoint_conflict:
    return "checkpoint_conflict";
  case db_errc::query_failed:
    return "query_failed";
  case db_errc::migration_failed:
    return "migration_failed";
  case db_errc::invalid_argument:
    return "invalid_argument";
  }
  return "unknown";
}

} // namespace

std::string describe(const caf::error& err) {
  if (!err)
    return "no error";
  std::string result;
  if (err.category() == db_category)
    result = std::string{"db."} + name_of(err.code());
  else
    result = "error " + std::to_string(err.code());
  if (!err.context().empty() && err.context().match_elements<std::string>())
    result += ": " + err.context().get_as<std::string>(0);
  return result;
}

} // namespace sb::db

#include "pg_util.hpp"

#include "switchboard/db/errors.hpp"

#include <pqxx/except>
#include <pqxx/nontransaction>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace sb::db::detail {

std::unique_ptr<pqxx::connection> open_connection(const std::string& url) {
  auto conn = std::make_unique<pqxx::connection>(url);
  pqxx::nontransaction tx{*conn};
  tx.exec("set client_min_messages to warning");
  return conn;
}

namespace {

/// libpq messages end in a newline and sometimes carry a second line.
std::string one_line(std::string text) {
  for (auto& c : text)
    if (c == '\n')
      c = ' ';
  while (!text.empty() && text.back() == ' ')
    text.pop_back();
  return text;
}

} // namespace

caf::error translate_current_exception(std::string_view context,
                                       db_errc otherwise) {
  auto msg = std::string{context};
  msg += ": ";
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    return make_error(db_errc::unavailable, msg + one_line(e.what()));
  } catch (const pqxx::in_doubt_error& e) {
    return make_error(db_errc::unavailable, msg + one_line(e.what()));
  } catch (const pqxx::sql_error& e) {
    return make_error(otherwise,
                      msg + "[" + e.sqlstate() + "] " + one_line(e.what()));
  } catch (const std::invalid_argument& e) {
    return make_error(db_errc::invalid_argument, msg + one_line(e.what()));
  } catch (const std::exception& e) {
    return make_error(otherwise, msg + one_line(e.what()));
  } catch (...) {
    return make_error(otherwise, msg + "unknown error");
  }
}

bool current_exception_is_disconnect() {
  try {
    throw;
  } catch (const pqxx::broken_connection&) {
    return true;
  } catch (const pqxx::in_doubt_error&) {
    return true;
  } catch (...) {
    return false;
  }
}

void check_no_nul(std::string_view text) {
  if (text.find('\0') != std::string_view::npos)
    throw std::invalid_argument{"text holds a NUL byte"};
}

void append_copy_field(std::string& line, std::string_view value) {
  for (auto c : value) {
    switch (c) {
    case '\\':
      line += "\\\\";
      break;
    case '\t':
      line += "\\t";
      break;
    case '\n':
      line += "\\n";
      break;
    case '\r':
      line += "\\r";
      break;
    default:
      line += c;
    }
  }
}

std::string epochs_json(const std::map<std::uint32_t, std::uint64_t>& m) {
  std::string out = "{";
  for (const auto& [partition, epoch] : m) {
    if (out.size() > 1)
      out += ',';
    out += '"' + std::to_string(partition) + "\":" + std::to_string(epoch);
  }
  return out + "}";
}

} // namespace sb::db::detail

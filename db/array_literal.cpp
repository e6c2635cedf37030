#include "switchboard/db/array_literal.hpp"

#include "pg_util.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace sb::db {

array_literal::array_literal() : text_("{") {
  // nop
}

void array_literal::separate() {
  if (!empty_)
    text_ += ',';
  empty_ = false;
}

void array_literal::add(std::string_view text) {
  detail::check_no_nul(text);
  separate();
  text_ += '"';
  for (auto c : text) {
    if (c == '"' || c == '\\')
      text_ += '\\';
    text_ += c;
  }
  text_ += '"';
}

void array_literal::add(std::int64_t value) {
  separate();
  text_ += std::to_string(value);
}

void array_literal::add(std::int32_t value) {
  separate();
  text_ += std::to_string(value);
}

void array_literal::add(bool value) {
  separate();
  text_ += value ? 't' : 'f';
}

void array_literal::add(double value) {
  separate();
  if (std::isnan(value)) {
    text_ += "NaN";
  } else if (std::isinf(value)) {
    text_ += value > 0 ? "Infinity" : "-Infinity";
  } else {
    // Shortest exact form, independent of the C locale.
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof(buf), value);
    text_.append(buf, res.ptr);
  }
}

void array_literal::add_null() {
  separate();
  text_ += "NULL";
}

const std::string& array_literal::str() {
  if (!closed_) {
    text_ += '}';
    closed_ = true;
  }
  return text_;
}

} // namespace sb::db

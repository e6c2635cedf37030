#include "http/query.hpp"

namespace sb::app::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool decode(std::string_view in, std::string& out) {
  auto decoded = percent_decode(in, true);
  if (!decoded)
    return false;
  out = std::move(*decoded);
  return true;
}

} // namespace

std::optional<std::string> percent_decode(std::string_view in,
                                          bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= in.size())
        return std::nullopt;
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

bool parse_query(std::string_view query, query_params& out,
                 std::string& error) {
  out.clear();
  while (!query.empty()) {
    auto amp = query.find('&');
    auto piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{}
                                          : query.substr(amp + 1);
    if (piece.empty())
      continue;
    auto eq = piece.find('=');
    auto raw_name = piece.substr(0, eq);
    auto raw_value = eq == std::string_view::npos ? std::string_view{}
                                                  : piece.substr(eq + 1);
    std::string name, value;
    if (!decode(raw_name, name) || !decode(raw_value, value)) {
      error = "bad percent-encoding in the query string";
      return false;
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

std::optional<std::string> find_param(const query_params& params,
                                      std::string_view name) {
  for (const auto& [key, value] : params)
    if (key == name)
      return value;
  return std::nullopt;
}

} // namespace sb::app::http

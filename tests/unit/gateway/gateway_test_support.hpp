#pragma once

// Helpers shared by the gateway's unit tests.

#include "gateway/pipecat_parser.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace sb::gateway::test {

inline parse_options options(std::string request_call_id = {},
                             std::string generated = "gen-1") {
  parse_options o;
  o.request_call_id = std::move(request_call_id);
  o.generated_call_id = std::move(generated);
  return o;
}

inline parse_result parse(std::string_view body,
                          const parse_options& o = options()) {
  return parse_pipecat(body, o);
}

/// A default-format loguru line (level padded to 8).
inline std::string loguru(std::string_view time, std::string_view level,
                          std::string_view location, std::string_view msg) {
  std::string lv{level};
  lv.resize(lv.size() < 8 ? 8 : lv.size(), ' ');
  std::string s{time};
  s += " | ";
  s += lv;
  s += " | ";
  s += location;
  s += " - ";
  s += msg;
  return s;
}

/// A DEBUG line of pipecat at a fixed time.
inline std::string debug(std::string_view msg,
                         std::string_view time = "2025-10-06 01:44:09.485") {
  return loguru(time, "DEBUG", "pipecat.module:function:1", msg);
}

/// The one signal a body yields (fails the test otherwise).
inline signal one(std::string_view body, const parse_options& o = options()) {
  auto r = parse_pipecat(body, o);
  INFO("body: " << body);
  REQUIRE(r.signals.size() == 1);
  return r.signals.front();
}

inline std::vector<signal> of_kind(const parse_result& r, signal_kind k) {
  std::vector<signal> out;
  for (const auto& s : r.signals)
    if (s.kind == k)
      out.push_back(s);
  return out;
}

inline std::vector<signal> of_call(const parse_result& r,
                                   std::string_view call_id) {
  std::vector<signal> out;
  for (const auto& s : r.signals)
    if (s.call_id == call_id)
      out.push_back(s);
  return out;
}

inline std::string read_fixture(std::string_view name) {
  std::string path = SB_SOURCE_DIR;
  path += "/tests/fixtures/pipecat/";
  path += name;
  std::ifstream in{path, std::ios::binary};
  INFO("fixture: " << path);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void check_totals(const parse_result& r) {
  const auto& t = r.totals;
  CHECK(t.lines == t.kept + t.dropped + t.dead_lettered);
  CHECK(t.dead_lettered == r.dead_letters.size());
}

/// 2025-10-06 01:44:09.485 UTC in µs since the epoch.
constexpr std::int64_t t_2025_10_06_01_44_09_485 = 1759715049485000;

} // namespace sb::gateway::test

// Bad input is dead-lettered line by line and never stops the parse.

#include "gateway_test_support.hpp"

using namespace sb;
using namespace sb::gateway;
using namespace sb::gateway::test;

namespace {

bool valid_utf8_printable(const std::string& s) {
  // Round-trips through the parser's own check: a dead letter's raw text is
  // fed back as a line and must not be dead-lettered again.
  pipecat_parser p{options()};
  std::vector<signal> out;
  line_report report;
  p.feed(s, out, &report);
  return report.what != verdict::dead_lettered;
}

} // namespace

TEST_CASE("binary garbage is dead-lettered, the lines around it kept",
          "[gateway][bad]") {
  std::string garbage = "\x7f" "ELF\x02\x01\x01";
  garbage += '\0';
  garbage += "\x03\x00\x3e\x00";
  auto body = debug("Bot started speaking") + "\n" + garbage + "\n"
              + debug("Bot stopped speaking") + "\n";
  auto r = parse(body);
  REQUIRE(r.signals.size() == 2);
  CHECK(r.signals[1].kind == signal_kind::bot_stopped_speaking);
  CHECK(r.signals[1].line == 3);
  REQUIRE(r.dead_letters.size() == 1);
  CHECK(r.dead_letters[0].line == 2);
  CHECK(r.dead_letters[0].reason
        == "binary data (control character): byte 0x02 at offset 4");
  CHECK(r.dead_letters[0].raw.find('\0') == std::string::npos);
  CHECK(valid_utf8_printable(r.dead_letters[0].raw));
  CHECK(r.totals.lines == 3);
  CHECK(r.totals.kept == 2);
  CHECK(r.totals.dead_lettered == 1);
  check_totals(r);
}

TEST_CASE("tabs are fine, other C0 controls are not", "[gateway][bad]") {
  auto tab = parse(debug("Transcription: [one\ttwo]"));
  REQUIRE(tab.signals.size() == 1);
  CHECK(tab.signals[0].text == "one\ttwo");
  auto bell = parse(debug("Transcription: [one\atwo]"));
  CHECK(bell.signals.empty());
  CHECK(bell.totals.dead_lettered == 1);
}

TEST_CASE("invalid UTF-8 is dead-lettered with U+FFFD in its raw text",
          "[gateway][bad]") {
  const char* bad[] = {
    "\xC3\x28",             // bad continuation
    "\xE2\x82",             // cut sequence at the end
    "\xC0\xAF",             // overlong '/'
    "\xED\xA0\x80",         // surrogate
    "\xF4\x90\x80\x80",     // past U+10FFFF
    "\xFF",
  };
  for (auto b : bad) {
    auto line = debug(std::string{"Transcription: [caf"} + b + "]");
    auto r = parse(line + "\n" + debug("Bot started speaking"));
    INFO(line);
    CHECK(r.signals.size() == 1);
    REQUIRE(r.dead_letters.size() == 1);
    CHECK(r.dead_letters[0].reason.rfind("invalid UTF-8: byte 0x", 0) == 0);
    CHECK(r.dead_letters[0].raw.find("\xEF\xBF\xBD") != std::string::npos);
    CHECK(valid_utf8_printable(r.dead_letters[0].raw));
  }
  // Valid multi-byte text is fine.
  CHECK(one(debug("Transcription: [caf\xC3\xA9 \xF0\x9F\x98\x80]")).text
        == "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST_CASE("a 10 MB line is dead-lettered by length without copying it",
          "[gateway][bad]") {
  std::string huge = debug("Transcription: [");
  huge.append(10 * 1024 * 1024, 'a');
  huge += "]";
  auto body = debug("Bot started speaking") + "\n" + huge + "\n"
              + debug("Bot stopped speaking");
  auto r = parse(body);
  REQUIRE(r.signals.size() == 2);
  REQUIRE(r.dead_letters.size() == 1);
  const auto& d = r.dead_letters[0];
  CHECK(d.line == 2);
  CHECK(d.reason
        == "line too long: " + std::to_string(huge.size())
             + " bytes (limit 1040384)"); // README "Limits": 1 MiB - 8 KiB
  CHECK(d.raw.size() == 4096);
  CHECK(d.raw_bytes == huge.size());
  CHECK(r.totals.lines == 3);
  check_totals(r);

  SECTION("the limit is an option") {
    auto o = options();
    o.max_line_bytes = 100;
    auto small = parse(debug("Bot started speaking") + "\n"
                         + debug("CartesiaTTSService#0: Generating TTS [A "
                                 "sentence long enough to pass the limit.]"),
                       o);
    CHECK(small.totals.dead_lettered == 1);
    CHECK(small.signals.size() == 1);
  }
}

TEST_CASE("a dead letter's raw text stays within 4 KiB after replacement",
          "[gateway][bad]") {
  std::string line(5000, '\xFF'); // every byte becomes a 3-byte U+FFFD
  auto r = parse(line);
  REQUIRE(r.dead_letters.size() == 1);
  const auto& raw = r.dead_letters[0].raw;
  CHECK(raw.size() <= 4096);
  CHECK(raw.size() == 4095);
  CHECK(valid_utf8_printable(raw));
}

TEST_CASE("truncated lines: a timestamp, then no header", "[gateway][bad]") {
  auto body = std::string{
    "2025-10-06 01:44:09.485 | DEBUG    | "
    "pipecat.transports.base_output:_bot_st\n"
    "2025-10-06 01:44:09.486 | DEB\n"
    "2025-10-06 01:44:09.487\n"
    "2025-10-06 01:44:09.488 | DEBUG    | "
    "pipecat.transports.base_output:_bot_started_speaking:605\n"
    "2025-10-06 01:44:09.489 | DEBUG    | pipecat.x:f:1 | "
    "3b7e0d52-6f0a-4c1e-9d4b-2a8f61c95e07\n"
    "2025-10-28T16:10:39.554+0000 - \n"
    "2025-10-06 01:44:09.490 | DEBUG    | "
    "pipecat.transports.base_output:_bot_started_speaking:605 - Bot started "
    "speaking\n"};
  auto r = parse(body);
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].line == 7);
  REQUIRE(r.dead_letters.size() == 6);
  CHECK(r.dead_letters[0].reason
        == "truncated line: line ends inside module:function:line");
  CHECK(r.dead_letters[1].reason
        == "truncated line: line ends inside the level");
  CHECK(r.dead_letters[2].reason
        == "truncated line: nothing after the timestamp");
  CHECK(r.dead_letters[3].reason
        == "truncated line: no ' - ' after module:function:line");
  CHECK(r.dead_letters[4].reason
        == "truncated line: no ' - ' after the session id");
  CHECK(r.dead_letters[0].raw
        == "2025-10-06 01:44:09.485 | DEBUG    | "
           "pipecat.transports.base_output:_bot_st");
  for (std::size_t i = 0; i < 6; ++i)
    CHECK(r.dead_letters[i].line == i + 1);
  check_totals(r);
}

TEST_CASE("a truncated line ends the record before it", "[gateway][bad]") {
  auto r = parse(loguru("2025-10-06 01:44:09.485", "ERROR", "pipecat.x:f:1",
                        "X#0 error: boom")
                 + "\n2025-10-06 01:44:09.500 | ERR\nValueError: late\n");
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].detail.empty());
  CHECK(r.totals.dead_lettered == 1);
  CHECK(r.totals.dropped == 1); // continuation of the dead line
}

TEST_CASE("empty bodies and empty lines", "[gateway][bad]") {
  SECTION("empty body") {
    auto r = parse("");
    CHECK(r.signals.empty());
    CHECK(r.totals.lines == 0);
    CHECK(r.totals.kept == 0);
    CHECK(r.totals.dropped == 0);
    CHECK(r.totals.dead_lettered == 0);
    CHECK_FALSE(r.used_generated_call_id);
  }
  SECTION("empty lines count and are dropped") {
    auto r = parse("\n\n" + debug("Bot started speaking") + "\n\n\r\n");
    CHECK(r.signals.size() == 1);
    CHECK(r.totals.lines == 5);
    CHECK(r.totals.kept == 1);
    CHECK(r.totals.dropped == 4);
    check_totals(r);
  }
  SECTION("an empty line inside a traceback does not end it") {
    auto r = parse(loguru("2025-10-06 01:44:09.485", "ERROR", "pipecat.x:f:1",
                          "X#0 error: boom")
                   + "\nTraceback (most recent call last):\n\n"
                     "ValueError: inner\n");
    REQUIRE(r.signals.size() == 1);
    CHECK(r.signals[0].detail == "ValueError: inner");
  }
}

TEST_CASE("unrecognisable lines before any record are noise",
          "[gateway][bad]") {
  pipecat_parser p{options()};
  std::vector<signal> out;
  line_report report;
  p.feed("Bot started speaking", out, &report);
  CHECK(report.what == verdict::dropped);
  CHECK(report.reason == "noise: unrecognised line before any record");
  p.feed("random words", out, &report);
  p.finish(out);
  CHECK(out.empty());
  CHECK(p.totals().lines == 2);
  CHECK(p.totals().dropped == 2);
  CHECK(p.dead_letters().empty());
}

TEST_CASE("totals always add up on a mixed body", "[gateway][bad]") {
  std::string body;
  body += debug("Bot started speaking") + "\n";
  body += "\n";
  body += std::string{"\x01\x02\x03"} + "\n";
  body += "\xFF\xFE\n";
  body += "2025-10-06 01:44:09.485 | DEB\n";
  body += loguru("2025-10-06 01:44:09.486", "ERROR", "pipecat.x:f:1",
                 "X#0 error: e")
          + "\nTraceback (most recent call last):\nValueError: v\n";
  body += debug("Linking A#0 -> B#0") + "\n";
  body += "trailing words";
  auto r = parse(body);
  CHECK(r.totals.lines == 10);
  CHECK(r.totals.kept == 2);
  CHECK(r.totals.dead_lettered == 3);
  CHECK(r.totals.dropped == 5);
  check_totals(r);
}

TEST_CASE("line reports say what became of each line", "[gateway][bad]") {
  pipecat_parser p{options()};
  std::vector<signal> out;
  line_report report;
  p.feed(debug("CartesiaTTSService#0: Generating TTS [Hi]"), out, &report);
  CHECK(report.line == 1);
  CHECK(report.what == verdict::kept);
  CHECK(report.reason == "kept: bot_text");
  p.feed(debug("Linking A#0 -> B#0"), out, &report);
  CHECK(report.line == 2);
  CHECK(report.what == verdict::dropped);
  CHECK(report.reason == "noise: processor linking");
  p.feed("\xC3", out, &report);
  CHECK(report.what == verdict::dead_lettered);
  CHECK(report.reason == "invalid UTF-8: byte 0xC3 at offset 0");
  p.feed("", out, &report);
  CHECK(report.reason == "empty line");
  // Without a report the parse is the same.
  p.feed(debug("Bot started speaking"), out, nullptr);
  CHECK(out.size() == 2);
  CHECK(p.totals().lines == 5);
}

TEST_CASE("the parser can be moved", "[gateway][bad]") {
  pipecat_parser a{options()};
  std::vector<signal> out;
  a.feed(debug("Bot started speaking"), out);
  pipecat_parser b{std::move(a)};
  b.feed(debug("Bot stopped speaking"), out);
  pipecat_parser c{options("x")};
  c = std::move(b);
  c.finish(out);
  CHECK(out.size() == 2);
  CHECK(c.totals().lines == 2);
}

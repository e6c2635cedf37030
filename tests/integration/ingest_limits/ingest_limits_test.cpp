// Valid input of any size is stored or dead-lettered by the size rule of
// README "Limits", and answered 202 either way: never 503 "retry later" for
// something no retry can store. A real node, nats-server (max_payload 1 MiB,
// its default) and PostgreSQL.

#include "spine_env.hpp"

#include "switchboard/events/jetstream.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace sb::test;

namespace {

/// README "Limits": with nats-server's default max_payload of 1 MiB, a line
/// may hold 1 MiB less 8 KiB; one text of a turn is cut at 256 KiB.
constexpr std::size_t line_limit = (1 << 20) - 8 * 1024;
constexpr std::size_t text_limit = 256 * 1024;

/// "2025-11-06 10:00:00.000" plus `ms`.
std::string stamp(std::int64_t ms) {
  auto s = ms / 1000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "2025-11-06 %02lld:%02lld:%02lld.%03lld",
                static_cast<long long>(10 + s / 3600),
                static_cast<long long>((s / 60) % 60),
                static_cast<long long>(s % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

/// One Pipecat Cloud line of `call`, with its newline.
std::string cloud(std::int64_t ms, const std::string& call, const char* where,
                  const std::string& message) {
  return stamp(ms) + " | DEBUG    | " + where + " | " + call + " - " + message
         + "\n";
}

std::string started(std::int64_t ms, const std::string& call) {
  return cloud(ms, call, "pipecat.pipeline.runner:run:71",
               "Runner PipelineRunner#0 started running PipelineTask#0");
}

std::string finished(std::int64_t ms, const std::string& call) {
  return cloud(ms, call, "pipecat.pipeline.task:_cleanup:612",
               "Pipeline task PipelineTask#0 has finished");
}

std::string tts(std::int64_t ms, const std::string& call,
                const std::string& text) {
  return cloud(ms, call, "pipecat.services.tts_service:_push_tts_frames:602",
               "CartesiaTTSService#0: Generating TTS [" + text + "]");
}

std::string heard(std::int64_t ms, const std::string& call,
                  const std::string& text) {
  return cloud(ms, call, "pipecat.services.whisper.stt:run_stt:434",
               "Transcription: [" + text + "]");
}

/// An ordinary, long TTS sentence of about `bytes`, different for each n.
std::string sentence(int n, std::size_t bytes = 720) {
  std::string s = "Part " + std::to_string(n) + " of the answer.";
  static const char* words[]
    = {"Your",     "order", "left",      "our",    "warehouse", "on",
       "Tuesday",  "and",   "should",    "arrive", "within",    "three",
       "business", "days,", "depending", "on",     "the",       "carrier's",
       "schedule", "in",    "your",      "area."};
  for (int i = 0; s.size() < bytes; ++i)
    s += std::string{" "} + words[(i + n) % 22];
  return s;
}

/// A line of `call` exactly `bytes` long (newline not counted).
std::string tts_of_size(std::int64_t ms, const std::string& call,
                        std::size_t bytes) {
  auto line = tts(ms, call, "");
  auto fill = bytes + 1 - line.size();
  return tts(ms, call, std::string(fill, 'a'));
}

std::vector<nlohmann::json> dead_letters(spine_env& env) {
  std::string error;
  auto js = sb::jetstream::connect(env.nats_url(), "limits-test", error);
  REQUIRE(js);
  auto reader
    = sb::stream_reader::open(*js, sb::deadletter_stream, "sb.dlq.>", 1, error);
  REQUIRE(reader);
  std::vector<sb::stream_message> messages;
  REQUIRE(reader->fetch(messages, 100, 1000, error));
  std::vector<nlohmann::json> out;
  for (const auto& m : messages)
    out.push_back(nlohmann::json::parse(m.data));
  return out;
}

std::string turns_of(spine_env& env, const std::string& call,
                     const std::string& what) {
  return env.query_value("select " + what + " from turns where session_id = '"
                         + call + "'");
}

std::string session_field(spine_env& env, const std::string& call,
                          const std::string& field) {
  return env.query_value("select " + field + " from sessions where id = '"
                         + call + "'");
}

} // namespace

TEST_CASE("a 1.2 MB monologue of 1,400 TTS lines is one stored turn") {
  const std::string call = "a1a1a1a1-1111-4111-8111-a1a1a1a1a1a1";
  spine_env env;
  env.start_node();
  std::string body = started(0, call);
  for (int n = 1; n <= 1400; ++n)
    body += tts(1000 + n * 10, call, sentence(n));
  body += finished(20000, call);
  REQUIRE(body.size() > 1'200'000);

  auto r = env.ingest(body, "agent_id=support-bot");
  INFO(r.body);
  REQUIRE(r.status == 202);
  auto report = r.json();
  CHECK(report["lines"] == 1402);
  CHECK(report["kept"] == 1402);
  CHECK(report["dead_lettered"] == 0);

  env.wait_until_settled(std::chrono::seconds{120});
  CHECK(env.health().value("projection_last_error", "") == "");
  CHECK(session_field(env, call, "status") == "completed");
  CHECK(session_field(env, call, "end_reason") == "pipeline_finished");
  CHECK(session_field(env, call, "turn_count") == "1");
  CHECK(turns_of(env, call, "count(*)") == "1");
  // The turn is kept up to the text limit, and says that it was cut.
  auto text = turns_of(env, call, "text");
  CHECK(text.rfind(sentence(1) + " " + sentence(2), 0) == 0);
  CHECK(text.size() <= text_limit + 64);
  CHECK(text.size() > text_limit - 1024);
  CHECK(text.find("[truncated") != std::string::npos);
}

TEST_CASE("a 1.2 MB call of 1,400 ordinary turns is stored whole, also from "
          "switchboard ingest") {
  const std::string call = "b2b2b2b2-2222-4222-8222-b2b2b2b2b2b2";
  spine_env env;
  env.start_node();
  std::string body = started(0, call);
  std::int64_t t = 1000;
  for (int n = 1; n <= 1400; ++n) {
    body += heard(t, call, "Question " + std::to_string(n) + "?");
    body += tts(t + 400, call, sentence(n, 800));
    t += 1000;
  }
  body += finished(t, call);
  REQUIRE(body.size() > 1'200'000);

  char path[] = "/tmp/sb-limits-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream{path, std::ios::binary} << body;
  child_process cli;
  std::string out = std::string{path} + ".out";
  cli.start({switchboard_binary(), "ingest", "--nats", env.nats_url(),
             "--agent", "support-bot", path},
            out);
  auto code = cli.wait();
  auto printed = cli.log_tail(4000);
  ::unlink(path);
  ::unlink(out.c_str());
  INFO(printed);
  REQUIRE(code == 0);
  // The report is the last line of what it printed.
  auto last = printed.substr(printed.rfind('{'));
  auto report = nlohmann::json::parse(last);
  CHECK(report["lines"] == 2802);
  CHECK(report["kept"] == 2802);
  CHECK(report["dead_lettered"] == 0);

  env.wait_until_settled(std::chrono::seconds{120});
  CHECK(env.health().value("projection_last_error", "") == "");
  CHECK(session_field(env, call, "status") == "completed");
  CHECK(session_field(env, call, "turn_count") == "2800");
  CHECK(turns_of(env, call, "count(*)") == "2800");
  CHECK(env.query_value("select text from turns where session_id = '" + call
                        + "' order by turn desc limit 1")
        == sentence(1400, 800));
}

TEST_CASE("a line of exactly the limit is stored; longer lines are "
          "dead-lettered with their size") {
  const std::string call = "c4c4c4c4-4444-4444-8444-c4c4c4c4c4c4";
  spine_env env;
  env.start_node();
  std::string body = started(0, call);
  body += heard(1000, call, "Hello?");
  auto at_limit = tts_of_size(2000, call, line_limit);
  REQUIRE(at_limit.size() == line_limit + 1);
  body += at_limit;
  body += heard(3000, call, "Sorry?");
  body += tts_of_size(4000, call, line_limit + 1);
  body += tts_of_size(5000, call, 1 << 20); // the old documented limit
  body += tts(6000, call, "Goodbye.");
  body += finished(7000, call);

  auto r = env.ingest(body, "agent_id=support-bot");
  INFO(r.body.substr(0, 500));
  REQUIRE(r.status == 202);
  auto report = r.json();
  CHECK(report["lines"] == 8);
  CHECK(report["kept"] == 6);
  CHECK(report["dead_lettered"] == 2);

  env.wait_until_settled(std::chrono::seconds{60});
  CHECK(session_field(env, call, "status") == "completed");
  CHECK(session_field(env, call, "turn_count") == "4");
  auto text = env.query_value("select text from turns where session_id = '"
                              + call + "' and turn = 2");
  CHECK(text.rfind("aaaa", 0) == 0);
  CHECK(text.size() <= text_limit + 64);
  CHECK(text.find("[truncated") != std::string::npos);
  CHECK(env.query_value("select text from turns where session_id = '" + call
                        + "' and turn = 4")
        == "Goodbye.");

  auto letters = dead_letters(env);
  REQUIRE(letters.size() == 2);
  std::vector<std::uint64_t> sizes;
  for (const auto& dl : letters) {
    INFO(dl.dump().substr(0, 300));
    CHECK(dl["source"] == "pipecat");
    CHECK(dl["reason"].get<std::string>().find("line too long")
          != std::string::npos);
    CHECK(dl["raw"].get<std::string>().size() <= 4096);
    sizes.push_back(dl["raw_bytes"].get<std::uint64_t>());
  }
  CHECK(sizes == std::vector<std::uint64_t>{line_limit + 1, 1 << 20});
}

TEST_CASE("a neutral event too large for one message is dead-lettered as "
          "too_large; the rest of its call is stored") {
  spine_env env;
  env.start_node();
  nlohmann::json events = nlohmann::json::array();
  auto item = [&](const char* type, const char* at) {
    events.push_back({{"call_id", "d5-big"}, {"type", type}, {"at", at}});
    return &events.back();
  };
  item("answered", "2025-11-06T10:00:00Z");
  (*item("user_text", "2025-11-06T10:00:01Z"))["text"]
    = std::string(2'000'000, 'x');
  (*item("user_text", "2025-11-06T10:00:02Z"))["text"]
    = std::string(600'000, 'y');
  (*item("bot_text", "2025-11-06T10:00:03Z"))["text"] = "Bye.";
  item("hungup", "2025-11-06T10:00:04Z");

  auto r = http_request(env.node_port(), "POST",
                        "/v1/ingest/events?agent_id=support-bot", events.dump(),
                        bearer(env.key()));
  INFO(r.body.substr(0, 500));
  REQUIRE(r.status == 202);
  auto report = r.json();
  CHECK(report["lines"] == 5);
  CHECK(report["kept"] == 4);
  CHECK(report["dead_lettered"] == 1);
  CHECK(report["too_large"] == 1);

  env.wait_until_settled(std::chrono::seconds{60});
  CHECK(session_field(env, "d5-big", "status") == "completed");
  CHECK(session_field(env, "d5-big", "end_reason") == "user_hangup");
  CHECK(session_field(env, "d5-big", "turn_count") == "2");
  auto user = env.query_value(
    "select text from turns where session_id = 'd5-big' and turn = 1");
  CHECK(user.rfind("yyyy", 0) == 0);
  CHECK(user.size() <= text_limit + 64);
  CHECK(user.find("[truncated") != std::string::npos);

  auto letters = dead_letters(env);
  REQUIRE(letters.size() == 1);
  const auto& dl = letters.front();
  INFO(dl.dump().substr(0, 300));
  CHECK(dl["source"] == "events");
  CHECK(dl["line"] == 2);
  CHECK(dl["reason"].get<std::string>().rfind("too_large", 0) == 0);
  CHECK(dl["raw"].get<std::string>().size() <= 4096);
  CHECK(dl["raw_bytes"].get<std::uint64_t>() > 2'000'000);
}

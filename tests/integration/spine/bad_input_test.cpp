// Bad input never disappears and never takes valid input down with it:
// unreadable lines are counted and kept with their reason in SB_DEADLETTER,
// bad requests get a clear JSON error, and the node keeps running.

#include "spine_env.hpp"

#include "switchboard/events/jetstream.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace sb::test;

namespace {

constexpr const char* call = "eeeeeeee-5555-4555-8555-eeeeeeeeeeee";

std::string valid(const char* time, const std::string& message) {
  return std::string{"2025-11-05 08:00:"} + time
         + " | DEBUG    | pipecat.pipeline.task:run:560 | " + call + " - "
         + message + "\n";
}

/// Every dead letter's JSON, read back from SB_DEADLETTER.
std::vector<nlohmann::json> dead_letters(spine_env& env) {
  std::string error;
  auto js = sb::jetstream::connect(env.nats_url(), "bad-input-test", error);
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

} // namespace

TEST_CASE("unreadable lines are dead-lettered and the rest is kept") {
  spine_env env;
  env.start_node();
  std::string body;
  body += valid("00.000", "Runner PipelineRunner#0 started running "
                          "PipelineTask#0");
  const char binary[] = "\x00\x01\x02\xff\xfe binary\x07\x08";
  body += std::string{binary, sizeof binary - 1} + "\n";
  body += valid("01.000", "CartesiaTTSService#0: Generating TTS [Hello "
                          "\xc3\x28 there]"); // invalid UTF-8
  body += "2025-11-05 08:00:01.500 | DEBU\n"; // truncated
  body += valid("02.000", "CartesiaTTSService#0: Generating TTS ["
                            + std::string(10 << 20, 'a') + "]"); // 10 MB
  body += valid("03.000", "CartesiaTTSService#0: Generating TTS [Goodbye.]");
  body += valid("04.000", "Pipeline task PipelineTask#0 has finished");

  auto r = env.ingest(body, "agent_id=support-bot");
  REQUIRE(r.status == 202);
  auto report = r.json();
  CHECK(report["lines"] == 7);
  CHECK(report["dead_lettered"] == 4);
  CHECK(report["kept"] == 3);
  CHECK(report["call_ids"] == nlohmann::json::array({call}));

  env.wait_until_settled(std::chrono::seconds{60});
  CHECK(env.health()["status"] == "ok"); // still running
  auto session = env.get(std::string{"/v1/conversations/"} + call).json();
  CHECK(session["status"] == "completed");
  CHECK(session["end_reason"] == "pipeline_finished");
  CHECK(session["first_agent_text"] == "Goodbye.");
  CHECK(session["duration_ms"] == 4000);

  auto letters = dead_letters(env);
  REQUIRE(letters.size() == 4);
  std::set<std::uint64_t> lines;
  for (const auto& dl : letters) {
    INFO(dl.dump().substr(0, 300));
    lines.insert(dl["line"].get<std::uint64_t>());
    CHECK_FALSE(dl["reason"].get<std::string>().empty());
    CHECK(dl["agent_id"] == "support-bot");
    CHECK(dl["raw"].get<std::string>().size() <= 4096 + 16);
  }
  CHECK(lines == std::set<std::uint64_t>{2, 3, 4, 5});
}

TEST_CASE("bad requests get a clear JSON error and store nothing") {
  spine_env env;
  env.start_node();
  auto head = env.events_head();
  auto log = valid("00.000", "Runner PipelineRunner#0 started running "
                             "PipelineTask#0");
  struct bad {
    const char* what;
    int status;
    const char* code;
    http_response response;
  };
  std::vector<bad> cases = {
    {"no key", 401, "unauthorized",
     http_request(env.node_port(), "POST",
                  "/v1/ingest/pipecat?agent_id=support-bot", log)},
    {"wrong key", 401, "unauthorized",
     http_request(env.node_port(), "POST",
                  "/v1/ingest/pipecat?agent_id=support-bot", log,
                  bearer("sb_nope1234_notakeyatall"))},
    {"no agent", 400, "missing_agent_id", env.ingest(log, "")},
    {"bad agent", 400, "invalid_agent_id", env.ingest(log, "agent_id=%20")},
    {"unknown parameter", 400, "unknown_parameter",
     env.ingest(log, "agent_id=support-bot&agent=x")},
    {"empty body", 400, "empty_body", env.ingest("", "agent_id=support-bot")},
  };
  for (auto& c : cases) {
    INFO(c.what << ": " << c.response.body);
    CHECK(c.response.status == c.status);
    auto j = c.response.json();
    CHECK(j["error"]["code"] == c.code);
    CHECK_FALSE(j["error"]["message"].get<std::string>().empty());
  }
  CHECK(env.events_head() == head);
  CHECK(env.health()["status"] == "ok");
}

TEST_CASE("malformed requests to a real node get a 4xx JSON answer") {
  spine_env env;
  env.start_node();
  auto port = static_cast<std::uint16_t>(env.node_port());
  std::string nul_key = "Bearer " + env.key();
  nul_key.insert(10, 1, '\0');
  struct bad {
    const char* what;
    int status;
    const char* code;
    http_response response;
  };
  std::vector<bad> cases = {
    {"NUL in the id", 400, "invalid_path",
     http_request(port, "GET", "/v1/conversations/%00", {}, bearer(env.key()))},
    {"17 KB URL", 414, "uri_too_long",
     http_request(port, "GET", "/v1/conversations/" + std::string(17000, 'a'),
                  {}, bearer(env.key()))},
    {"100 KB header", 431, "header_too_large",
     http_request(port, "GET", "/healthz", {},
                  {{"X-Big", std::string(100 * 1024, 'x')}})},
    {"NUL in Authorization", 400, "invalid_header",
     http_request(port, "GET", "/v1/conversations/c1", {},
                  {{"Authorization", nul_key}})},
  };
  for (auto& c : cases) {
    INFO(c.what << ": " << c.response.body.substr(0, 300));
    CHECK(c.response.status == c.status);
    auto j = c.response.json();
    CHECK(j["error"]["code"] == c.code);
  }
  CHECK(env.health()["status"] == "ok");
}

// While NATS is unreachable, ingest says so (503 "retry later") instead of
// holding the caller: the connection's status is checked before anything
// is published. A real nats-server, stopped under the service.

#include "ingest/nats_ingest_service.hpp"

#include "support/servers.hpp"
#include "switchboard/events/jetstream.hpp"

#include <catch2/catch.hpp>

#include <optional>

using namespace sb;

namespace {

std::string log_line(const std::string& message) {
  return "2025-11-06 10:00:00.000 | DEBUG    | pipecat.pipeline.runner:run:71 "
         "| e6e6e6e6-6666-4666-8666-e6e6e6e6e6e6 - "
         + message + "\n";
}

} // namespace

TEST_CASE("ingest fails as unavailable while NATS is down") {
  std::optional<test::nats_server> server{std::in_place};
  std::string error;
  std::shared_ptr<jetstream> js
    = jetstream::connect(server->url(), "ingest-limits-test", error);
  REQUIRE(js);
  REQUIRE(js->ensure_streams(stream_settings{}, error));
  app::nats_ingest_service service{js, 64};
  auto body
    = log_line("Runner PipelineRunner#0 started running PipelineTask#0");
  app::ingest_request req{"default", "support-bot", "", body};

  auto up = service.ingest_pipecat(req);
  REQUIRE(up);
  CHECK(up->kept == 1);

  server.reset(); // stopped: the client is disconnected now
  signal s;
  s.call_id = "e6";
  s.kind = signal_kind::call_ringing;
  s.at_us = 1759715049000000;
  CHECK_FALSE(service.ingest_pipecat(req));
  CHECK_FALSE(service.ingest_signals("default", "support-bot", {s}));
}

// The call's state machine on the pure pipeline: provider lifecycle signals,
// a Pipecat pipeline's start and end, the end reasons, the timers' decisions
// and what an ended call still accepts.

#include "call_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sb;
using namespace sb::call;
using namespace sb::call::test;

using strings = std::vector<std::string>;

namespace {

signal lifecycle(signal_kind kind, std::int64_t ms, std::string detail = {}) {
  return sig(kind, ms, {}, {}, std::move(detail));
}

/// A neutral-ingest call brought to `status` (queued, ringing or active).
driver call_in(call_status status) {
  driver d;
  d.provider = "events";
  d.feed(lifecycle(signal_kind::call_queued, 0));
  if (status == call_status::ringing || status == call_status::active)
    d.feed(lifecycle(signal_kind::call_ringing, 1000));
  if (status == call_status::active)
    d.feed(lifecycle(signal_kind::call_answered, 5000));
  REQUIRE(d.state.status == status);
  return d;
}

call_ended end_of(const std::vector<event>& events) {
  return only<call_ended>(events);
}

} // namespace

TEST_CASE("provider lifecycle: queued, ringing, answered") {
  driver d;
  d.provider = "events";
  auto queued = d.feed(lifecycle(signal_kind::call_queued, 0));
  CHECK(names(queued) == strings{"call_queued"});
  CHECK(d.state.status == call_status::queued);

  SECTION("a second queued line changes nothing") {
    CHECK(d.feed(lifecycle(signal_kind::call_queued, 10)).empty());
    CHECK(d.state.status == call_status::queued);
  }

  auto ringing = d.feed(lifecycle(signal_kind::call_ringing, 1000));
  CHECK(names(ringing) == strings{"call_ringing"});
  CHECK(d.state.status == call_status::ringing);
  CHECK(d.feed(lifecycle(signal_kind::call_ringing, 1500)).empty());

  // The neutral ingest packs the call's details as JSON in `detail`.
  auto answered = d.feed(sig(
    signal_kind::call_answered, 5000, {}, {},
    R"({"campaign":"spring","direction":"outbound","from":"+15550001",)"
    R"("language":"de","to":"+15550002"})"));
  auto started = only<call_started>(answered);
  CHECK(answered.size() == 1);
  CHECK(started.agent_id == "agent-7");
  CHECK(started.provider == "events");
  CHECK(started.direction == "outbound");
  CHECK(started.from == "+15550001");
  CHECK(started.to == "+15550002");
  CHECK(started.campaign == "spring");
  CHECK(started.language == "de");
  CHECK(d.state.status == call_status::active);

  SECTION("nothing goes back to ringing or queued once active") {
    CHECK(d.feed(lifecycle(signal_kind::call_ringing, 6000)).empty());
    CHECK(d.feed(lifecycle(signal_kind::call_queued, 6100)).empty());
    CHECK(d.feed(lifecycle(signal_kind::call_answered, 6200)).empty());
    CHECK(d.state.status == call_status::active);
  }
}

TEST_CASE("a call may ring without being queued first") {
  driver d;
  CHECK(names(d.feed(lifecycle(signal_kind::call_ringing, 0)))
        == strings{"call_ringing"});
  CHECK(d.state.status == call_status::ringing);
}

TEST_CASE("a conversational signal before the answer starts the call") {
  auto status = GENERATE(call_status::queued, call_status::ringing);
  auto d = call_in(status);
  auto events = d.feed(user_says(3000, "hello?"));
  CHECK(names(events) == strings{"call_started", "user_spoke"});
  CHECK(only<call_started>(events).agent_id == "agent-7");
  CHECK(d.state.status == call_status::active);
}

TEST_CASE("declined before the answer") {
  auto status = GENERATE(call_status::queued, call_status::ringing);
  auto d = call_in(status);
  SECTION("with no reason given") {
    auto end = end_of(d.feed(lifecycle(signal_kind::call_declined, 4000)));
    CHECK(end.status == call_status::declined);
    CHECK(end.end_reason == "declined");
    CHECK(end.ended_at == at_ms(4000));
    CHECK(d.state.status == call_status::declined);
  }
  SECTION("the signal's detail is the reason") {
    auto end =
      end_of(d.feed(lifecycle(signal_kind::call_declined, 4000, "busy")));
    CHECK(end.status == call_status::declined);
    CHECK(end.end_reason == "busy");
  }
}

TEST_CASE("missed before the answer") {
  auto status = GENERATE(call_status::queued, call_status::ringing);
  auto d = call_in(status);
  auto end = end_of(d.feed(lifecycle(signal_kind::call_missed, 30000)));
  CHECK(end.status == call_status::missed);
  CHECK(end.end_reason == "no_answer");
  CHECK(end.duration_ms == 30000); // queued at 0
  CHECK(d.state.ended());
}

TEST_CASE("declined or missed while active is not a transition") {
  auto d = call_in(call_status::active);
  auto kind = GENERATE(signal_kind::call_declined, signal_kind::call_missed);
  CHECK(d.feed(lifecycle(kind, 8000)).empty());
  CHECK(d.state.status == call_status::active);
  CHECK(d.state.end_reason.empty());
  // The call still ends normally afterwards.
  auto end = end_of(d.feed(lifecycle(signal_kind::call_hungup, 9000)));
  CHECK(end.status == call_status::completed);
}

TEST_CASE("hang-up before the answer is a missed call") {
  auto status = GENERATE(call_status::queued, call_status::ringing);
  auto d = call_in(status);
  auto end = end_of(d.feed(lifecycle(signal_kind::call_hungup, 2000)));
  CHECK(end.status == call_status::missed);
  CHECK(end.end_reason == "user_hangup");
}

TEST_CASE("hang-up after the answer completes the call") {
  auto d = call_in(call_status::active);
  SECTION("by the user") {
    auto events = d.feed(lifecycle(signal_kind::call_hungup, 65000));
    auto end = end_of(events);
    CHECK(end.status == call_status::completed);
    CHECK(end.end_reason == "user_hangup");
    CHECK(end.ended_at == at_ms(65000));
    CHECK(end.duration_ms == 65000);
  }
  SECTION("the detail overrides the reason") {
    auto end = end_of(
      d.feed(lifecycle(signal_kind::call_hungup, 65000, "agent_hangup")));
    CHECK(end.status == call_status::completed);
    CHECK(end.end_reason == "agent_hangup");
    CHECK(d.state.end_reason == "agent_hangup");
  }
}

TEST_CASE("failed from every non-terminal status") {
  auto status = GENERATE(call_status::queued, call_status::ringing,
                         call_status::active);
  auto d = call_in(status);
  SECTION("error by default") {
    auto end = end_of(d.feed(lifecycle(signal_kind::call_failed, 7000)));
    CHECK(end.status == call_status::failed);
    CHECK(end.end_reason == "error");
  }
  SECTION("the detail is the reason") {
    auto end =
      end_of(d.feed(lifecycle(signal_kind::call_failed, 7000, "busy")));
    CHECK(end.status == call_status::failed);
    CHECK(end.end_reason == "busy");
  }
  CHECK(d.state.status == call_status::failed);
}

TEST_CASE("an ended call only takes amendments") {
  auto d = call_in(call_status::active);
  d.feed(lifecycle(signal_kind::call_hungup, 60000));
  REQUIRE(d.state.status == call_status::completed);
  auto seq = d.state.seq;

  for (auto kind : {signal_kind::call_answered, signal_kind::call_ringing,
                    signal_kind::call_failed, signal_kind::call_hungup,
                    signal_kind::call_declined})
    CHECK(decide(d.state, lifecycle(kind, 61000), d.context_for(900))
            .empty());
  CHECK(decide(d.state, user_says(61000, "still there?"), d.context_for(900))
          .empty());
  CHECK(decide(d.state, finished(61000), d.context_for(900)).empty());
  CHECK(d.state.seq == seq);

  auto amended = d.feed(sig(signal_kind::recording_ready, 90000, {}, {},
                            "https://rec.example/call-1.wav"));
  CHECK(only<recording_available>(amended).url
        == "https://rec.example/call-1.wav");
  CHECK(amended.front().env.seq == seq + 1);
  CHECK(d.state.status == call_status::completed);
  CHECK(d.state.end_reason == "user_hangup");
}

// -- Pipecat ----------------------------------------------------------------

TEST_CASE("a Pipecat call starts at its first kept line") {
  driver d;
  auto events = d.feed(sig(signal_kind::pipeline_started, 250, {},
                           "PipelineRunner#0"));
  auto started = only<call_started>(events);
  CHECK(started.agent_id == "agent-7");
  CHECK(started.provider == "pipecat");
  CHECK(events.front().env.seq == 1);
  CHECK(events.front().env.tenant_id == "tenant-a");
  CHECK(events.front().env.call_id == "call-1");
  CHECK(events.front().env.occurred_at == at_ms(250));
  CHECK(d.state.status == call_status::active);
  CHECK(d.state.started_at == at_ms(250));

  SECTION("whatever the first line is") {
    driver w;
    auto first = w.feed(sig(signal_kind::warning, 100, "slow start",
                            "DailyTransport#0"));
    CHECK(names(first) == strings{"call_started", "problem_logged"});
    CHECK(w.state.started_at == at_ms(100));
  }
}

TEST_CASE("a Pipecat call ends at its first end line, with its reason") {
  driver d;
  d.feed(sig(signal_kind::pipeline_started, 1000));
  d.feed(bot_says(1500, "Hello!"));

  SECTION("finished normally") {
    auto end = end_of(d.feed(finished(61000)));
    CHECK(end.status == call_status::completed);
    CHECK(end.end_reason == "pipeline_finished");
    CHECK(end.ended_at == at_ms(61000));
    CHECK(end.duration_ms == 60000);
  }
  SECTION("cancelled") {
    auto end = end_of(d.feed(sig(signal_kind::pipeline_cancelled, 31000)));
    CHECK(end.status == call_status::completed);
    CHECK(end.end_reason == "cancelled");
    CHECK(end.duration_ms == 30000);
  }
  SECTION("idle detected, then cancelled") {
    auto idle = d.feed(sig(signal_kind::idle_detected, 30000,
                           "Idle pipeline detected", "PipelineTask#0"));
    CHECK(names(idle) == strings{"problem_logged"});
    CHECK(d.state.status == call_status::active);
    auto end = end_of(d.feed(sig(signal_kind::pipeline_cancelled, 30001)));
    CHECK(end.status == call_status::completed);
    CHECK(end.end_reason == "idle_timeout");
  }
  SECTION("a fatal error before the end fails the call") {
    auto fatal = d.feed(sig(signal_kind::fatal_error, 5000,
                            "Fatal error: boom", "PipelineTask#0"));
    CHECK(only<problem_logged>(fatal).severity == "fatal");
    CHECK(d.state.status == call_status::active);
    d.feed(sig(signal_kind::idle_detected, 6000)); // fatal still wins
    auto end = end_of(d.feed(sig(signal_kind::pipeline_cancelled, 7000)));
    CHECK(end.status == call_status::failed);
    CHECK(end.end_reason == "error");
  }
  SECTION("non-fatal errors and warnings only log a problem") {
    auto error = d.feed(sig(signal_kind::error, 5000, "TTS error: 429",
                            "CartesiaTTSService#0"));
    auto warning = d.feed(sig(signal_kind::warning, 5100, "slow response"));
    auto logged = only<problem_logged>(error);
    CHECK(error.size() == 1);
    CHECK(logged.severity == "error");
    CHECK(logged.service == "CartesiaTTSService#0");
    CHECK(logged.message == "TTS error: 429");
    CHECK(only<problem_logged>(warning).severity == "warning");
    CHECK(d.state.status == call_status::active);
    auto end = end_of(d.feed(finished(9000)));
    CHECK(end.status == call_status::completed);
    CHECK(end.end_reason == "pipeline_finished");
  }

  // Whatever ended it, later lines are absorbed.
  REQUIRE(d.state.ended());
  auto seq = d.state.seq;
  CHECK(d.feed(finished(70000)).empty()); // "Runner ... finished running"
  CHECK(d.feed(bot_says(70001, "Goodbye")).empty());
  CHECK(d.feed(sig(signal_kind::fatal_error, 70002, "late")).empty());
  CHECK(d.state.seq == seq);
}

// -- Timers, as the pipeline decides them -----------------------------------

TEST_CASE("inactivity ends an active call as signal lost at its last line") {
  driver d;
  d.feed(sig(signal_kind::pipeline_started, 0));
  d.feed(user_says(2000, "hi"));
  // A line that changes nothing still counts as the last line.
  REQUIRE(d.feed(sig(signal_kind::pipeline_started, 4000)).empty());
  auto events = d.fire(call_timer::inactivity);
  auto end = end_of(events);
  CHECK(end.status == call_status::failed);
  CHECK(end.end_reason == "signal_lost");
  CHECK(end.ended_at == at_ms(4000));
  CHECK(end.duration_ms == 4000);
  CHECK(events.back().env.occurred_at == at_ms(4000));
  // The open user turn is closed first.
  CHECK(names(events) == strings{"turn_completed", "call_ended"});
}

TEST_CASE("max duration completes an active call") {
  driver d;
  d.feed(sig(signal_kind::pipeline_started, 0));
  d.feed(bot_says(900, "Welcome"));
  auto end = end_of(d.fire(call_timer::max_duration));
  CHECK(end.status == call_status::completed);
  CHECK(end.end_reason == "max_duration");
  CHECK(end.ended_at == at_ms(900));
}

TEST_CASE("ring timeout misses a call still queued or ringing") {
  auto status = GENERATE(call_status::queued, call_status::ringing);
  auto d = call_in(status);
  auto end = end_of(d.fire(call_timer::ring_timeout));
  CHECK(end.status == call_status::missed);
  CHECK(end.end_reason == "no_answer");
}

TEST_CASE("timers that no longer apply cause nothing") {
  SECTION("ring timeout after the answer") {
    auto d = call_in(call_status::active);
    CHECK(d.fire(call_timer::ring_timeout).empty());
    CHECK(d.state.status == call_status::active);
  }
  SECTION("any timer after the end") {
    auto d = call_in(call_status::active);
    d.feed(lifecycle(signal_kind::call_hungup, 9000));
    auto timer = GENERATE(call_timer::inactivity, call_timer::max_duration,
                          call_timer::ring_timeout);
    CHECK(d.fire(timer).empty());
    CHECK(d.state.end_reason == "user_hangup");
  }
  SECTION("any timer before the call's first event") {
    driver d;
    auto timer = GENERATE(call_timer::inactivity, call_timer::max_duration,
                          call_timer::ring_timeout);
    CHECK(d.fire(timer).empty());
  }
}

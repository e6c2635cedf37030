// The call actor on CAF's test coordinator (virtual time): publishing one
// event at a time through the event sink, retries, acknowledging batches to
// the router only once stored, the timers and passivation.

#include "call/call_actor.hpp"
#include "call_test_util.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/send.hpp>

#include <catch2/catch.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>

using namespace sb;
using namespace sb::call;
using namespace sb::call::test;
using namespace std::chrono_literals;

using strings = std::vector<std::string>;

namespace {

/// What the fake router was told.
struct router_log {
  struct idle_report {
    std::string call_id;
    std::uint64_t batches = 0;
    call_state state;
  };
  std::vector<std::uint64_t> done; ///< stream_seq of each acknowledgement
  std::vector<std::string> done_calls;
  std::vector<idle_report> idle;
};

call_router::behavior_type fake_router(call_router::pointer,
                                       std::shared_ptr<router_log> log) {
  return {
    [](signals_atom, const partition_delivery&) {},
    [](rehydrate_atom, const rehydrated_partition&) {},
    [log](done_atom, const std::string& call_id, std::uint64_t stream_seq) {
      log->done.push_back(stream_seq);
      log->done_calls.push_back(call_id);
    },
    [log](idle_atom, const std::string& call_id, std::uint64_t batches,
          const call_state& st) {
      log->idle.push_back({call_id, batches, st});
    },
    [](lookup_atom, const std::vector<std::string>&) {},
    [](drop_atom, std::uint32_t) { return true; },
    [](stats_atom) { return router_stats{}; },
  };
}

/// Records every publish; stores at once, or holds the callbacks so that
/// the test decides when and how each publish completes.
class recording_sink : public event_sink {
public:
  bool hold = false;
  std::vector<event> published; ///< every attempt, retries included
  std::vector<std::uint32_t> partitions;
  std::deque<done_fn> in_flight;

  void publish(std::uint32_t partition, const event& e,
               done_fn done) override {
    partitions.push_back(partition);
    published.push_back(e);
    if (hold)
      in_flight.push_back(std::move(done));
    else
      done(true);
  }

  /// Completes the oldest held publish.
  void complete(bool stored) {
    REQUIRE_FALSE(in_flight.empty());
    auto done = std::move(in_flight.front());
    in_flight.pop_front();
    done(stored);
  }
};

caf::actor_system_config& testing_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console", caf::atom("none"));
  return cfg;
}

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  std::shared_ptr<router_log> routed = std::make_shared<router_log>();
  std::shared_ptr<recording_sink> sink = std::make_shared<recording_sink>();
  call_router router;
  call_actor actor;
  call_timeouts timeouts;
  /// The call runs on partition 7; tests queue signals there at will.
  std::shared_ptr<partition_backlog> backlog
    = std::make_shared<partition_backlog>(8);
  std::uint64_t next_stream_seq = 10;
  std::string provider = "pipecat";

  fixture()
    : sys(testing_config(cfg)),
      sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {
    spdlog::set_level(spdlog::level::off); // expected retry warnings
    timeouts.inactivity = 30s;
    timeouts.max_duration = 1h;
    timeouts.ring = 20s;
    timeouts.linger = 5s;
    timeouts.publish_retry = 1s;
    router = sys.spawn(fake_router, routed);
    sched.run();
  }

  ~fixture() {
    sink->in_flight.clear();
    if (actor)
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(call_state initial = {}) {
    actor = sys.spawn(call_actor_impl, std::move(initial), std::uint32_t{7},
                      std::uint64_t{3}, std::shared_ptr<event_sink>{sink},
                      router, timeouts, backlog);
    sched.run();
  }

  /// Delivers one batch at `stream_seq` and lets everything run.
  void deliver(std::uint64_t stream_seq, std::vector<signal> signals) {
    call_batch b;
    b.tenant_id = "tenant-a";
    b.agent_id = "agent-7";
    b.provider = provider;
    b.stream_seq = stream_seq;
    for (std::uint32_t i = 0; i < signals.size(); ++i)
      b.indexes.push_back(i);
    b.signals = std::move(signals);
    caf::anon_send(actor, signals_atom::value, std::move(b));
    sched.run();
  }

  /// Delivers a batch at the next stream position; returns that position.
  std::uint64_t send(std::vector<signal> signals) {
    auto seq = next_stream_seq++;
    deliver(seq, std::move(signals));
    return seq;
  }

  void advance(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }

  void complete(bool stored) {
    sink->complete(stored);
    sched.run();
  }

  std::vector<std::uint64_t> published_seqs() const {
    std::vector<std::uint64_t> out;
    for (const auto& e : sink->published)
      out.push_back(e.env.seq);
    return out;
  }

  std::size_t ends() const {
    return count_of<call_ended>(sink->published);
  }
};

signal lifecycle(signal_kind kind, std::int64_t ms) {
  return sig(kind, ms);
}

} // namespace

// -- Publishing and acknowledging -------------------------------------------

TEST_CASE_METHOD(fixture, "events are published one at a time, in order") {
  sink->hold = true;
  start();
  auto batch = send({sig(signal_kind::pipeline_started, 0),
                     bot_says(100, "Hello!"), user_says(1000, "hi")});
  // call_started, agent_spoke, turn_completed, user_spoke
  REQUIRE(sink->published.size() == 1);
  CHECK(published_seqs() == std::vector<std::uint64_t>{1});
  CHECK(routed->done.empty());

  for (std::uint64_t seq = 2; seq <= 4; ++seq) {
    complete(true);
    CHECK(published_seqs().back() == seq);
    CHECK(sink->in_flight.size() == 1);
    CHECK(routed->done.empty()); // not every event of the batch is stored
  }
  complete(true);
  CHECK(names(sink->published)
        == strings{"call_started", "agent_spoke", "turn_completed",
                   "user_spoke"});
  CHECK(routed->done == std::vector<std::uint64_t>{batch});
  CHECK(routed->done_calls == strings{"call-1"});
  for (const auto& e : sink->published) {
    CHECK(e.env.epoch == 3);
    CHECK(e.env.source_position == batch);
  }
  CHECK(sink->partitions == std::vector<std::uint32_t>{7, 7, 7, 7});
}

TEST_CASE_METHOD(fixture, "batches are acknowledged in order once stored") {
  sink->hold = true;
  start();
  auto first = send({sig(signal_kind::pipeline_started, 0)});
  auto second = send({bot_says(100, "Hello!")});
  auto third = send({sig(signal_kind::llm_usage, 200, {}, "OpenAILLMService#0")});
  CHECK(sink->published.size() == 1); // still one in flight
  complete(true);
  CHECK(routed->done == std::vector<std::uint64_t>{first});
  complete(true);
  CHECK(routed->done == std::vector<std::uint64_t>{first, second});
  complete(true);
  CHECK(routed->done == std::vector<std::uint64_t>{first, second, third});
  CHECK(published_seqs() == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE_METHOD(fixture, "a failed store is retried after the retry delay") {
  sink->hold = true;
  start();
  auto batch = send({sig(signal_kind::pipeline_started, 0),
                     bot_says(100, "Hello!")});
  complete(false);
  CHECK(sink->published.size() == 1);

  SECTION("not before the delay, then with the same event") {
    advance(999ms);
    CHECK(sink->published.size() == 1);
    advance(1ms);
    REQUIRE(sink->published.size() == 2);
    CHECK(encode(sink->published[1]) == encode(sink->published[0]));
  }
  SECTION("not even when another batch arrives meanwhile") {
    send({user_says(1000, "hi")});
    CHECK(sink->published.size() == 1);
    advance(1s);
    REQUIRE(sink->published.size() == 2);
    CHECK(sink->published[1].env.seq == 1);
  }
  CHECK(routed->done.empty());

  // Stored at last: the rest follows in order and the batch is acknowledged.
  while (!sink->in_flight.empty())
    complete(true);
  CHECK(published_seqs().front() == 1);
  CHECK(published_seqs()[1] == 1);
  auto seqs = published_seqs();
  CHECK(std::is_sorted(seqs.begin(), seqs.end()));
  REQUIRE_FALSE(routed->done.empty());
  CHECK(routed->done.front() == batch);
}

TEST_CASE_METHOD(fixture,
                 "a batch ending in a signal that changed nothing waits for "
                 "a later event") {
  start();
  auto first = send({sig(signal_kind::pipeline_started, 0)});
  CHECK(routed->done == std::vector<std::uint64_t>{first});

  auto quiet_tail = send({bot_says(100, "Hello!"),
                          sig(signal_kind::pipeline_started, 200)});
  CHECK(count_of<agent_spoke>(sink->published) == 1); // stored
  CHECK(routed->done == std::vector<std::uint64_t>{first});

  auto only_quiet = send({sig(signal_kind::pipeline_started, 300)});
  CHECK(routed->done == std::vector<std::uint64_t>{first});

  auto next = send({user_says(1000, "hi")});
  CHECK(routed->done
        == std::vector<std::uint64_t>{first, quiet_tail, only_quiet, next});

  SECTION("a timer's event releases it too") {
    auto quiet = send({sig(signal_kind::pipeline_started, 1100)});
    CHECK(routed->done.back() == next);
    advance(timeouts.inactivity);
    CHECK(ends() == 1);
    CHECK(routed->done.back() == quiet);
  }
}

TEST_CASE_METHOD(fixture, "a redelivered batch is acknowledged again") {
  start();
  auto signals = std::vector<signal>{sig(signal_kind::pipeline_started, 0),
                                     user_says(1000, "hi")};
  deliver(10, signals);
  auto published = sink->published.size();
  deliver(10, signals);
  CHECK(sink->published.size() == published);
  CHECK(routed->done == std::vector<std::uint64_t>{10, 10});
  // Re-ingested at a new position: skipped as well.
  deliver(25, signals);
  CHECK(sink->published.size() == published);
  CHECK(routed->done.back() == 25);
}

// -- Timers -------------------------------------------------------------------

TEST_CASE_METHOD(fixture, "no signal for the inactivity timeout: signal lost") {
  start();
  send({sig(signal_kind::pipeline_started, 0), user_says(2000, "hello?")});
  advance(timeouts.inactivity - 1ms);
  CHECK(ends() == 0);
  advance(1ms);
  REQUIRE(ends() == 1);
  auto end = only<call_ended>(sink->published);
  CHECK(end.status == call_status::failed);
  CHECK(end.end_reason == "signal_lost");
  CHECK(end.ended_at == at_ms(2000));
  CHECK(end.duration_ms == 2000);
  CHECK(names(sink->published).back() == "call_ended");
  CHECK(count_of<turn_completed>(sink->published) == 1);
}

TEST_CASE_METHOD(fixture,
                 "signal lost waits while the partition has queued signals") {
  start();
  send({sig(signal_kind::pipeline_started, 0), user_says(2000, "hello?")});
  backlog->set_undelivered(7, 3); // e.g. a restart's redelivered backlog
  advance(timeouts.inactivity);
  CHECK(ends() == 0);
  advance(10s);
  CHECK(ends() == 0);
  backlog->set_undelivered(7, 0);
  backlog->sent_to_router(7); // delivered, not yet handed out
  advance(5s);
  CHECK(ends() == 0);
  backlog->dispatched(7);
  advance(1s);
  REQUIRE(ends() == 1);
  // Dated by the log, not by how long the queue took.
  CHECK(only<call_ended>(sink->published).ended_at == at_ms(2000));
}

TEST_CASE_METHOD(fixture, "a signal re-arms the inactivity timeout") {
  start();
  send({sig(signal_kind::pipeline_started, 0)});
  advance(20s);
  send({bot_says(20000, "Still there?")});
  advance(15s); // the first timer fires here and is ignored
  CHECK(ends() == 0);
  advance(15s - 1ms);
  CHECK(ends() == 0);
  advance(1ms);
  REQUIRE(ends() == 1);
  auto end = only<call_ended>(sink->published);
  CHECK(end.end_reason == "signal_lost");
  CHECK(end.ended_at == at_ms(20000));
}

TEST_CASE_METHOD(fixture, "a call that runs too long ends at max duration") {
  timeouts.inactivity = 10min;
  timeouts.max_duration = 2min;
  start();
  send({sig(signal_kind::pipeline_started, 0)});
  advance(1min);
  send({bot_says(60000, "Anything else?")});
  advance(1min - 1ms);
  CHECK(ends() == 0);
  advance(1ms);
  REQUIRE(ends() == 1);
  auto end = only<call_ended>(sink->published);
  CHECK(end.status == call_status::completed);
  CHECK(end.end_reason == "max_duration");
  CHECK(end.ended_at == at_ms(60000));
}

TEST_CASE_METHOD(fixture, "nobody answers: the ring timeout misses the call") {
  provider = "events";
  start();
  send({lifecycle(signal_kind::call_queued, 0)});

  SECTION("while queued") {
    advance(timeouts.ring - 1ms);
    CHECK(ends() == 0);
    advance(1ms);
  }
  SECTION("ringing restarts it") {
    advance(10s);
    send({lifecycle(signal_kind::call_ringing, 10000)});
    advance(10s); // the queued timer is superseded
    CHECK(ends() == 0);
    advance(10s - 1ms);
    CHECK(ends() == 0);
    advance(1ms);
  }
  REQUIRE(ends() == 1);
  auto end = only<call_ended>(sink->published);
  CHECK(end.status == call_status::missed);
  CHECK(end.end_reason == "no_answer");
}

TEST_CASE_METHOD(fixture, "an answered call is not missed at the ring timeout") {
  provider = "events";
  start();
  send({lifecycle(signal_kind::call_queued, 0)});
  advance(10s);
  send({lifecycle(signal_kind::call_answered, 10000)});
  advance(timeouts.ring);
  CHECK(ends() == 0);
  // It is still watched for inactivity.
  advance(timeouts.inactivity);
  REQUIRE(ends() == 1);
  CHECK(only<call_ended>(sink->published).end_reason == "signal_lost");
}

// -- Passivation ----------------------------------------------------------------

TEST_CASE_METHOD(fixture, "an ended call lingers, then reports idle") {
  start();
  send({sig(signal_kind::pipeline_started, 0), bot_says(100, "Bye!"),
        finished(1000)});
  REQUIRE(ends() == 1);
  advance(timeouts.linger - 1ms);
  CHECK(routed->idle.empty());
  advance(1ms);
  REQUIRE(routed->idle.size() == 1);
  const auto& idle = routed->idle.front();
  CHECK(idle.call_id == "call-1");
  CHECK(idle.batches == 1);
  CHECK(idle.state.status == call_status::completed);
  CHECK(idle.state.end_reason == "pipeline_finished");
  CHECK(idle.state.seq == sink->published.size());
  // Nothing else happens afterwards.
  advance(2h);
  CHECK(routed->idle.size() == 1);
  CHECK(ends() == 1);
}

TEST_CASE_METHOD(fixture, "a batch during the linger postpones idle") {
  start();
  send({sig(signal_kind::pipeline_started, 0), finished(1000)});
  advance(3s);

  SECTION("an amendment") {
    auto batch = send({sig(signal_kind::recording_ready, 50000, {}, {},
                           "https://rec/1.wav")});
    CHECK(count_of<recording_available>(sink->published) == 1);
    CHECK(routed->done.back() == batch);
  }
  SECTION("a late signal, dropped but acknowledged") {
    auto published = sink->published.size();
    auto batch = send({user_says(2000, "hello?")});
    CHECK(sink->published.size() == published);
    CHECK(routed->done.back() == batch);
  }
  advance(2s); // the first linger has passed
  CHECK(routed->idle.empty());
  advance(3s);
  REQUIRE(routed->idle.size() == 1);
  CHECK(routed->idle.front().batches == 2);
}

TEST_CASE_METHOD(fixture, "no idle report while events are not stored") {
  sink->hold = true;
  start();
  send({sig(signal_kind::pipeline_started, 0), finished(1000)});
  complete(true); // call_started
  complete(false); // call_ended failed, retried after a second
  advance(timeouts.linger * 2);
  CHECK(routed->idle.empty());
  CHECK(routed->done.empty());
  complete(true); // the retry succeeds
  CHECK(routed->done.size() == 1);
  advance(timeouts.linger);
  CHECK(routed->idle.size() == 1);
}

// -- Resuming ---------------------------------------------------------------------

TEST_CASE_METHOD(fixture, "a resumed call continues from its rebuilt state") {
  driver before; // what the previous owner did, positions 100..
  before.feed_all({sig(signal_kind::pipeline_started, 0),
                   bot_says(100, "Hello!"), user_says(1000, "hi")});
  call_state rebuilt;
  for (const auto& e : before.log)
    rebuilt.apply(e);
  auto stored = rebuilt.seq;
  start(rebuilt);

  SECTION("redelivered signals are skipped and acknowledged") {
    deliver(102, {user_says(1000, "hi")});
    CHECK(sink->published.empty());
    CHECK(routed->done == std::vector<std::uint64_t>{102});
  }
  SECTION("new signals continue the seq") {
    deliver(200, {bot_says(2000, "How can I help?")});
    REQUIRE_FALSE(sink->published.empty());
    CHECK(sink->published.front().env.seq == stored + 1);
    CHECK(names(sink->published) == strings{"turn_completed", "agent_spoke"});
    CHECK(only<agent_spoke>(sink->published).turn == 3);
    CHECK(routed->done == std::vector<std::uint64_t>{200});
  }
  SECTION("its inactivity timer runs without a new signal") {
    advance(timeouts.inactivity);
    REQUIRE(ends() == 1);
    auto end = only<call_ended>(sink->published);
    CHECK(end.end_reason == "signal_lost");
    CHECK(end.ended_at == at_ms(1000));
    CHECK(sink->published.back().env.seq == stored + 2);
  }
}

TEST_CASE_METHOD(fixture, "a resumed ringing call still times out") {
  driver before;
  before.provider = "events";
  before.feed_all({lifecycle(signal_kind::call_queued, 0),
                   lifecycle(signal_kind::call_ringing, 3000)});
  call_state rebuilt;
  for (const auto& e : before.log)
    rebuilt.apply(e);
  REQUIRE(rebuilt.status == call_status::ringing);
  start(rebuilt);
  advance(timeouts.ring - 1ms);
  CHECK(ends() == 0);
  advance(1ms);
  REQUIRE(ends() == 1);
  auto end = only<call_ended>(sink->published);
  CHECK(end.status == call_status::missed);
  CHECK(end.end_reason == "no_answer");
  CHECK(end.ended_at == at_ms(3000));
}

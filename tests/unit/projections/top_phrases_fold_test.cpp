// The top_phrases projection's fold: a user turn's phrases are counted
// once, when the turn is final, per agent and UTC day of the call's start.

#include "switchboard/analysis/phrases.hpp"
#include "switchboard/projections/agent_stats_fold.hpp"
#include "switchboard/projections/top_phrases_fold.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using namespace sb;
using projections::phrase_key;

namespace {

constexpr time_us t0 = 1'764'000'000'000'000; // 2025-11-24 16:00 UTC

struct call_log {
  std::string id;
  std::vector<event> events;

  call_log& add(event_payload payload) {
    event e;
    e.env.tenant_id = "acme";
    e.env.call_id = id;
    e.env.seq = events.size() + 1;
    e.env.epoch = 1;
    e.env.occurred_at = t0 + static_cast<time_us>(events.size()) * 1'000'000;
    e.payload = std::move(payload);
    events.push_back(std::move(e));
    return *this;
  }
};

user_spoke part(std::uint32_t turn, std::uint32_t n, std::string text) {
  user_spoke x;
  x.turn = turn;
  x.part = n;
  x.text = std::move(text);
  return x;
}

call_log billing_call(const std::string& id) {
  call_log c{id, {}};
  c.add(call_started{"support", "inbound", "pipecat", "", "", "", "en"})
    .add(part(1, 0, "my invoice amount"))
    .add(part(1, 1, "looks wrong"))
    .add(agent_spoke{2, 0, "Let me check.", 0})
    .add(part(3, 0, "my invoice amount again"))
    .add(call_ended{call_status::completed, "user_hangup", 0, 5000});
  return c;
}

std::map<std::string, std::int64_t>
counted(const std::map<phrase_key, std::int64_t>& counts) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [k, n] : counts)
    out[k.phrase] += n;
  return out;
}

} // namespace

TEST_CASE("a turn's parts are joined and counted once it is final") {
  auto c = billing_call("c1");
  projections::top_phrases_fold fold;
  std::uint64_t pos = 0;
  for (std::size_t i = 0; i < 3; ++i) // the first turn, still open
    fold.apply(c.events[i], {++pos, 0, 1});
  CHECK(fold.take_batch(false).counts.empty());
  for (std::size_t i = 3; i < c.events.size(); ++i)
    fold.apply(c.events[i], {++pos, 0, 1});
  auto batch = fold.take_batch(false);
  std::map<std::string, std::int64_t> expected;
  for (const char* text :
       {"my invoice amount looks wrong", "my invoice amount again"})
    for (const auto& p : analysis::phrases_of(text, "en"))
      ++expected[p];
  CHECK(counted(batch.counts) == expected);
  // A phrase spanning the two parts: they were joined before counting.
  CHECK(expected.count("amount looks") == 1);
  for (const auto& [k, n] : batch.counts) {
    CHECK(k.agent_id == "support");
    CHECK(k.day == projections::day_of(t0));
  }
}

TEST_CASE("an event read twice counts once, also after a reload") {
  auto c = billing_call("c1");
  std::map<std::string, std::string> stored;
  std::map<phrase_key, std::int64_t> total;
  std::uint64_t pos = 0;
  // One event per batch, a new fold each time (a restarted node) that
  // loads the stored state; every event is delivered twice.
  for (const auto& e : c.events) {
    for (int copy = 0; copy < 2; ++copy) {
      projections::top_phrases_fold fold;
      std::string error;
      REQUIRE(fold.load(stored, error));
      fold.apply(e, {++pos, 0, 1});
      auto batch = fold.take_batch(false);
      for (auto& [id, state] : batch.states)
        stored[id] = state;
      for (const auto& [k, n] : batch.counts)
        total[k] += n;
    }
  }
  projections::top_phrases_fold once;
  pos = 0;
  for (const auto& e : c.events)
    once.apply(e, {++pos, 0, 1});
  CHECK(total == once.take_batch(false).counts);
}

TEST_CASE("a replay counts the same, all at the end") {
  std::vector<event> events;
  for (const auto& id : {"a", "b", "c"}) {
    auto c = billing_call(id);
    events.insert(events.end(), c.events.begin(), c.events.end());
  }
  projections::top_phrases_fold live, bulk{projections::write_mode::bulk};
  std::map<phrase_key, std::int64_t> live_total;
  std::uint64_t pos = 0;
  for (const auto& e : events) {
    live.apply(e, {++pos, 0, 1});
    bulk.apply(e, {pos, 0, 1});
    for (const auto& [k, n] : live.take_batch(false).counts)
      live_total[k] += n;
    CHECK(bulk.take_batch(false).counts.empty());
  }
  auto last = bulk.take_batch(true);
  CHECK(last.counts == live_total);
  CHECK(counted(last.counts).at("invoice amount") == 6);
}

TEST_CASE("a state that is not this format's is refused") {
  projections::top_phrases_fold fold;
  std::string error;
  CHECK_FALSE(fold.load({{"x", "garbage"}}, error));
  CHECK(error.find("call x") != std::string::npos);
}

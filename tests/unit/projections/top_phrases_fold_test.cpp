// The top_phrases projection's fold: a user turn's phrases are counted
// once, when the turn is final, per agent and UTC day of the call's start.

#include "switchboard/analysis/phrases.hpp"
#include "switchboard/projections/agent_stats_fold.hpp"
#include "switchboard/projections/top_phrases_fold.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>
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

namespace {

/// The phrases of `texts` in `language`, counted.
std::map<std::string, std::int64_t>
phrases(std::initializer_list<const char*> texts, const char* language) {
  std::map<std::string, std::int64_t> out;
  for (const char* text : texts)
    for (const auto& p : analysis::phrases_of(text, language))
      ++out[p];
  return out;
}

std::map<std::string, std::int64_t> fold_all(const call_log& c) {
  projections::top_phrases_fold fold;
  std::uint64_t pos = 0;
  for (const auto& e : c.events)
    fold.apply(e, {++pos, 0, 1});
  return counted(fold.take_batch(false).counts);
}

} // namespace

TEST_CASE("a user turn is final once a later turn begins, it completes, or "
          "the call ends") {
  call_log c{"c1", {}};
  c.add(call_started{"support", "inbound", "pipecat", "", "", "", "en"})
    .add(part(1, 0, "cancel my subscription"));
  auto first = phrases({"cancel my subscription"}, "en");
  REQUIRE_FALSE(first.empty());

  SECTION("still open: nothing counted") {
    c.add(turn_latency_measured{2, 100, 300, 200, 900, false})
      .add(user_interrupted{0})
      .add(speech_changed{speaker::user, false});
    CHECK(fold_all(c).empty());
  }
  SECTION("the agent answers") {
    c.add(agent_spoke{2, 0, "Sure.", 0});
    CHECK(fold_all(c) == first);
  }
  SECTION("a later user turn begins") {
    c.add(part(2, 0, "right now"));
    CHECK(fold_all(c) == first);
  }
  SECTION("the turn completes") {
    c.add(turn_completed{1, speaker::user, 0, 0, false});
    CHECK(fold_all(c) == first);
  }
  SECTION("the call ends") {
    c.add(call_ended{call_status::completed, "user_hangup", 0, 1000});
    CHECK(fold_all(c) == first);
  }
  SECTION("a part after the turn was counted is not counted again") {
    c.add(turn_completed{1, speaker::user, 0, 0, false})
      .add(part(1, 1, "premium subscription"))
      .add(call_ended{call_status::completed, "user_hangup", 0, 1000});
    CHECK(fold_all(c) == first);
  }
  SECTION("a part of the same turn is no later turn") {
    c.add(part(1, 1, "premium plan"))
      .add(call_ended{call_status::completed, "user_hangup", 0, 1000});
    CHECK(fold_all(c)
          == phrases({"cancel my subscription premium plan"}, "en"));
  }
}

TEST_CASE("the call's language chooses the stop words, as the sessions fold "
          "derives it") {
  const char* text = "quiero cancelar la cita de mañana";
  REQUIRE(phrases({text}, "es") != phrases({text}, "en"));
  call_log c{"c1", {}};
  auto said = part(1, 0, text);

  SECTION("the first user turn's language when the start has none") {
    said.language = "es";
    c.add(call_started{"support", "inbound", "pipecat", "", "", "", ""})
      .add(said);
    auto later = part(2, 0, "bonjour");
    later.language = "fr";
    c.add(later).add(
      call_ended{call_status::completed, "user_hangup", 0, 1000});
    CHECK(fold_all(c) == phrases({text, "bonjour"}, "es"));
  }
  SECTION("the start's language first") {
    said.language = "en";
    c.add(call_started{"support", "inbound", "pipecat", "", "", "", "es"})
      .add(said)
      .add(call_ended{call_status::completed, "user_hangup", 0, 1000});
    CHECK(fold_all(c) == phrases({text}, "es"));
  }
}

TEST_CASE("phrases stay with the agent and day they were counted for") {
  constexpr time_us late = 1'764'028'799'000'000; // 2025-11-24 23:59:59 UTC
  projections::top_phrases_fold fold;
  std::uint64_t pos = 0;
  auto at = [&](event e, time_us t) {
    e.env.occurred_at = t;
    fold.apply(e, {++pos, 0, 1});
  };
  call_log c{"c1", {}};
  c.add(call_started{"first", "inbound", "pipecat", "", "", "", "en"})
    .add(part(1, 0, "cancel my subscription"))
    .add(agent_spoke{2, 0, "Let me transfer you.", 0}) // turn 1 is counted
    .add(call_started{"second", "inbound", "pipecat", "", "", "", "en"})
    .add(part(3, 0, "refund my payment"))
    .add(call_ended{call_status::completed, "user_hangup", 0, 1000});
  at(c.events[0], late);
  at(c.events[1], late + 500'000);
  at(c.events[2], late + 700'000);
  at(c.events[3], late + 2'000'000); // after midnight, a transfer
  at(c.events[4], late + 3'000'000);
  at(c.events[5], late + 4'000'000);
  std::map<std::string, std::set<std::string>> agents;
  for (const auto& [k, n] : fold.take_batch(false).counts) {
    agents[k.phrase].insert(k.agent_id);
    CHECK(k.day == projections::day_of(late)); // the call's start
  }
  CHECK(agents.at("cancel my subscription") == std::set<std::string>{"first"});
  CHECK(agents.at("refund my payment") == std::set<std::string>{"second"});
}

TEST_CASE("top_phrases: batches and restarts at any cut count as one pass") {
  std::vector<event> events;
  auto a = billing_call("a").events, b = billing_call("b").events;
  b.pop_back(); // still live: its last turn stays open
  for (std::size_t i = 0; i < a.size(); ++i) {
    events.push_back(a[i]);
    if (i < b.size())
      events.push_back(b[i]);
  }
  projections::top_phrases_fold once;
  for (std::size_t i = 0; i < events.size(); ++i)
    once.apply(events[i], {i + 1, 0, 1});
  auto whole = once.take_batch(true);
  std::map<std::string, std::string> whole_states(whole.states.begin(),
                                                  whole.states.end());

  auto cut = GENERATE(range<std::size_t>(1, 11));
  std::map<phrase_key, std::int64_t> total;
  std::map<std::string, std::string> stored;
  for (std::size_t from = 0; from < events.size(); from += cut) {
    projections::top_phrases_fold fold; // a restarted node
    std::string error;
    REQUIRE(fold.load(stored, error));
    for (auto i = from; i < std::min(events.size(), from + cut); ++i)
      fold.apply(events[i], {i + 1, 0, 1});
    auto batch = fold.take_batch(false);
    for (const auto& [k, n] : batch.counts)
      total[k] += n;
    for (auto& [id, state] : batch.states)
      stored[id] = state;
  }
  CHECK(total == whole.counts);
  CHECK(stored == whole_states);
}

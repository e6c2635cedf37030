// The sessions projection's fold: rows from events, exactly once, fenced
// (by sb::fence, as every reader does), with the call's derived analysis.

#include "switchboard/events/fence.hpp"
#include "switchboard/projections/sessions_fold.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

using namespace sb;

namespace {

const analysis::rules& rules() {
  return analysis::default_rules();
}

/// What the runner does with one read event: fencing, then the fold.
void read(projections::sessions_fold& fold, fence& f, const event& e,
          std::uint32_t partition, std::uint64_t position) {
  if (f.admit(e, partition) && !e.env.call_id.empty())
    fold.apply(e, {position, partition, f.epoch(partition)});
}

struct feed {
  projections::sessions_fold fold{rules()};
  fence fenced;
  std::uint64_t position = 0;
  std::uint64_t seq = 0;

  void apply(event_payload payload, std::uint64_t epoch = 1,
             std::uint64_t at_seq = 0) {
    event e;
    e.env.tenant_id = "default";
    e.env.call_id = "c1";
    e.env.seq = at_seq != 0 ? at_seq : ++seq;
    e.env.epoch = epoch;
    e.env.occurred_at = 1'000'000 * static_cast<time_us>(e.env.seq);
    e.payload = std::move(payload);
    read(fold, fenced, e, 3, ++position);
  }

  db::session_record session() {
    auto batch = fold.take_batch();
    REQUIRE(batch.sessions.size() == 1);
    return batch.sessions.front();
  }
};

} // namespace

TEST_CASE("the first texts belong to the first turns, whatever follows") {
  feed f;
  f.apply(call_started{"bot", "", "pipecat", "", "", "", ""});
  f.apply(user_spoke{1, 0, "I need a new invoice.", 0, 0, "", 0, false});
  f.apply(agent_spoke{2, 0, "Sure.", 0});
  f.apply(agent_spoke{2, 1, "One moment.", 0});
  // A later turn opens with the same words, then grows.
  f.apply(user_spoke{3, 0, "I need a new invoice.", 0, 0, "", 0, false});
  f.apply(user_spoke{3, 1, "For last week.", 0, 0, "", 0, false});
  f.apply(agent_spoke{4, 0, "Sure.", 0});
  f.apply(agent_spoke{4, 1, "Done.", 0});
  auto s = f.session();
  CHECK(s.first_user_text == "I need a new invoice.");
  CHECK(s.first_agent_text == "Sure. One moment.");
  CHECK(s.first_user_turn == 1);
  CHECK(s.first_agent_turn == 2);
  CHECK(s.turn_count == 4);
}

TEST_CASE("an event at or below a session's last seq changes nothing") {
  feed f;
  f.apply(call_started{"bot", "", "pipecat", "", "", "", ""});
  f.apply(user_interrupted{0});
  f.apply(user_interrupted{0}, 1, 2); // the same event again
  auto s = f.session();
  CHECK(s.interruptions == 1);
  CHECK(s.last_seq == 2);
}

TEST_CASE("events of an older epoch after a newer marker are ignored") {
  feed f;
  f.apply(call_started{"bot", "", "pipecat", "", "", "", ""}, 5);
  event marker;
  marker.env.epoch = 9;
  marker.payload = partition_acquired{3, 9, "node-2"};
  read(f.fold, f.fenced, marker, 3, ++f.position);
  f.apply(user_interrupted{0}, 5); // a stale owner's write
  f.apply(user_interrupted{0}, 9);
  auto batch = f.fold.take_batch();
  REQUIRE(batch.sessions.size() == 1);
  CHECK(batch.sessions[0].interruptions == 1);
  CHECK(f.fenced.epochs().at(3) == 9);
  CHECK(f.fenced.fenced() == 1);
}

namespace {

/// The rows a store would hold after committing batches.
struct committed_rows {
  std::map<std::string, db::session_record> sessions;
  std::map<std::pair<std::string, std::int32_t>, db::turn_record> turns;

  void commit(const db::projection_batch& batch) {
    for (const auto& s : batch.sessions)
      sessions[s.id] = s;
    for (const auto& t : batch.turns)
      turns[{t.session_id, t.turn}] = t;
  }

  /// What the runner's loads return for `ids`.
  void load_into(projections::sessions_fold& fold,
                 const std::set<std::string>& ids) const {
    std::vector<db::session_record> s;
    std::map<std::string, db::turn_record> last;
    for (const auto& id : ids)
      if (auto i = sessions.find(id); i != sessions.end())
        s.push_back(i->second);
    for (const auto& [key, t] : turns)
      if (ids.count(key.first))
        last[key.first] = t; // ordered by turn: the last one wins
    std::vector<db::turn_record> t;
    for (auto& [id, turn] : last)
      t.push_back(turn);
    fold.load(std::move(s), std::move(t));
  }
};

event call_event(const std::string& call, std::uint64_t seq,
                 event_payload payload) {
  event e;
  e.env.tenant_id = "default";
  e.env.call_id = call;
  e.env.seq = seq;
  e.env.epoch = 1;
  e.env.occurred_at = 1'000'000 * static_cast<time_us>(seq);
  e.payload = std::move(payload);
  return e;
}

} // namespace

TEST_CASE("a fold carried over batches writes what fresh folds that reload "
          "the store write") {
  // Two calls interleaved; c1 ends in the second batch and gets a late
  // event in the third; c2's turn 2 is completed only after turn 3 began.
  std::vector<std::vector<event>> batches{
    {call_event("c1", 1, call_started{"bot", "", "pipecat", "", "", "", ""}),
     call_event("c2", 1, call_started{"bot", "", "pipecat", "", "", "", ""}),
     call_event("c1", 2, user_spoke{1, 0, "Hello", 0, 0, "", 0, false}),
     call_event("c2", 2, user_spoke{1, 0, "Hi", 0, 0, "", 0, false})},
    {call_event("c1", 3, agent_spoke{2, 0, "Welcome.", 0}),
     call_event("c2", 3, agent_spoke{2, 0, "Hi there,", 0}),
     call_event("c1", 4,
                call_ended{call_status::completed, "user_hangup", 0, 3000}),
     call_event("c2", 4, agent_spoke{2, 1, "how can I help?", 0}),
     call_event("c2", 5, user_spoke{3, 0, "Invoices.", 0, 0, "", 0, false})},
    {call_event("c2", 6, turn_completed{2, speaker::agent, 10, 20, true}),
     call_event("c1", 5, usage_recorded{"llm", 10, 5, 0, 0}),
     call_event("c2", 7, user_spoke{3, 1, "Please.", 0, 0, "", 0, false}),
     call_event("c2", 8, user_interrupted{3})},
  };
  committed_rows carried, fresh;
  projections::sessions_fold kept{rules()};
  std::uint64_t position = 0;
  for (const auto& events : batches) {
    std::set<std::string> ids, unseen;
    for (const auto& e : events) {
      ids.insert(e.env.call_id);
      if (!kept.holds(e.env.call_id))
        unseen.insert(e.env.call_id);
    }
    carried.load_into(kept, unseen);
    projections::sessions_fold once{rules()};
    fresh.load_into(once, ids);
    for (const auto& e : events) {
      ++position;
      kept.apply(e, {position, 0, 1});
      once.apply(e, {position, 0, 1});
    }
    carried.commit(kept.take_batch());
    kept.trim(100);
    fresh.commit(once.take_batch());
    REQUIRE(carried.sessions.size() == fresh.sessions.size());
    for (const auto& [id, s] : fresh.sessions) {
      const auto& c = carried.sessions.at(id);
      CHECK(c.status == s.status);
      CHECK(c.turn_count == s.turn_count);
      CHECK(c.interruptions == s.interruptions);
      CHECK(c.llm_prompt_tokens == s.llm_prompt_tokens);
      CHECK(c.first_agent_text == s.first_agent_text);
      CHECK(c.last_seq == s.last_seq);
      CHECK(c.sentiment_sum_e6 == s.sentiment_sum_e6);
      CHECK(c.sentiment == s.sentiment);
      CHECK(c.tags == s.tags);
      CHECK(c.main_request == s.main_request);
      CHECK(c.summary == s.summary);
      CHECK(c.cost_total == s.cost_total);
    }
    REQUIRE(carried.turns.size() == fresh.turns.size());
    for (const auto& [key, t] : fresh.turns) {
      const auto& c = carried.turns.at(key);
      CHECK(c.text == t.text);
      CHECK(c.interrupted == t.interrupted);
      CHECK(c.ended_at == t.ended_at);
    }
  }
  CHECK(carried.sessions.at("c1").llm_prompt_tokens == 10);
  CHECK(carried.turns.at({"c2", 3}).text == "Invoices. Please.");
  // Turn 2 was no longer the last when its completion came: neither fold
  // applies it, whatever the batching.
  CHECK_FALSE(carried.turns.at({"c2", 2}).interrupted);
}

TEST_CASE("trim keeps live calls with their last turn and drops ended ones") {
  projections::sessions_fold fold{rules()};
  std::uint64_t position = 0;
  for (const auto& e :
       {call_event("live", 1, user_spoke{1, 0, "One", 0, 0, "", 0, false}),
        call_event("live", 2, agent_spoke{2, 0, "Two", 0}),
        call_event("done", 1, user_spoke{1, 0, "Bye", 0, 0, "", 0, false}),
        call_event("done", 2,
                   call_ended{call_status::completed, "user_hangup", 0, 3000})})
    fold.apply(e, {++position, 0, 1});
  (void)fold.take_batch();
  fold.trim(100);
  CHECK(fold.holds("live"));
  CHECK_FALSE(fold.holds("done"));
  // The live call's first turn is gone: a part of it adds nothing.
  fold.apply(
    call_event("live", 3, user_spoke{1, 1, "more", 0, 0, "", 0, false}),
    {++position, 0, 1});
  fold.apply(call_event("live", 4, agent_spoke{2, 1, "Three", 0}),
             {++position, 0, 1});
  auto batch = fold.take_batch();
  REQUIRE(batch.turns.size() == 1);
  CHECK(batch.turns[0].text == "Two Three");
  fold.trim(0); // over the bound: everything goes
  CHECK_FALSE(fold.holds("live"));
}

TEST_CASE("a call is live from its first event until it ends") {
  feed f;
  event marker;
  marker.payload = partition_acquired{3, 5, "node-1"};
  read(f.fold, f.fenced, marker, 3, ++f.position); // epoch 5 from here
  f.apply(call_started{"bot", "", "pipecat", "", "", "", ""}, 5);
  f.apply(user_interrupted{0}, 5);
  auto first = f.fold.take_batch();
  REQUIRE(first.live_started.size() == 1);
  CHECK(first.live_started[0].call_id == "c1");
  CHECK(first.live_started[0].partition == 3);
  CHECK(first.live_started[0].first_position == 2); // its seq-1 event
  CHECK(first.live_started[0].epoch == 5);
  CHECK(first.live_ended.empty());

  f.apply(user_interrupted{0}, 5); // still live: its view changes
  auto second = f.fold.take_batch();
  CHECK(second.live_started.empty());
  REQUIRE(second.live_changed.size() == 1);
  CHECK(second.live_changed[0].status == "active");
  CHECK(second.live_changed[0].last_activity_at == 3'000'000);
  CHECK(second.live_ended.empty());

  f.apply(call_ended{call_status::completed, "user_hangup", 0, 3000}, 5);
  auto third = f.fold.take_batch();
  CHECK(third.live_started.empty());
  CHECK(third.live_ended == std::vector<std::string>{"c1"});
}

TEST_CASE("a call that starts and ends in one batch is never live") {
  feed f;
  f.apply(call_started{"bot", "", "pipecat", "", "", "", ""});
  f.apply(call_ended{call_status::failed, "error", 0, 10});
  auto batch = f.fold.take_batch();
  CHECK(batch.live_started.empty());
  CHECK(batch.live_ended == std::vector<std::string>{"c1"});
}

// The sessions projection's fold: rows from events, exactly once, fenced.

#include "switchboard/projections/sessions_fold.hpp"

#include <catch2/catch.hpp>

using namespace sb;

namespace {

struct feed {
  projections::sessions_fold fold{db::checkpoint{"sessions", 0, {}}};
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
    fold.apply(e, 3, ++position);
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
  f.fold.apply(marker, 3, ++f.position);
  f.apply(user_interrupted{0}, 5); // a stale owner's write
  f.apply(user_interrupted{0}, 9);
  auto batch = f.fold.take_batch();
  REQUIRE(batch.sessions.size() == 1);
  CHECK(batch.sessions[0].interruptions == 1);
  CHECK(batch.next.epochs.at(3) == 9);
  CHECK(batch.next.position == f.position);
}

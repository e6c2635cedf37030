// Rebuilding a partition's calls from its events: fencing by epoch, and
// decisions cut short by a crash left out so they are decided again.

#include "router/rehydration.hpp"

#include <catch2/catch.hpp>

using namespace sb;

namespace {

event marker(std::uint64_t epoch) {
  event e;
  e.env.epoch = epoch;
  e.payload = partition_acquired{5, epoch, "node-1"};
  return e;
}

event of_call(const std::string& call, std::uint64_t seq, std::uint64_t epoch,
              event_payload payload, std::uint16_t index = 0,
              std::uint16_t size = 1) {
  event e;
  e.env.tenant_id = "default";
  e.env.call_id = call;
  e.env.seq = seq;
  e.env.epoch = epoch;
  e.env.occurred_at = 1000 * static_cast<time_us>(seq);
  e.env.source_position = 100 + seq;
  e.env.group_index = index;
  e.env.group_size = size;
  e.payload = std::move(payload);
  return e;
}

const call::call_state* find(const rehydrated_partition& r,
                             const std::string& id) {
  for (const auto& st : r.live)
    if (st.call_id == id)
      return &st;
  for (const auto& st : r.ended)
    if (st.call_id == id)
      return &st;
  return nullptr;
}

} // namespace

TEST_CASE("calls are rebuilt live or ended from their events") {
  router::partition_fold fold{5};
  fold.apply(marker(10));
  fold.apply(of_call("live", 1, 10, call_started{}));
  fold.apply(of_call("done", 1, 10, call_started{}));
  fold.apply(of_call("done", 2, 10,
                     call_ended{call_status::completed, "pipeline_finished",
                                2000, 1000}));
  auto r = std::move(fold).finish(11);
  CHECK(r.partition == 5);
  CHECK(r.epoch == 11);
  REQUIRE(r.live.size() == 1);
  CHECK(r.live[0].call_id == "live");
  CHECK(r.live[0].status == call_status::active);
  REQUIRE(r.ended.size() == 1);
  CHECK(r.ended[0].seq == 2);
  CHECK(r.ended[0].end_reason == "pipeline_finished");
}

TEST_CASE("what a stale owner wrote after a newer marker is ignored") {
  router::partition_fold fold{5};
  fold.apply(marker(10));
  fold.apply(of_call("c", 1, 10, call_started{}));
  fold.apply(marker(20)); // another node took the partition
  // The old owner, paused, wakes up and writes an end it had decided.
  fold.apply(of_call("c", 2, 10,
                     call_ended{call_status::completed, "x", 2000, 1000}));
  CHECK(fold.fenced() == 1);
  auto r = std::move(fold).finish(30);
  REQUIRE(r.live.size() == 1);
  CHECK(r.live[0].seq == 1);
}

TEST_CASE("a decision cut short by a crash is left out whole") {
  router::partition_fold fold{5};
  fold.apply(of_call("c", 1, 10, call_started{}));
  // One signal decided two events; the node died after storing the first.
  fold.apply(of_call("c", 2, 10,
                     turn_completed{1, speaker::user, 100, 200, false}, 0, 2));
  auto r = std::move(fold).finish(11);
  const auto* st = find(r, "c");
  REQUIRE(st != nullptr);
  CHECK(st->seq == 1); // so the redelivered signal is decided again
  CHECK(st->last_position.stream_seq == 101);
}

TEST_CASE("a group completed by the next owner is applied whole") {
  router::partition_fold fold{5};
  fold.apply(marker(10));
  fold.apply(of_call("c", 1, 10, call_started{}));
  fold.apply(of_call("c", 2, 10,
                     turn_completed{1, speaker::user, 100, 200, false}, 0, 2));
  fold.apply(marker(20));
  SECTION("inside the dedupe window only the missing part is stored") {
    fold.apply(of_call("c", 3, 20, agent_spoke{2, 0, "Hi", 3000}, 1, 2));
  }
  SECTION("after it, the whole decision is stored again") {
    fold.apply(of_call("c", 2, 20,
                       turn_completed{1, speaker::user, 100, 200, false}, 0,
                       2));
    fold.apply(of_call("c", 3, 20, agent_spoke{2, 0, "Hi", 3000}, 1, 2));
  }
  auto r = std::move(fold).finish(30);
  const auto* st = find(r, "c");
  REQUIRE(st != nullptr);
  CHECK(st->seq == 3);
  CHECK(st->turn.number == 2);
  CHECK(st->turn.text == "Hi");
}

// memory_store shows the store contract (tests/support/store_contract.hpp).

#include "support/store_contract.hpp"

#include "switchboard/db/memory_store.hpp"

#include <atomic>
#include <thread>

using namespace sb::test::store_contract;
using sb::db::memory_store;

TEST_CASE("memory_store: commit stores rows and checkpoint") {
  memory_store s;
  commit_stores_rows_and_checkpoint(s);
}

TEST_CASE("memory_store: a checkpoint conflict writes nothing") {
  memory_store s;
  conflict_writes_nothing(s);
}

TEST_CASE("memory_store: projections are independent") {
  memory_store s;
  projections_are_independent(s);
}

TEST_CASE("memory_store: upserts replace rows") {
  memory_store s;
  upsert_replaces(s);
}

TEST_CASE("memory_store: tenants are isolated") {
  memory_store s;
  tenants_are_isolated(s);
}

TEST_CASE("memory_store: api keys authenticate") {
  memory_store s;
  api_keys_authenticate(s);
}

TEST_CASE("memory_store: text round-trips") {
  memory_store s;
  text_round_trips(s);
}

TEST_CASE("memory_store: times round-trip") {
  memory_store s;
  times_round_trip(s);
}

TEST_CASE("memory_store: live calls bound rehydration") {
  memory_store s;
  live_calls_bound_rehydration(s);
}

TEST_CASE("memory_store: placeholder sessions are promoted") {
  memory_store s;
  placeholder_sessions_are_promoted(s);
  CHECK(s.session_rows() == 1);
}

TEST_CASE("memory_store: concurrent writers, one winner per position") {
  memory_store s;
  constexpr int rounds = 200;
  std::atomic<int> wins{0};
  auto writer = [&](std::string tag) {
    for (std::uint64_t pos = 0; pos < rounds; ++pos) {
      auto cp = s.load_checkpoint("sessions");
      if (!cp)
        continue;
      auto b = make_batch(cp->position, cp->position + 1,
                          {make_session(tag + std::to_string(pos), "acme")});
      if (s.commit(b))
        ++wins;
    }
  };
  std::thread a{writer, "a-"};
  std::thread b{writer, "b-"};
  a.join();
  b.join();
  auto cp = s.load_checkpoint("sessions");
  REQUIRE(cp);
  CHECK(cp->position == static_cast<std::uint64_t>(wins.load()));
  CHECK(s.session_rows() == static_cast<std::size_t>(wins.load()));
}

// Upsert throughput of pg_store::commit. Hidden from the default run:
//   integration_db "[.bench]"

#include "pg_fixture.hpp"

#include "support/store_contract.hpp"

#include <chrono>
#include <cstdio>

using namespace sb::test;
using namespace sb::test::store_contract;

namespace {

/// Commits `batches` batches of `n` sessions with `turns_per` turns each and
/// returns rows (sessions + turns) per second.
double measure(sb::db::store& s, std::uint64_t& pos, int batches, int n,
               int turns_per, const std::string& round) {
  using clock = std::chrono::steady_clock;
  double seconds = 0;
  for (int b = 0; b < batches; ++b) {
    std::vector<session_record> sessions;
    std::vector<turn_record> turns;
    for (int i = 0; i < n; ++i) {
      auto row = make_session("call-" + std::to_string(b) + "-"
                                + std::to_string(i),
                              "acme", t0 + i * 1'000'000);
      row.last_seq = pos;
      row.status = round;
      for (int t = 1; t <= turns_per; ++t)
        turns.push_back(make_turn(row, t, "turn text number "
                                            + std::to_string(t) + round));
      sessions.push_back(std::move(row));
    }
    auto start = clock::now();
    auto res = s.commit(make_batch(pos, pos + 1, sessions, turns));
    seconds += std::chrono::duration<double>(clock::now() - start).count();
    REQUIRE(res);
    ++pos;
  }
  return batches * n * (1.0 + turns_per) / seconds;
}

} // namespace

TEST_CASE("pg_store: upsert throughput", "[.bench]") {
  for (int n : {100, 1000, 5000}) {
    auto s = fresh_store();
    std::uint64_t pos = 0;
    int batches = n >= 5000 ? 4 : 20;
    auto inserted = measure(*s, pos, batches, n, 4, "insert");
    auto updated = measure(*s, pos, batches, n, 4, "update");
    std::printf("batch of %5d sessions + %5d turns: insert %8.0f rows/s, "
                "update %8.0f rows/s\n",
                n, 4 * n, inserted, updated);
  }
}

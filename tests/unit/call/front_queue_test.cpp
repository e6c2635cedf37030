// The call actor's FIFO: order kept while the consumed head is cut off in
// blocks, under a backlog that grows and drains.

#include "call/front_queue.hpp"

#include <catch2/catch.hpp>

#include <string>

using sb::call::front_queue;

TEST_CASE("a front_queue gives back what was pushed, in order, across "
          "compactions") {
  front_queue<std::string> q;
  CHECK(q.empty());
  int pushed = 0, popped = 0;
  // A backlog of up to ~1,000 that is fed and drained unevenly, so the head
  // is cut off many times with elements still behind it.
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 37 + round % 7 * 11; ++i)
      q.push_back("event " + std::to_string(pushed++));
    for (int i = 0; i < 30 + round % 5 * 9 && !q.empty(); ++i) {
      REQUIRE(q.front() == "event " + std::to_string(popped));
      q.pop_front();
      ++popped;
    }
    CHECK(q.size() == static_cast<std::size_t>(pushed - popped));
  }
  while (!q.empty()) {
    REQUIRE(q.front() == "event " + std::to_string(popped++));
    q.pop_front();
  }
  CHECK(popped == pushed);
  CHECK(q.size() == 0);
  q.push_back("after"); // usable again once emptied
  CHECK(q.front() == "after");
}

#include "switchboard/analysis/success.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace sb::analysis;

TEST_CASE("a provider's verdict decides when it says success or failure") {
  CHECK(judge("failed", "error", 0, "Success") == outcome::success);
  CHECK(judge("completed", "pipeline_finished", 0, " FAILED ")
        == outcome::failure);
  CHECK(judge("completed", "pipeline_finished", 0, "successful")
        == outcome::success);
  CHECK(judge("completed", "pipeline_finished", 2, "false")
        == outcome::failure);
  // Anything else is no verdict: the call's ending decides.
  CHECK(judge("completed", "pipeline_finished", 0, "maybe")
        == outcome::success);
  CHECK(judge("failed", "error", 0, "n/a") == outcome::failure);
}

TEST_CASE("without a verdict the ending decides") {
  CHECK(judge("active", "", 0, "") == outcome::unknown);
  CHECK(judge("ringing", "", 0, "") == outcome::unknown);
  CHECK(judge("queued", "", 0, "") == outcome::unknown);
  CHECK(judge("failed", "error", 0, "") == outcome::failure);
  CHECK(judge("missed", "no_answer", 0, "") == outcome::failure);
  CHECK(judge("declined", "busy", 0, "") == outcome::failure);
  CHECK(judge("completed", "max_duration", 0, "") == outcome::failure);
  CHECK(judge("completed", "error", 0, "") == outcome::failure);
  CHECK(judge("completed", "signal_lost", 0, "") == outcome::failure);
  CHECK(judge("completed", "pipeline_finished", 1, "") == outcome::unknown);
  CHECK(judge("completed", "pipeline_finished", 0, "") == outcome::success);
  CHECK(judge("completed", "cancelled", 0, "") == outcome::success);
  CHECK(judge("completed", "idle_timeout", 0, "") == outcome::success);
}

TEST_CASE("outcome names round-trip") {
  CHECK(std::string{to_string(outcome::success)} == "success");
  CHECK(std::string{to_string(outcome::failure)} == "failure");
  CHECK(std::string{to_string(outcome::unknown)} == "unknown");
  for (auto o : {outcome::unknown, outcome::failure, outcome::success})
    CHECK(outcome_from_string(to_string(o)) == o);
  CHECK_FALSE(outcome_from_string("ok"));
}

// The sessions fold's derived analysis and its bulk mode: what a user reads
// in a session row (sentiment, tags, summary, success, cost, latency), and
// a replay that writes each call's rows once.

#include "switchboard/analysis/cost.hpp"
#include "switchboard/projections/sessions_fold.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace sb;

namespace {

event call_event(const std::string& call, std::uint64_t seq,
                 event_payload payload) {
  event e;
  e.env.tenant_id = "default";
  e.env.call_id = call;
  e.env.seq = seq;
  e.env.epoch = 1;
  // 2025-06-01, after the default prices' effective date.
  e.env.occurred_at
    = 1'748'736'000'000'000 + 1'000'000 * static_cast<time_us>(seq);
  e.payload = std::move(payload);
  return e;
}

user_spoke said(std::uint32_t turn, std::string text) {
  return user_spoke{turn, 0, std::move(text), 0, 0, "en", 0.9, false};
}

/// A whole call: started in English, two user turns, usage, an end.
std::vector<event> unhappy_call(const std::string& id) {
  std::vector<event> out;
  std::uint64_t seq = 0;
  auto add = [&](event_payload p) {
    out.push_back(call_event(id, ++seq, std::move(p)));
  };
  add(call_started{"bot", "inbound", "pipecat", "", "", "", "en"});
  add(said(1, "This is terrible, I am really frustrated."));
  add(agent_spoke{2, 0, "I am sorry to hear that.", 0});
  add(turn_latency_measured{2, 100, 300, 120, 800, false});
  add(said(3, "How much does it cost to cancel my subscription?"));
  add(turn_latency_measured{4, 100, 300, 120, 2000, true}); // interrupted
  add(turn_latency_measured{4, 100, 300, 120, 600, false});
  add(usage_recorded{"OpenAILLMService#0", 1000, 200, 0, 0});
  add(tool_invoked{"lookup", "{}", "", 12, "timeout"});
  add(call_ended{call_status::completed, "user_hangup", 0, 61'000});
  return out;
}

} // namespace

TEST_CASE("a session row carries the call's derived analysis") {
  projections::sessions_fold fold{analysis::default_rules()};
  std::uint64_t position = 0;
  for (const auto& e : unhappy_call("c1"))
    fold.apply(e, {++position, 0, 1});
  auto batch = fold.take_batch();
  REQUIRE(batch.sessions.size() == 1);
  const auto& s = batch.sessions[0];
  CHECK(s.sentiment == "negative");
  CHECK(s.sentiment_score < 0);
  CHECK(s.sentiment_turns == 2);
  // "How much ... cost" and "cancel" are keywords of the default rules.
  CHECK(std::find(s.tags.begin(), s.tags.end(), "pricing") != s.tags.end());
  CHECK(std::find(s.tags.begin(), s.tags.end(), "cancellation")
        != s.tags.end());
  CHECK(s.main_request == "How much does it cost to cancel my subscription?");
  CHECK(s.summary.find("How much does it cost") != std::string::npos);
  CHECK(s.summary.find("completed (user_hangup)") != std::string::npos);
  // A tool failed: whether the call recovered, the events do not say.
  CHECK(s.tool_calls == 1);
  CHECK(s.tool_errors == 1);
  CHECK(s.success == "unknown");
  // The latency measured while the user interrupted stays out.
  CHECK(s.user_to_bot_samples == std::vector<double>{800, 600});
  CHECK(s.latency_p50_ms == 600);
  CHECK(s.latency_p95_ms == 800);
  // Cost: the LLM usage at its price, plus 2 billed minutes of telephony.
  analysis::usage_line line{"OpenAILLMService#0", "", 1000, 200, 0, 0, 0};
  auto expected = analysis::price_call(analysis::default_rules(), s.started_at,
                                       {line}, 61'000, "inbound");
  CHECK(s.cost_llm_prompt == expected[analysis::component::llm_prompt]);
  CHECK(s.cost_telephony == expected[analysis::component::telephony]);
  CHECK(s.cost_telephony > 0);
  CHECK(s.cost_total == expected.total());
  CHECK(s.rules_version == analysis::default_rules().version);
}

TEST_CASE("an outside analysis takes precedence over the derived one") {
  projections::sessions_fold fold{analysis::default_rules()};
  std::uint64_t position = 0;
  auto events = unhappy_call("c1");
  events.push_back(call_event("c1", 11,
                              call_analyzed{"Caller wanted to cancel.",
                                            "neutral",
                                            {"churn"},
                                            R"({"call_successful":"success"})",
                                            ""}));
  for (const auto& e : events)
    fold.apply(e, {++position, 0, 1});
  const auto s = fold.take_batch().sessions.at(0);
  CHECK(s.summary == "Caller wanted to cancel.");
  CHECK(s.sentiment == "neutral");
  CHECK(s.success == "success");
  CHECK(std::find(s.tags.begin(), s.tags.end(), "churn") != s.tags.end());
}

TEST_CASE("a replay's bulk fold writes each call once, when it has ended") {
  projections::sessions_fold fold{analysis::default_rules(),
                                  projections::write_mode::bulk};
  projections::sessions_fold live{analysis::default_rules()};
  std::uint64_t position = 0;
  auto ended = unhappy_call("done");
  std::vector<event> open(ended.begin(), ended.begin() + 3);
  for (auto& e : open)
    e.env.call_id = "open";
  for (const auto* list : {&ended, &open})
    for (const auto& e : *list) {
      ++position;
      fold.apply(e, {position, 0, 1});
      live.apply(e, {position, 0, 1});
    }
  auto first = fold.take_batch();
  fold.trim(100);
  // Only the ended call is written, and copied in as new rows.
  REQUIRE(first.new_sessions.size() == 1);
  CHECK(first.new_sessions[0].id == "done");
  CHECK(first.sessions.empty());
  CHECK(first.new_turns.size() == 3);
  CHECK(first.live_started.empty());
  // The final batch writes the live call, whole, and its live_calls row.
  auto last = fold.take_batch(true);
  REQUIRE(last.new_sessions.size() == 1);
  CHECK(last.new_sessions[0].id == "open");
  CHECK(last.new_turns.size() == 2);
  REQUIRE(last.live_started.size() == 1);
  CHECK(last.live_started[0].call_id == "open");
  CHECK(last.live_started[0].turn_count == 2);
  CHECK(last.live_started[0].last_utterance == "I am sorry to hear that.");
  // The same rows as the incremental fold's.
  auto inc = live.take_batch();
  REQUIRE(inc.sessions.size() == 2);
  for (const auto& s : inc.sessions) {
    const auto& b
      = s.id == "done" ? first.new_sessions[0] : last.new_sessions[0];
    CHECK(b.status == s.status);
    CHECK(b.cost_total == s.cost_total);
    CHECK(b.sentiment_sum_e6 == s.sentiment_sum_e6);
    CHECK(b.summary == s.summary);
    CHECK(b.tags == s.tags);
  }
  // A late amendment to the call written before: loaded, then upserted.
  CHECK_FALSE(fold.holds("done"));
  CHECK(fold.holds("never-seen"));
}

TEST_CASE("a call is priced as a whole: its cost is rounded once") {
  // 0.1 USD per 1M prompt tokens: 0.3 micro-USD per usage event, which
  // would round to 0 each time; the call's 9 tokens cost 0.9, so 1.
  projections::sessions_fold fold{analysis::default_rules()};
  std::uint64_t seq = 0;
  auto add = [&](event_payload p) {
    fold.apply(call_event("priced", ++seq, std::move(p)), {seq, 0, 1});
  };
  add(call_started{"bot", "web", "pipecat", "", "", "", "en"});
  for (int i = 0; i < 3; ++i)
    add(usage_recorded{"GoogleLLMService#0", 3, 0, 0, 0});
  add(usage_recorded{"OpenAILLMService#0", 10, 0, 0, 0});
  auto s = fold.take_batch().sessions.at(0);
  REQUIRE(s.usage.size() == 2); // per service, in order
  CHECK(s.usage[0].service == "GoogleLLMService#0");
  CHECK(s.usage[0].llm_prompt_tokens == 9);
  CHECK(s.usage[1].llm_prompt_tokens == 10);
  // 9 x 0.1 + 10 x 2.5 = 25.9 micro-USD.
  CHECK(s.cost_llm_prompt == 26);
  CHECK(s.cost_total == 26);
}

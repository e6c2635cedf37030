// The agent_stats projection's fold: per-bucket deltas that add up to the
// calls' sessions rows, moved when a call ends or changes key, the same
// whether folded in one pass or batch by batch with the state reloaded.

#include "switchboard/analysis/latency_histogram.hpp"
#include "switchboard/projections/agent_stats_fold.hpp"
#include "switchboard/projections/sessions_fold.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using namespace sb;
using projections::stats_key;
using projections::stats_row;

namespace {

const analysis::rules& rules() {
  return analysis::default_rules();
}

constexpr time_us t0 = 1'764'000'000'000'000; // 2025-11-24 16:00:00 UTC

/// Events of one call with consecutive seqs, one second apart.
struct call_log {
  std::string id;
  std::vector<event> events;
  time_us at = t0;

  explicit call_log(std::string call_id, time_us start = t0)
    : id(std::move(call_id)), at(start) {}

  call_log& add(event_payload payload) {
    event e;
    e.env.tenant_id = "acme";
    e.env.call_id = id;
    e.env.seq = events.size() + 1;
    e.env.epoch = 1;
    e.env.occurred_at = at;
    at += 1'000'000;
    e.payload = std::move(payload);
    events.push_back(std::move(e));
    return *this;
  }
};

call_started started(std::string agent, std::string language = "en") {
  call_started x;
  x.agent_id = std::move(agent);
  x.direction = "inbound";
  x.provider = "pipecat";
  x.language = std::move(language);
  return x;
}

user_spoke said(std::uint32_t turn, std::string text) {
  user_spoke x;
  x.turn = turn;
  x.text = std::move(text);
  return x;
}

metric_measured ttfb(std::string service, double ms, bool interrupted) {
  metric_measured x;
  x.service = std::move(service);
  x.metric = "ttfb";
  x.value_ms = ms;
  x.during_interruption = interrupted;
  return x;
}

call_ended ended(call_status status, std::string reason, time_us at,
                 std::int64_t duration_ms) {
  call_ended x;
  x.status = status;
  x.end_reason = std::move(reason);
  x.ended_at = at;
  x.duration_ms = duration_ms;
  return x;
}

usage_recorded llm_usage(std::int64_t prompt, std::int64_t completion) {
  usage_recorded x;
  x.service = "OpenAILLMService#0";
  x.llm_prompt_tokens = prompt;
  x.llm_completion_tokens = completion;
  return x;
}

/// A table as the writer leaves it: the deltas of every batch added up,
/// rows of no session gone.
using table = std::map<stats_key, stats_row>;

void add_to(table& t, const std::map<stats_key, stats_row>& deltas) {
  for (const auto& [key, delta] : deltas) {
    t[key].add(delta, +1);
    if (t[key].sessions == 0) {
      CHECK(t[key].empty()); // nothing left behind with the last call
      t.erase(key);
    }
  }
}

struct tables {
  table hourly, daily;
};

/// Folds `events` in batches of `batch_size`, as the live projection does:
/// after each batch the fold may be a new one that loads the stored states
/// of the next batch's calls (`forget`), like a restarted node.
tables fold_incrementally(const std::vector<event>& events,
                          std::size_t batch_size, bool forget) {
  tables out;
  std::map<std::string, std::string> stored;
  auto fold = std::make_unique<projections::agent_stats_fold>(
    rules(), projections::write_mode::incremental);
  std::uint64_t position = 0;
  for (std::size_t i = 0; i < events.size(); i += batch_size) {
    auto end = std::min(events.size(), i + batch_size);
    std::map<std::string, std::string> wanted;
    for (auto j = i; j < end; ++j) {
      const auto& id = events[j].env.call_id;
      if (!fold->holds(id) && stored.count(id) > 0)
        wanted[id] = stored[id];
    }
    std::string error;
    REQUIRE(fold->load(wanted, error));
    for (auto j = i; j < end; ++j)
      fold->apply(events[j], {++position, 0, 1});
    auto batch = fold->take_batch(false, 100000);
    add_to(out.hourly, batch.hourly);
    add_to(out.daily, batch.daily);
    for (auto& [id, state] : batch.states)
      stored[id] = state;
    if (forget)
      fold = std::make_unique<projections::agent_stats_fold>(
        rules(), projections::write_mode::incremental);
  }
  return out;
}

tables fold_in_bulk(const std::vector<event>& events) {
  projections::agent_stats_fold fold{rules(), projections::write_mode::bulk};
  tables out;
  std::uint64_t position = 0;
  for (std::size_t i = 0; i < events.size(); i += 1000) {
    auto end = std::min(events.size(), i + 1000);
    for (auto j = i; j < end; ++j)
      fold.apply(events[j], {++position, 0, 1});
    auto batch = fold.take_batch(false, 100000);
    CHECK(batch.hourly.empty()); // written once, at the end
  }
  auto last = fold.take_batch(true, 100000);
  add_to(out.hourly, last.hourly);
  add_to(out.daily, last.daily);
  return out;
}

/// Interleaves the calls' events the way a log mixes live calls.
std::vector<event> interleave(const std::vector<call_log>& calls) {
  std::vector<event> out;
  std::size_t longest = 0;
  for (const auto& c : calls)
    longest = std::max(longest, c.events.size());
  for (std::size_t i = 0; i < longest; ++i)
    for (const auto& c : calls)
      if (i < c.events.size())
        out.push_back(c.events[i]);
  return out;
}

std::vector<call_log> three_calls() {
  call_log a{"a"}, b{"b", t0 + 30 * 60'000'000LL}, c{"c", t0 + 3'600'000'000};
  a.add(started("support"))
    .add(said(1, "I am very happy with the booking, thanks"))
    .add(llm_usage(1200, 80))
    .add(ttfb("OpenAILLMService#0", 420, false))
    .add(ttfb("CartesiaTTSService#0", 180, true))
    .add(ended(call_status::completed, "user_hangup", t0 + 5'000'000, 5000));
  b.add(started("support"))
    .add(said(1, "This is terrible, cancel my plan"))
    .add(tool_invoked{"cancel_plan", "{}", "", 120, "timeout"})
    .add(ttfb("DeepgramSTTService#0", 90, false))
    .add(
      ended(call_status::failed, "pipeline_error", t0 + 1'805'000'000, 4000));
  c.add(started("sales", "de"))
    .add(said(1, "Guten Tag"))
    .add(llm_usage(500, 20)); // still live
  return {a, b, c};
}

} // namespace

TEST_CASE("each call counts in the UTC hour and day of its start") {
  auto t = fold_in_bulk(interleave(three_calls()));
  stats_key hour16{"acme", "support", projections::hour_of(t0), "inbound",
                   "en"};
  stats_key hour17{"acme", "sales", projections::hour_of(t0) + 3'600'000'000,
                   "inbound", "de"};
  REQUIRE(t.hourly.size() == 2);
  const auto& support = t.hourly.at(hour16);
  CHECK(support.sessions == 2);
  CHECK(
    support.by_status
    == std::map<std::string, std::int64_t>{{"completed", 1}, {"failed", 1}});
  CHECK(support.by_end_reason
        == std::map<std::string, std::int64_t>{{"pipeline_error", 1},
                                               {"user_hangup", 1}});
  CHECK(support.duration_ms_sum == 9000);
  CHECK(support.success == 1);
  CHECK(support.failure == 1);
  CHECK(support.sentiment_positive == 1);
  CHECK(support.sentiment_negative == 1);
  CHECK(support.tool_calls == 1);
  CHECK(support.tool_errors == 1);
  CHECK(support.cost_llm_prompt > 0);
  CHECK(t.hourly.at(hour17).by_status
        == std::map<std::string, std::int64_t>{{"active", 1}});
  CHECK(t.hourly.at(hour17).sentiment_unknown == 1); // German: not scored
  // The day holds both hours: one row per agent.
  REQUIRE(t.daily.size() == 2);
  auto day = hour16;
  day.bucket = projections::day_of(t0);
  CHECK(t.daily.at(day).sessions == 2);
}

TEST_CASE("a TTFB measured while the user interrupted is counted apart") {
  auto t = fold_in_bulk(interleave(three_calls()));
  const auto& support = t.hourly.at(
    stats_key{"acme", "support", projections::hour_of(t0), "inbound", "en"});
  CHECK(support.llm_ttfb.count == 1);
  CHECK(support.llm_ttfb.sum_us == 420'000);
  CHECK(support.llm_ttfb.counts[analysis::bucket_of(420)] == 1);
  CHECK(support.stt.count == 1);
  CHECK(support.tts_ttfb.count == 0); // the interrupted one
  CHECK(support.ttfb_interrupted == 1);
}

TEST_CASE("the tables hold the sums of the calls' sessions rows") {
  auto calls = three_calls();
  auto events = interleave(calls);
  projections::sessions_fold sessions{rules()};
  std::uint64_t position = 0;
  for (const auto& e : events)
    sessions.apply(e, {++position, 0, 1});
  auto rows = sessions.take_batch().sessions;
  REQUIRE(rows.size() == 3);
  std::int64_t cost = 0, turns = 0, duration = 0;
  for (const auto& s : rows) {
    cost += s.cost_total;
    turns += s.turn_count;
    duration += s.duration_ms;
  }
  auto t = fold_in_bulk(events);
  std::int64_t t_cost = 0, t_turns = 0, t_duration = 0, t_sessions = 0;
  for (const auto& [key, row] : t.daily) {
    t_cost += row.cost_total;
    t_turns += row.turns;
    t_duration += row.duration_ms_sum;
    t_sessions += row.sessions;
  }
  CHECK(cost > 0);
  CHECK(t_cost == cost);
  CHECK(t_turns == turns);
  CHECK(t_duration == duration);
  CHECK(t_sessions == 3);
}

TEST_CASE("a call's status counts move when it ends, in its start's bucket") {
  call_log a{"a"};
  a.add(started("support")).add(said(1, "hello"));
  // An hour later, in another hour: the call still counts where it began.
  a.at += 3'600'000'000;
  a.add(ended(call_status::completed, "user_hangup", a.at, 3'601'000));
  projections::agent_stats_fold fold{rules()};
  fold.apply(a.events[0], {1, 0, 1});
  fold.apply(a.events[1], {2, 0, 1});
  auto first = fold.take_batch(false, 100000);
  REQUIRE(first.hourly.size() == 1);
  CHECK(first.hourly.begin()->second.by_status
        == std::map<std::string, std::int64_t>{{"active", 1}});
  fold.apply(a.events[2], {3, 0, 1});
  auto second = fold.take_batch(false, 100000);
  REQUIRE(second.hourly.size() == 1);
  CHECK(second.hourly.begin()->first.bucket == projections::hour_of(t0));
  const auto& delta = second.hourly.begin()->second;
  CHECK(delta.sessions == 0);
  CHECK(
    delta.by_status
    == std::map<std::string, std::int64_t>{{"active", -1}, {"completed", 1}});
  CHECK(delta.duration_ms_sum == 3'601'000);
}

TEST_CASE("a call whose agent becomes known moves to that agent's row") {
  call_log a{"a"};
  a.add(call_queued{}).add(started("support"));
  projections::agent_stats_fold fold{rules()};
  fold.apply(a.events[0], {1, 0, 1});
  (void)fold.take_batch(false, 100000);
  fold.apply(a.events[1], {2, 0, 1});
  auto batch = fold.take_batch(false, 100000);
  REQUIRE(batch.hourly.size() == 2);
  for (const auto& [key, delta] : batch.hourly)
    CHECK(delta.sessions == (key.agent_id == "support" ? 1 : -1));
}

TEST_CASE("an event read twice is counted once") {
  call_log a{"a"};
  a.add(started("support")).add(user_interrupted{0});
  projections::agent_stats_fold fold{rules()};
  fold.apply(a.events[0], {1, 0, 1});
  fold.apply(a.events[1], {2, 0, 1});
  fold.apply(a.events[1], {3, 0, 1}); // a redelivery
  auto batch = fold.take_batch(false, 100000);
  CHECK(batch.hourly.begin()->second.interruptions == 1);
}

TEST_CASE("batch by batch, restarts included, the tables equal one pass") {
  std::vector<call_log> calls;
  for (int i = 0; i < 12; ++i) {
    call_log c{"call-" + std::to_string(i), t0 + i * 700'000'000LL};
    c.add(started(i % 3 == 0 ? "sales" : "support", i % 4 == 0 ? "es" : "en"))
      .add(said(1, i % 2 == 0 ? "great, I love it" : "this is awful"))
      .add(llm_usage(100 * i, 10 * i))
      .add(ttfb("OpenAILLMService#0", 100.0 + 37 * i, i % 5 == 0))
      .add(said(3, "and one more thing"));
    if (i % 3 != 2)
      c.add(ended(i % 2 == 0 ? call_status::completed : call_status::failed,
                  "user_hangup", c.at, 4000 + i));
    calls.push_back(std::move(c));
  }
  auto events = interleave(calls);
  auto bulk = fold_in_bulk(events);
  for (std::size_t size : {1, 3, 7}) {
    for (bool forget : {false, true}) {
      auto live = fold_incrementally(events, size, forget);
      INFO("batches of " << size << (forget ? ", state reloaded" : ""));
      REQUIRE(live.hourly.size() == bulk.hourly.size());
      for (const auto& [key, row] : bulk.hourly) {
        REQUIRE(live.hourly.count(key) == 1);
        auto diff = live.hourly.at(key);
        diff.add(row, -1);
        CHECK(diff.empty());
      }
      for (const auto& [key, row] : bulk.daily) {
        REQUIRE(live.daily.count(key) == 1);
        auto diff = live.daily.at(key);
        diff.add(row, -1);
        CHECK(diff.empty());
      }
    }
  }
}

TEST_CASE("a state that is not this format's is refused, not guessed") {
  projections::agent_stats_fold fold{rules()};
  std::string error;
  CHECK_FALSE(fold.load({{"a", "not a state"}}, error));
  CHECK(error.find("call a") != std::string::npos);
  CHECK_FALSE(fold.holds("a"));
}

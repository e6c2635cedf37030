// The simulator's usage, tool, error, latency and sentiment truth is what
// the real gateway and call pipeline derive from its logs (the node's path
// without NATS and PostgreSQL), and the truth JSON's agent totals add up.

#include "sim/simulation.hpp"
#include "sim/truth_json.hpp"

#include "call/call_pipeline.hpp"
#include "gateway/pipecat_parser.hpp"
#include "switchboard/analysis/sentiment.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace sb::sim;

namespace {

sim_options options(std::uint64_t seed, std::uint64_t calls) {
  sim_options o;
  o.calls = calls;
  o.agents = 3;
  o.seed = seed;
  o.concurrency = 20;
  o.rate = 3;
  return o;
}

/// What the call pipeline decided for one call, in the truth's terms.
struct derived {
  std::map<std::string, service_usage> usage;
  int tool_calls = 0;
  int tool_errors = 0;
  int error_count = 0;
  std::vector<turn_latency> latencies;
  std::vector<ttfb_sample> ttfb;
  std::map<std::uint32_t, std::string> user_turns; ///< turn → its text
  std::string end_reason;
};

service_kind kind_of(const std::string& service) {
  if (service.find("STT") != std::string::npos)
    return service_kind::stt;
  return service.find("TTS") != std::string::npos ? service_kind::tts
                                                  : service_kind::llm;
}

void take(derived& d, const sb::event& e) {
  const auto& p = e.payload;
  if (auto* u = std::get_if<sb::usage_recorded>(&p)) {
    auto& into = d.usage[u->service];
    into.llm_prompt_tokens += u->llm_prompt_tokens;
    into.llm_completion_tokens += u->llm_completion_tokens;
    into.llm_cached_tokens += u->llm_cached_tokens;
    into.tts_characters += u->tts_characters;
    into.stt_seconds += u->stt_seconds;
  } else if (auto* t = std::get_if<sb::tool_invoked>(&p)) {
    ++d.tool_calls;
    d.tool_errors += t->error.empty() ? 0 : 1;
  } else if (auto* pr = std::get_if<sb::problem_logged>(&p)) {
    d.error_count += pr->severity == "error" || pr->severity == "fatal";
  } else if (auto* l = std::get_if<sb::turn_latency_measured>(&p)) {
    d.latencies.push_back({static_cast<int>(l->turn), l->user_to_bot_ms,
                           l->llm_ttfb_ms, l->tts_ttfb_ms, l->stt_ms,
                           l->measured_during_interruption});
  } else if (auto* m = std::get_if<sb::metric_measured>(&p)) {
    if (m->metric == "ttfb")
      d.ttfb.push_back(
        {kind_of(m->service), m->value_ms, m->during_interruption});
  } else if (auto* s = std::get_if<sb::user_spoke>(&p)) {
    auto& text = d.user_turns[s->turn];
    text += (text.empty() ? "" : " ") + s->text;
  } else if (auto* end = std::get_if<sb::call_ended>(&p)) {
    d.end_reason = end->end_reason;
  }
}

/// Every call's decisions: each agent's log through the gateway parser and
/// a call pipeline per call; calls left open end by the inactivity timer.
std::map<std::string, derived> derive_all(const simulation& sim) {
  std::map<std::string, sb::call::call_state> states;
  std::map<std::string, derived> out;
  for (std::size_t a = 0; a < sim.logs.size(); ++a) {
    auto parsed = sb::gateway::parse_pipecat(sim.logs[a], {});
    sb::call::signal_context ctx;
    ctx.tenant_id = "t";
    ctx.agent_id = sim.agent_ids[a];
    ctx.provider = "pipecat";
    for (const auto& s : parsed.signals)
      for (const auto& e : sb::call::process(states[s.call_id], s, ctx))
        take(out[s.call_id], e);
  }
  for (auto& [id, st] : states)
    for (const auto& e :
         sb::call::process(st, sb::call::call_timer::inactivity, 0, 0))
      take(out[id], e);
  return out;
}

bool same(const turn_latency& a, const turn_latency& b) {
  return a.turn == b.turn && a.user_to_bot_ms == b.user_to_bot_ms
         && a.llm_ttfb_ms == b.llm_ttfb_ms && a.tts_ttfb_ms == b.tts_ttfb_ms
         && a.stt_ms == b.stt_ms && a.interrupted == b.interrupted;
}

} // namespace

TEST_CASE("the call pipeline derives the truth's usage, tools, errors and "
          "latencies from the simulated logs") {
  auto sim = simulate_offline(options(21, 400));
  auto got = derive_all(sim);
  REQUIRE(got.size() == sim.calls.size());
  // Every feature occurs, so that the comparisons below compare something.
  std::int64_t cached = 0, tools = 0, errors = 0, stt = 0, measured = 0;
  std::int64_t interrupted_ttfb = 0, interrupted_turns = 0, stt_ttfb = 0;
  int mismatched = 0;
  for (const auto& c : sim.calls) {
    INFO("call " << c.call_id << " (" << c.dialect << ", " << c.end_reason
                 << ")");
    REQUIRE(got.count(c.call_id) == 1);
    const auto& d = got[c.call_id];
    CHECK(d.end_reason == c.end_reason);
    bool usage_same = d.usage.size() == c.usage.size();
    for (const auto& [service, u] : c.usage) {
      auto it = d.usage.find(service);
      usage_same
        = usage_same && it != d.usage.end()
          && it->second.llm_prompt_tokens == u.llm_prompt_tokens
          && it->second.llm_completion_tokens == u.llm_completion_tokens
          && it->second.llm_cached_tokens == u.llm_cached_tokens
          && it->second.tts_characters == u.tts_characters
          // Printed with three decimals and added in line order:
          // the same doubles.
          && it->second.stt_seconds == u.stt_seconds;
      cached += u.llm_cached_tokens > 0;
      stt += u.stt_seconds > 0;
    }
    bool latency_same = d.latencies.size() == c.latencies.size();
    for (std::size_t i = 0; latency_same && i < c.latencies.size(); ++i)
      latency_same = same(d.latencies[i], c.latencies[i]);
    bool ttfb_same = d.ttfb.size() == c.ttfb.size();
    for (std::size_t i = 0; ttfb_same && i < c.ttfb.size(); ++i)
      ttfb_same = d.ttfb[i].kind == c.ttfb[i].kind
                  && d.ttfb[i].ms == c.ttfb[i].ms
                  && d.ttfb[i].interrupted == c.ttfb[i].interrupted;
    bool counts_same = d.tool_calls == c.tool_calls
                       && d.tool_errors == c.tool_errors
                       && d.error_count == c.error_count;
    if (!(usage_same && latency_same && ttfb_same && counts_same)
        && ++mismatched <= 10) {
      CHECK(usage_same);
      CHECK(latency_same);
      CHECK(ttfb_same);
      CHECK(d.tool_calls == c.tool_calls);
      CHECK(d.error_count == c.error_count);
    }
    tools += c.tool_calls;
    errors += c.error_count;
    measured += static_cast<std::int64_t>(c.latencies.size());
    for (const auto& t : c.latencies)
      interrupted_turns += t.interrupted;
    for (const auto& s : c.ttfb) {
      interrupted_ttfb += s.interrupted;
      stt_ttfb += s.kind == service_kind::stt;
    }
    CHECK(c.tool_errors == 0); // no Pipecat line the parser reads as one
  }
  CHECK(mismatched == 0);
  CHECK(cached > 20);
  CHECK(stt > 20);
  CHECK(tools > 20);
  CHECK(errors > 20);
  CHECK(measured > 200);
  CHECK(interrupted_ttfb > 5);
  CHECK(interrupted_turns > 5);
  CHECK(stt_ttfb > 20);
}

TEST_CASE("about 30 % of the LLM usage lines name cached tokens") {
  auto sim = simulate_offline(options(4, 300));
  std::size_t usage = 0, cached = 0;
  for (const auto& log : sim.logs) {
    for (std::size_t at = log.find(" prompt tokens: "); at != std::string::npos;
         at = log.find(" prompt tokens: ", at + 1)) {
      ++usage;
      auto eol = log.find('\n', at);
      cached += log.substr(at, eol - at).find(", cache read input tokens: ")
                != std::string::npos;
    }
  }
  INFO(cached << " of " << usage);
  REQUIRE(usage > 300);
  auto share = static_cast<double>(cached) / static_cast<double>(usage);
  // 30 % of the lines of every dialect but 0.0.50's (15 % of the calls).
  CHECK(share > 0.18);
  CHECK(share < 0.34);
}

TEST_CASE("a fixed mood is what the sentiment scorer reads in every user "
          "turn; other languages, and calls whose lines name none, are "
          "unknown") {
  // Enough calls that each fixed mood of English calls whose lines name
  // their language (a third of the agents speak English) comes up often.
  auto sim = simulate_offline(options(9, 1500));
  auto got = derive_all(sim);
  std::map<std::string, int> seen;
  for (const auto& c : sim.calls) {
    if (c.sentiment.empty()) {
      CHECK(c.language == "en"); // only English leaves it to chance
      continue;
    }
    INFO("call " << c.call_id << " (" << c.language << ", " << c.sentiment
                 << ")");
    ++seen[c.sentiment];
    const auto& turns = got[c.call_id].user_turns;
    if (c.language != "en" || !c.language_named || turns.empty()) {
      CHECK(c.sentiment == "unknown");
      continue;
    }
    std::vector<double> compounds;
    for (const auto& [turn, text] : turns) {
      INFO("turn " << turn << ": " << text);
      auto score = sb::analysis::score_text(text, c.language);
      CHECK(to_string(score.label) == c.sentiment);
      compounds.push_back(score.compound);
    }
    CHECK(to_string(sb::analysis::combine(compounds).label) == c.sentiment);
  }
  INFO("positive " << seen["positive"] << ", negative " << seen["negative"]
                   << ", neutral " << seen["neutral"] << ", unknown "
                   << seen["unknown"]);
  CHECK(seen["positive"] > 10);
  CHECK(seen["negative"] > 10);
  CHECK(seen["neutral"] > 5);
  CHECK(seen["unknown"] > 100);
}

TEST_CASE("the agents' totals are the sums of their calls") {
  auto sim = simulate_offline(options(13, 200));
  auto truth
    = truth_json(sim.calls, sim.agent_ids, sb::analysis::default_rules());
  struct sums {
    std::map<std::string, double> usage;
    std::int64_t tool_calls = 0;
    std::int64_t error_count = 0;
    std::map<std::string, std::int64_t> sentiment;
    std::int64_t user_to_bot = 0;
    std::int64_t turns = 0;
    std::map<std::string, std::int64_t> ttfb;
  };
  std::map<std::string, sums> want; // by agent, summed from the calls
  for (const auto& c : truth["calls"]) {
    auto& a = want[c["agent_id"].get<std::string>()];
    for (const auto& [service, u] : c["usage"].items())
      for (const auto& [key, v] : u.items())
        a.usage[key] += v.get<double>();
    a.tool_calls += c["tool_calls"].get<std::int64_t>();
    a.error_count += c["error_count"].get<std::int64_t>();
    if (c.contains("sentiment"))
      ++a.sentiment[c["sentiment"].get<std::string>()];
    const auto& lat = c["latency"];
    a.user_to_bot += static_cast<std::int64_t>(lat["user_to_bot_ms"].size());
    a.turns += static_cast<std::int64_t>(lat["turns"].size());
    for (const char* k : {"llm", "tts", "stt"})
      a.ttfb[k] += static_cast<std::int64_t>(lat["ttfb_ms"][k].size());
  }
  REQUIRE(truth["agents"].size() == 3);
  for (const auto& agent : truth["agents"]) {
    auto id = agent["agent_id"].get<std::string>();
    INFO("agent " << id);
    auto& w = want[id];
    for (const auto& [key, v] : agent["usage"].items())
      CHECK(v.get<double>() == Approx(w.usage[key]));
    CHECK(agent["usage"]["llm_cached_tokens"].get<std::int64_t>() > 0);
    CHECK(agent["tool_calls"].get<std::int64_t>() == w.tool_calls);
    CHECK(agent["tool_errors"].get<std::int64_t>() == 0);
    CHECK(agent["error_count"].get<std::int64_t>() == w.error_count);
    for (const char* label : {"positive", "negative", "neutral", "unknown"})
      CHECK(agent["sentiment"][label].get<std::int64_t>()
            == w.sentiment[label]);
    const auto& n = agent["latency_samples"];
    CHECK(n["user_to_bot"].get<std::int64_t>() == w.user_to_bot);
    CHECK(n["turns"].get<std::int64_t>() == w.turns);
    for (const char* k : {"llm", "tts", "stt"})
      CHECK(n["ttfb"][k].get<std::int64_t>() == w.ttfb[k]);
  }
}

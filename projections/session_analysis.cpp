#include "session_analysis.hpp"

#include "switchboard/analysis/cost.hpp"
#include "switchboard/analysis/latency_histogram.hpp"
#include "switchboard/analysis/sentiment.hpp"
#include "switchboard/analysis/success.hpp"
#include "switchboard/analysis/summary.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace sb::projections::detail {

namespace {

std::int64_t e6(double compound) {
  return std::llround(compound * 1e6);
}

bool scored(const db::turn_record& t) {
  return !t.sentiment.empty()
         && t.sentiment != to_string(analysis::sentiment::unknown);
}

void add_tags(std::vector<std::string>& into,
              const std::vector<std::string>& more) {
  if (more.empty())
    return;
  into.insert(into.end(), more.begin(), more.end());
  std::sort(into.begin(), into.end());
  into.erase(std::unique(into.begin(), into.end()), into.end());
}

/// The verdict of an outside analysis's extracted data, where it gives one
/// (ElevenLabs says "call_successful": "success" / "failure" / "unknown").
std::string verdict_in(const std::string& extracted_json) {
  auto j = nlohmann::json::parse(extracted_json, nullptr, false);
  if (!j.is_object())
    return {};
  for (const char* key :
       {"call_successful", "success", "successful", "outcome"}) {
    auto i = j.find(key);
    if (i == j.end())
      continue;
    if (i->is_string())
      return i->get<std::string>();
    if (i->is_boolean())
      return i->get<bool>() ? "success" : "failure";
  }
  return {};
}

/// The call priced as a whole with the version in force at its start:
/// every usage line, and telephony once its duration is known.
void price(const analysis::rules& rules, db::session_record& s) {
  std::vector<analysis::usage_line> lines;
  lines.reserve(s.usage.size());
  for (const auto& u : s.usage) {
    analysis::usage_line line;
    line.service = u.service;
    line.model = u.model;
    line.llm_prompt_tokens = u.llm_prompt_tokens;
    line.llm_completion_tokens = u.llm_completion_tokens;
    line.llm_cached_tokens = u.llm_cached_tokens;
    line.tts_characters = u.tts_characters;
    line.stt_seconds = u.stt_seconds;
    lines.push_back(std::move(line));
  }
  auto c = analysis::price_call(rules, s.started_at, lines, s.duration_ms,
                                s.direction);
  using analysis::component;
  s.cost_llm_prompt = c[component::llm_prompt];
  s.cost_llm_completion = c[component::llm_completion];
  s.cost_llm_cached = c[component::llm_cached];
  s.cost_tts = c[component::tts];
  s.cost_stt = c[component::stt];
  s.cost_telephony = c[component::telephony];
  s.cost_total = c.total();
}

} // namespace

void user_text_changed(const analysis::tag_matcher& tags, db::session_record& s,
                       db::turn_record& t) {
  if (scored(t)) {
    s.sentiment_sum_e6 -= e6(t.sentiment_score);
    --s.sentiment_turns;
  }
  auto score = analysis::score_text(t.text, s.language);
  t.sentiment = to_string(score.label);
  t.sentiment_score = score.compound;
  if (scored(t)) {
    s.sentiment_sum_e6 += e6(t.sentiment_score);
    ++s.sentiment_turns;
  }
  add_tags(s.tags, tags.match(t.text, s.language));
  // The first request wins; until there is one, the longest turn stands in.
  auto text = analysis::main_request({t.text}, s.language);
  if (s.main_request_turn == t.turn) {
    s.main_request = std::move(text);
  } else if (s.main_request_turn == 0) {
    if (analysis::is_request(t.text, s.language)) {
      s.main_request_turn = t.turn;
      s.main_request = std::move(text);
    } else if (text.size() > s.main_request.size()) {
      s.main_request = std::move(text);
    }
  }
}

void latency_measured(db::session_record& s, const turn_latency_measured& x) {
  if (x.user_to_bot_ms >= 0 && !x.measured_during_interruption)
    s.user_to_bot_samples.push_back(x.user_to_bot_ms);
}

void usage_added(db::session_record& s, const usage_recorded& x) {
  auto key = std::tie(x.service, x.model);
  auto at = std::lower_bound(s.usage.begin(), s.usage.end(), key,
                             [](const db::service_usage& u, const auto& k) {
                               return std::tie(u.service, u.model) < k;
                             });
  if (at == s.usage.end() || std::tie(at->service, at->model) != key) {
    db::service_usage fresh;
    fresh.service = x.service;
    fresh.model = x.model;
    at = s.usage.insert(at, std::move(fresh));
  }
  at->llm_prompt_tokens += x.llm_prompt_tokens;
  at->llm_completion_tokens += x.llm_completion_tokens;
  at->llm_cached_tokens += x.llm_cached_tokens;
  at->tts_characters += x.tts_characters;
  at->stt_seconds += x.stt_seconds;
}

void provider_analysis(db::session_record& s, const call_analyzed& x) {
  if (!x.summary.empty())
    s.provider_summary = x.summary;
  if (analysis::sentiment_from_string(x.sentiment))
    s.provider_sentiment = x.sentiment;
  if (!x.tags.empty()) {
    s.provider_tags = x.tags;
    add_tags(s.tags, x.tags);
  }
  if (auto verdict = verdict_in(x.extracted_json); !verdict.empty())
    s.provider_verdict = std::move(verdict);
}

void derive(const analysis::rules& rules, db::session_record& s) {
  if (s.sentiment_turns > 0) {
    auto mean
      = static_cast<double>(s.sentiment_sum_e6) / 1e6 / s.sentiment_turns;
    auto score = analysis::combine({mean});
    s.sentiment = to_string(score.label);
    s.sentiment_score = score.compound;
  } else {
    s.sentiment = to_string(analysis::sentiment::unknown);
    s.sentiment_score = 0;
  }
  if (!s.provider_sentiment.empty())
    s.sentiment = s.provider_sentiment;
  s.success = to_string(
    analysis::judge(s.status, s.end_reason, s.tool_errors, s.provider_verdict));
  auto status = call_status_from_string(s.status);
  if (!s.provider_summary.empty())
    s.summary = s.provider_summary;
  else if (status && is_terminal(*status))
    s.summary = analysis::summarize(s.main_request, s.status, s.end_reason);
  else
    s.summary.clear(); // a live call has no ending to tell yet
  s.latency_p50_ms
    = analysis::exact_quantile(s.user_to_bot_samples, 0.5).value_or(-1);
  s.latency_p95_ms
    = analysis::exact_quantile(s.user_to_bot_samples, 0.95).value_or(-1);
  price(rules, s);
  s.rules_version = rules.version;
}

} // namespace sb::projections::detail

#include "switchboard/analysis/cost.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

namespace sb::analysis {

std::int64_t cost_breakdown::total() const {
  return std::accumulate(micro_usd.begin(), micro_usd.end(), std::int64_t{0});
}

namespace {

/// The latest version effective at `at` among those `match` accepts.
template <class Match>
const price_version* latest(const rules& r, sb::time_us at, Match match) {
  const price_version* best = nullptr;
  for (const auto& p : r.prices)
    if (p.effective_from <= at && match(p)
        && (best == nullptr || p.effective_from > best->effective_from))
      best = &p;
  return best;
}

const price_version* lookup(const rules& r, std::string_view service,
                            std::string_view model, sb::time_us at,
                            service_kind kind) {
  auto name = base_service_name(service);
  if (!model.empty())
    if (auto* p = latest(r, at, [&](const price_version& v) {
          return v.service == name && v.model == model;
        }))
      return p;
  if (auto* p = latest(r, at, [&](const price_version& v) {
        return v.service == name && v.model.empty();
      }))
    return p;
  return latest(r, at, [&](const price_version& v) {
    return v.service == "*" && (v.model.empty() || v.model == model)
           && (kind == service_kind::unknown || prices_kind(v, kind));
  });
}

/// Micro-USD as a double: USD per million units times units is micro-USD.
double per_million(std::int64_t units, double usd_per_1m) {
  return static_cast<double>(std::max<std::int64_t>(units, 0)) * usd_per_1m;
}

} // namespace

const price_version* price_for(const rules& r, std::string_view service,
                               std::string_view model, sb::time_us at) {
  return lookup(r, service, model, at, kind_of_service(service));
}

const price_version* price_for(const rules& r, std::string_view service,
                               std::string_view model, sb::time_us at,
                               service_kind kind) {
  return lookup(r, service, model, at, kind);
}

cost_breakdown price_call(const rules& r, sb::time_us started_at,
                          const std::vector<usage_line>& usage,
                          std::int64_t duration_ms,
                          std::string_view direction) {
  // Floating-point sums depend on order: add the lines in a fixed one.
  std::vector<const usage_line*> lines;
  lines.reserve(usage.size());
  for (const auto& u : usage)
    lines.push_back(&u);
  std::sort(lines.begin(), lines.end(), [](auto* a, auto* b) {
    return std::tie(a->service, a->model, a->llm_prompt_tokens,
                    a->llm_completion_tokens, a->llm_cached_tokens,
                    a->tts_characters, a->stt_seconds)
           < std::tie(b->service, b->model, b->llm_prompt_tokens,
                      b->llm_completion_tokens, b->llm_cached_tokens,
                      b->tts_characters, b->stt_seconds);
  });

  std::array<double, component_count> sum{};
  auto add = [&](component c, double micro) {
    sum[static_cast<std::size_t>(c)] += micro;
  };
  for (const auto* u : lines) {
    auto named = kind_of_service(u->service);
    // A line's own kind when its name tells; otherwise each kind of usage
    // it carries looks for its own fallback.
    auto version = [&](service_kind k) {
      return price_for(r, u->service, u->model, started_at,
                       named == service_kind::unknown ? k : named);
    };
    bool llm = u->llm_prompt_tokens > 0 || u->llm_completion_tokens > 0
               || u->llm_cached_tokens > 0;
    if (llm) {
      if (const auto* p = version(service_kind::llm)) {
        auto cached = std::max<std::int64_t>(u->llm_cached_tokens, 0);
        auto prompt = std::max<std::int64_t>(u->llm_prompt_tokens - cached, 0);
        add(component::llm_prompt,
            per_million(prompt, p->llm_prompt_per_1m_tokens));
        add(component::llm_cached,
            per_million(cached, p->llm_cached_per_1m_tokens));
        add(component::llm_completion,
            per_million(u->llm_completion_tokens,
                        p->llm_completion_per_1m_tokens));
      }
    }
    if (u->tts_characters > 0)
      if (const auto* p = version(service_kind::tts))
        add(component::tts,
            per_million(u->tts_characters, p->tts_per_1m_characters));
    if (u->stt_seconds > 0 && std::isfinite(u->stt_seconds))
      if (const auto* p = version(service_kind::stt))
        add(component::stt, u->stt_seconds / 60.0 * p->stt_per_minute * 1e6);
  }

  if ((direction == "inbound" || direction == "outbound") && duration_ms > 0)
    if (const auto* p
        = price_for(r, "telephony", "", started_at, service_kind::telephony)) {
      auto minutes = (duration_ms + 59999) / 60000;
      add(component::telephony,
          static_cast<double>(minutes) * p->telephony_per_minute * 1e6);
    }

  cost_breakdown out;
  for (std::size_t i = 0; i < component_count; ++i)
    out.micro_usd[i] = std::llround(sum[i]);
  return out;
}

} // namespace sb::analysis

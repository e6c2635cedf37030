#include "switchboard/projections/agent_stats_projection.hpp"

#include "fold_state.hpp"

#include "switchboard/db/pg_bulk.hpp"
#include "switchboard/events/calendar.hpp"
#include "switchboard/projections/agent_stats_fold.hpp"

#include <nlohmann/json.hpp>

namespace sb::projections {

namespace {

const std::vector<std::string>& columns() {
  static const std::vector<std::string> all{"tenant_id",
                                            "agent_id",
                                            "bucket",
                                            "direction",
                                            "language",
                                            "sessions",
                                            "by_status",
                                            "by_end_reason",
                                            "success",
                                            "failure",
                                            "unknown_outcome",
                                            "duration_ms_sum",
                                            "turns",
                                            "interruptions",
                                            "sentiment_positive",
                                            "sentiment_neutral",
                                            "sentiment_negative",
                                            "sentiment_unknown",
                                            "tool_calls",
                                            "tool_errors",
                                            "cost_total",
                                            "cost_llm_prompt",
                                            "cost_llm_completion",
                                            "cost_llm_cached",
                                            "cost_tts",
                                            "cost_stt",
                                            "cost_telephony",
                                            "user_to_bot_hist",
                                            "user_to_bot_sum_us",
                                            "user_to_bot_count",
                                            "stt_hist",
                                            "stt_sum_us",
                                            "stt_count",
                                            "llm_ttfb_hist",
                                            "llm_ttfb_sum_us",
                                            "llm_ttfb_count",
                                            "tts_ttfb_hist",
                                            "tts_ttfb_sum_us",
                                            "tts_ttfb_count",
                                            "ttfb_interrupted"};
  return all;
}

constexpr std::size_t key_columns = 5;

/// How each counter column of an existing row takes a delta.
std::string merge_expression(const std::string& column) {
  if (column == "by_status" || column == "by_end_reason")
    return "sb_jsonb_add(t." + column + ", excluded." + column + ")";
  if (column.size() > 5 && column.compare(column.size() - 5, 5, "_hist") == 0)
    return "sb_array_add(t." + column + ", excluded." + column + ")";
  return "t." + column + " + excluded." + column;
}

std::string counts_json(const std::map<std::string, std::int64_t>& counts) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, n] : counts)
    j[name] = n;
  return j.dump();
}

std::string array_text(const analysis::histogram& h) {
  std::string out = "{";
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    if (i > 0)
      out += ',';
    out += std::to_string(h.counts[i]);
  }
  return out + "}";
}

/// The row's values in `columns()` order, as text PostgreSQL reads (COPY
/// or a literal).
std::vector<std::string> values_of(const stats_key& k, const stats_row& r) {
  std::vector<std::string> v{k.tenant_id, k.agent_id,
                             format_iso8601_ms(k.bucket), k.direction,
                             k.language};
  auto n = [&v](std::int64_t x) {
    v.push_back(std::to_string(x));
  };
  n(r.sessions);
  v.push_back(counts_json(r.by_status));
  v.push_back(counts_json(r.by_end_reason));
  for (auto x :
       {r.success, r.failure, r.unknown_outcome, r.duration_ms_sum, r.turns,
        r.interruptions, r.sentiment_positive, r.sentiment_neutral,
        r.sentiment_negative, r.sentiment_unknown, r.tool_calls, r.tool_errors,
        r.cost_total, r.cost_llm_prompt, r.cost_llm_completion,
        r.cost_llm_cached, r.cost_tts, r.cost_stt, r.cost_telephony})
    n(x);
  for (const auto* h : {&r.user_to_bot, &r.stt, &r.llm_ttfb, &r.tts_ttfb}) {
    v.push_back(array_text(*h));
    n(h->sum_us);
    n(h->count);
  }
  n(r.ttfb_interrupted);
  return v;
}

/// A replay's generation is empty: every row once, by COPY.
void copy_table(pqxx::work& tx, const std::string& table,
                const std::map<stats_key, stats_row>& rows) {
  std::vector<db::text_row> out;
  for (const auto& [key, row] : rows) {
    if (row.sessions == 0)
      continue;
    auto values = values_of(key, row);
    out.emplace_back(values.begin(), values.end());
  }
  db::copy_rows(tx, table, columns(), out);
}

/// One statement adds every delta of the batch to its row (creating it),
/// another deletes the rows whose calls all moved elsewhere.
void add_deltas(pqxx::work& tx, const std::string& table,
                const std::map<stats_key, stats_row>& deltas) {
  std::string values, keys;
  for (const auto& [key, row] : deltas) {
    if (row.empty())
      continue;
    auto v = values_of(key, row);
    values += values.empty() ? "(" : ", (";
    for (std::size_t i = 0; i < v.size(); ++i)
      values += (i > 0 ? ", " : "") + tx.quote(v[i]);
    values += ')';
    keys += keys.empty() ? "(" : ", (";
    for (std::size_t i = 0; i < key_columns; ++i)
      keys += (i > 0 ? ", " : "") + tx.quote(v[i])
              + (i == 2 ? "::timestamptz" : "");
    keys += ')';
  }
  if (values.empty())
    return;
  const auto& cols = columns();
  std::string list, updates;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    list += (i > 0 ? ", " : "") + cols[i];
    if (i >= key_columns)
      updates += (i > key_columns ? ", " : "") + cols[i] + " = "
                 + merge_expression(cols[i]);
  }
  tx.exec("insert into " + table + " as t (" + list + ") values " + values
          + " on conflict (tenant_id, agent_id, bucket, direction, language)"
            " do update set "
          + updates);
  tx.exec("delete from " + table
          + " where sessions = 0 and (tenant_id, agent_id, bucket, "
            "direction, language) in ("
          + keys + ")");
}

} // namespace

agent_stats_projection::agent_stats_projection(std::string pg_url,
                                               const analysis::rules& rules,
                                               write_mode mode,
                                               std::size_t cached_calls)
  : writer_(projection_name, std::move(pg_url)), rules_(rules), mode_(mode),
    cached_calls_(cached_calls),
    fold_(std::make_unique<agent_stats_fold>(rules, mode)) {}

agent_stats_projection::~agent_stats_projection() = default;

const std::string& agent_stats_projection::name() const {
  static const std::string name = projection_name;
  return name;
}

const std::vector<std::string>& agent_stats_projection::tables() const {
  static const std::vector<std::string> tables{
    "agent_stats_hourly", "agent_stats_daily", "call_state"};
  return tables;
}

caf::expected<db::checkpoint>
agent_stats_projection::begin(const std::string& row) {
  fold_ = std::make_unique<agent_stats_fold>(rules_, mode_);
  return writer_.begin(row);
}

caf::error agent_stats_projection::prepare(const std::set<std::string>& ids) {
  return detail::load_missing_states(*fold_, writer_, ids);
}

void agent_stats_projection::apply(const event& e, const event_position& at) {
  fold_->apply(e, at);
}

caf::error agent_stats_projection::commit(const db::checkpoint& previous,
                                          const db::checkpoint& next,
                                          bool final) {
  auto batch = fold_->take_batch(final, cached_calls_);
  return writer_.commit(previous, next, [&](pqxx::work& tx) {
    if (mode_ == write_mode::bulk) {
      copy_table(tx, "agent_stats_hourly", batch.hourly);
      copy_table(tx, "agent_stats_daily", batch.daily);
    } else {
      add_deltas(tx, "agent_stats_hourly", batch.hourly);
      add_deltas(tx, "agent_stats_daily", batch.daily);
    }
    db::save_call_states(tx, batch.states);
  });
}

} // namespace sb::projections

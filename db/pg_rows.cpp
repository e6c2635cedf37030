#include "pg_rows.hpp"

#include "pg_util.hpp"

#include "switchboard/db/array_literal.hpp"

#include "switchboard/db/pg_bulk.hpp"
#include <pqxx/field>

#include <pqxx/transaction>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdint>
#include <type_traits>

namespace sb::db::detail {

namespace {

/// How a record field is stored.
enum class kind {
  plain,         ///< as is
  time,          ///< µs <-> timestamptz; 0 is the epoch
  optional_time, ///< µs <-> timestamptz; 0 is NULL
  latency,       ///< negative <-> NULL, read back as -1
  text_list,     ///< std::vector<std::string> <-> text[]
  double_list,   ///< std::vector<double> <-> double precision[]
  usage_json,    ///< std::vector<service_usage> <-> jsonb array
};

/// Lists travel as one text value (libpqxx 6.4 binds no arrays, and an
/// array of arrays cannot be unnested row by row): elements joined by the
/// ASCII unit separator (tags) or a space (numbers), split again in SQL.
constexpr char list_separator = '\x1f';

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty())
      out += list_separator;
    out += item;
  }
  return out;
}

std::string join(const std::vector<double>& items) {
  std::string out;
  for (auto item : items) {
    if (!out.empty())
      out += ' ';
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof(buf), item);
    out.append(buf, res.ptr);
  }
  return out;
}

std::vector<std::string> split_text(const std::string& joined) {
  std::vector<std::string> out;
  if (joined.empty())
    return out;
  std::string::size_type from = 0;
  for (;;) {
    auto at = joined.find(list_separator, from);
    out.push_back(joined.substr(from, at - from));
    if (at == std::string::npos)
      return out;
    from = at + 1;
  }
}

std::vector<double> split_doubles(const std::string& joined) {
  std::vector<double> out;
  const char* p = joined.data();
  const char* end = p + joined.size();
  while (p < end) {
    double value = 0;
    auto res = std::from_chars(p, end, value);
    if (res.ec != std::errc{})
      break;
    out.push_back(value);
    p = res.ptr;
    while (p < end && *p == ' ')
      ++p;
  }
  return out;
}

using usage_list = std::vector<service_usage>;

std::string usage_text(const usage_list& usage) {
  auto j = nlohmann::json::array();
  for (const auto& u : usage)
    j.push_back({{"service", u.service},
                 {"model", u.model},
                 {"llm_prompt_tokens", u.llm_prompt_tokens},
                 {"llm_completion_tokens", u.llm_completion_tokens},
                 {"llm_cached_tokens", u.llm_cached_tokens},
                 {"tts_characters", u.tts_characters},
                 {"stt_seconds", u.stt_seconds}});
  return j.dump();
}

usage_list usage_from_text(const std::string& text) {
  usage_list out;
  for (const auto& j : nlohmann::json::parse(text)) {
    service_usage u;
    u.service = j.value("service", "");
    u.model = j.value("model", "");
    u.llm_prompt_tokens = j.value("llm_prompt_tokens", std::int64_t{0});
    u.llm_completion_tokens = j.value("llm_completion_tokens", std::int64_t{0});
    u.llm_cached_tokens = j.value("llm_cached_tokens", std::int64_t{0});
    u.tts_characters = j.value("tts_characters", std::int64_t{0});
    u.stt_seconds = j.value("stt_seconds", 0.0);
    out.push_back(std::move(u));
  }
  return out;
}

template <class Record>
struct column {
  const char* name; ///< the SQL column, also the record field's name
  const char* type; ///< its SQL type
  kind how;
  void (*put)(array_literal&, const Record&, kind);
  void (*get)(const pqxx::field&, Record&);
  /// The value as COPY text would carry it (before escaping).
  std::string (*text)(const Record&);
};

template <class T>
struct member_traits;

template <class Record, class Field>
struct member_traits<Field Record::*> {
  using record = Record;
  using field = Field;
};

template <class T>
constexpr const char* sql_type() {
  if constexpr (
    std::is_same_v<
      T,
      std::
        string> || std::is_same_v<T, std::vector<std::string>> || std::is_same_v<T, std::vector<double>> || std::is_same_v<T, usage_list>)
    return "text";
  else if constexpr (std::is_same_v<T, bool>)
    return "boolean";
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return "integer";
  else if constexpr (std::is_same_v<T, double>)
    return "double precision";
  else
    return "bigint"; // std::int64_t, std::uint64_t
}

template <class T>
void put_value(array_literal& out, const T& value, kind how) {
  if constexpr (std::is_same_v<T, std::string>)
    out.add(std::string_view{value});
  else if constexpr (std::is_same_v<T, usage_list>)
    out.add(std::string_view{usage_text(value)});
  else if constexpr (
    std::is_same_v<
      T, std::vector<std::string>> || std::is_same_v<T, std::vector<double>>)
    out.add(std::string_view{join(value)});
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    out.add(static_cast<std::int64_t>(value)); // bit pattern round-trips
  else if constexpr (std::is_same_v<T, double>)
    if (how == kind::latency && value < 0)
      out.add_null();
    else
      out.add(value);
  else
    out.add(value);
}

template <class T>
std::string text_value(const T& value) {
  if constexpr (std::is_same_v<T, std::string>)
    return value;
  else if constexpr (std::is_same_v<T, usage_list>)
    return usage_text(value);
  else if constexpr (
    std::is_same_v<
      T, std::vector<std::string>> || std::is_same_v<T, std::vector<double>>)
    return join(value);
  else if constexpr (std::is_same_v<T, bool>)
    return value ? "t" : "f";
  else if constexpr (std::is_same_v<T, double>)
    return join(std::vector<double>{value});
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return std::to_string(static_cast<std::int64_t>(value));
  else
    return std::to_string(value);
}

template <class T>
T get_value(const pqxx::field& field) {
  if constexpr (std::is_same_v<T, std::vector<std::string>>)
    return split_text(field.as<std::string>());
  else if constexpr (std::is_same_v<T, usage_list>)
    return usage_from_text(field.as<std::string>());
  else if constexpr (std::is_same_v<T, std::vector<double>>)
    return split_doubles(field.as<std::string>());
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return static_cast<std::uint64_t>(field.as<std::int64_t>());
  else
    return field.as<T>();
}

/// The column `name` of the record field `Member`.
template <auto Member>
auto col(const char* name, kind how = kind::plain) {
  using traits = member_traits<decltype(Member)>;
  using record = typename traits::record;
  using field = typename traits::field;
  return column<record>{name,
                        sql_type<field>(),
                        how,
                        [](array_literal& out, const record& row, kind k) {
                          put_value(out, row.*Member, k);
                        },
                        [](const pqxx::field& in, record& row) {
                          row.*Member = get_value<field>(in);
                        },
                        [](const record& row) {
                          return text_value(row.*Member);
                        }};
}

using sr = session_record;

const std::vector<column<sr>>& session_columns() {
  static const std::vector<column<sr>> all{
    col<&sr::id>("id"),
    col<&sr::tenant_id>("tenant_id"),
    col<&sr::agent_id>("agent_id"),
    col<&sr::status>("status"),
    col<&sr::end_reason>("end_reason"),
    col<&sr::direction>("direction"),
    col<&sr::provider>("provider"),
    col<&sr::campaign>("campaign"),
    col<&sr::language>("language"),
    col<&sr::started_at>("started_at", kind::time),
    col<&sr::answered_at>("answered_at", kind::optional_time),
    col<&sr::ended_at>("ended_at", kind::optional_time),
    col<&sr::duration_ms>("duration_ms"),
    col<&sr::turn_count>("turn_count"),
    col<&sr::first_user_text>("first_user_text"),
    col<&sr::first_agent_text>("first_agent_text"),
    col<&sr::first_user_turn>("first_user_turn"),
    col<&sr::first_agent_turn>("first_agent_turn"),
    col<&sr::interruptions>("interruptions"),
    col<&sr::error_count>("error_count"),
    col<&sr::llm_prompt_tokens>("llm_prompt_tokens"),
    col<&sr::llm_completion_tokens>("llm_completion_tokens"),
    col<&sr::tts_characters>("tts_characters"),
    col<&sr::stt_seconds>("stt_seconds"),
    col<&sr::user_to_bot_ms_sum>("user_to_bot_ms_sum"),
    col<&sr::user_to_bot_count>("user_to_bot_count"),
    col<&sr::last_seq>("last_seq"),
    col<&sr::llm_cached_tokens>("llm_cached_tokens"),
    col<&sr::usage>("usage", kind::usage_json),
    col<&sr::tool_calls>("tool_calls"),
    col<&sr::tool_errors>("tool_errors"),
    col<&sr::cost_total>("cost_total"),
    col<&sr::cost_llm_prompt>("cost_llm_prompt"),
    col<&sr::cost_llm_completion>("cost_llm_completion"),
    col<&sr::cost_llm_cached>("cost_llm_cached"),
    col<&sr::cost_tts>("cost_tts"),
    col<&sr::cost_stt>("cost_stt"),
    col<&sr::cost_telephony>("cost_telephony"),
    col<&sr::sentiment>("sentiment"),
    col<&sr::sentiment_score>("sentiment_score"),
    col<&sr::sentiment_sum_e6>("sentiment_sum_e6"),
    col<&sr::sentiment_turns>("sentiment_turns"),
    col<&sr::tags>("tags", kind::text_list),
    col<&sr::main_request>("main_request"),
    col<&sr::main_request_turn>("main_request_turn"),
    col<&sr::summary>("summary"),
    col<&sr::success>("success"),
    col<&sr::latency_p50_ms>("latency_p50_ms", kind::latency),
    col<&sr::latency_p95_ms>("latency_p95_ms", kind::latency),
    col<&sr::user_to_bot_samples>("user_to_bot_samples", kind::double_list),
    col<&sr::provider_summary>("provider_summary"),
    col<&sr::provider_sentiment>("provider_sentiment"),
    col<&sr::provider_tags>("provider_tags", kind::text_list),
    col<&sr::provider_verdict>("provider_verdict"),
    col<&sr::rules_version>("rules_version"),
  };
  return all;
}

using tr = turn_record;

const std::vector<column<tr>>& turn_columns() {
  static const std::vector<column<tr>> all{
    col<&tr::session_id>("session_id"),
    col<&tr::tenant_id>("tenant_id"),
    col<&tr::session_started_at>("session_started_at", kind::time),
    col<&tr::turn>("turn"),
    col<&tr::speaker>("speaker"),
    col<&tr::text>("text"),
    col<&tr::started_at>("started_at", kind::optional_time),
    col<&tr::ended_at>("ended_at", kind::optional_time),
    col<&tr::interrupted>("interrupted"),
    col<&tr::user_to_bot_ms>("user_to_bot_ms", kind::latency),
    col<&tr::llm_ttfb_ms>("llm_ttfb_ms", kind::latency),
    col<&tr::tts_ttfb_ms>("tts_ttfb_ms", kind::latency),
    col<&tr::sentiment>("sentiment"),
    col<&tr::sentiment_score>("sentiment_score"),
  };
  return all;
}

template <class Record>
std::string select_list(const std::vector<column<Record>>& columns) {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty())
      out += ", ";
    std::string name = c.name;
    switch (c.how) {
    case kind::plain:
      out += name;
      break;
    case kind::time:
      out += "sb_ts_to_us(" + name + ")";
      break;
    case kind::optional_time:
      out += "coalesce(sb_ts_to_us(" + name + "), 0)";
      break;
    case kind::latency:
      out += "coalesce(" + name + ", -1)";
      break;
    case kind::text_list:
      out += "array_to_string(" + name + ", chr(31))";
      break;
    case kind::double_list:
      out += "array_to_string(" + name + ", ' ')";
      break;
    case kind::usage_json:
      out += name + "::text";
      break;
    }
  }
  return out;
}

/// How a staged value (`u.<name>`, of the column's transfer type) becomes
/// the stored one.
template <class Record>
std::string stored_expr(const column<Record>& c) {
  std::string name = c.name;
  switch (c.how) {
  case kind::time:
    return "sb_us_to_ts(u." + name + ")";
  case kind::optional_time:
    return "sb_us_to_ts(nullif(u." + name + ", 0))";
  case kind::latency:
    // Upserts carry NULL already; COPY carries -1.
    return "case when u." + name + " < 0 then null else u." + name + " end";
  case kind::text_list:
    return "string_to_array(u." + name + ", chr(31))";
  case kind::double_list:
    return "string_to_array(u." + name + ", ' ')::double precision[]";
  case kind::usage_json:
    return "u." + name + "::jsonb";
  default:
    return "u." + name;
  }
}

template <class Record>
Record read(const std::vector<column<Record>>& columns, const pqxx::row& row) {
  Record result;
  for (size_t i = 0; i < columns.size(); ++i)
    columns[i].get(row[static_cast<pqxx::row::size_type>(i)], result);
  return result;
}

/// `touch`: an extra column set to now() on insert and update.
template <class Record>
std::string upsert_sql(const std::string& table,
                       const std::vector<column<Record>>& columns,
                       const std::vector<std::string>& key, const char* touch) {
  std::string names, exprs, arrays, updates, key_list;
  int param = 0;
  for (const auto& c : columns) {
    std::string name = c.name;
    auto sep = param == 0 ? "" : ", ";
    names += sep + name;
    arrays += sep + ("$" + std::to_string(++param)) + "::" + c.type + "[]";
    exprs += sep + stored_expr(c);
    bool is_key = false;
    for (const auto& k : key)
      is_key = is_key || k == name;
    if (!is_key)
      updates += (updates.empty() ? "" : ", ") + name + " = excluded." + name;
  }
  for (const auto& k : key)
    key_list += (key_list.empty() ? "" : ", ") + k;
  std::string insert_names = names, insert_exprs = exprs;
  if (touch != nullptr) {
    insert_names += std::string{", "} + touch;
    insert_exprs += ", now()";
    updates += std::string{", "} + touch + " = excluded." + touch;
  }
  return "insert into " + table + " (" + insert_names + ") select "
         + insert_exprs + " from unnest(" + arrays + ") as u(" + names
         + ") on conflict (" + key_list + ") do update set " + updates;
}

/// Copies `rows` into `table` (COPY into a temporary staging table of the
/// transfer types, then one INSERT ... SELECT converting them, the same
/// expressions as the upserts). The rows must be new. Throws.
template <class Record>
void copy_into(pqxx::work& tx, const std::string& table,
               const std::vector<column<Record>>& columns,
               const std::vector<const Record*>& rows, const char* touch) {
  if (rows.empty())
    return;
  auto stage = "sb_stage_" + table;
  std::string defs, names, exprs;
  std::vector<std::string> name_list;
  for (const auto& c : columns) {
    auto sep = defs.empty() ? "" : ", ";
    defs += sep + std::string{c.name} + " " + c.type;
    names += sep + std::string{c.name};
    exprs += sep + stored_expr(c);
    name_list.emplace_back(c.name);
  }
  tx.exec("create temp table if not exists " + stage + " (" + defs
          + ") on commit delete rows");
  std::vector<text_row> values;
  values.reserve(rows.size());
  for (const auto* row : rows) {
    auto& out = values.emplace_back();
    out.reserve(columns.size());
    for (const auto& c : columns)
      out.emplace_back(c.text(*row));
  }
  copy_rows(tx, stage, name_list, values);
  std::string insert_names = names, insert_exprs = exprs;
  if (touch != nullptr) {
    insert_names += std::string{", "} + touch;
    insert_exprs += ", now()";
  }
  tx.exec("insert into " + table + " (" + insert_names + ") select "
          + insert_exprs + " from " + stage + " u");
  tx.exec("truncate " + stage);
}

template <class Record>
std::vector<std::string> params(const std::vector<column<Record>>& columns,
                                const std::vector<const Record*>& rows) {
  std::vector<std::string> result;
  result.reserve(columns.size());
  for (const auto& c : columns) {
    array_literal array;
    for (const auto* row : rows)
      c.put(array, *row, c.how);
    result.emplace_back(array.str());
  }
  return result;
}

} // namespace

const std::string& session_select_list() {
  static const auto sql = select_list(session_columns());
  return sql;
}

session_record read_session(const pqxx::row& row) {
  return read(session_columns(), row);
}

const std::string& live_call_select_list() {
  static const std::string list
    = "call_id, tenant_id, partition, first_position, epoch, "
      "coalesce(sb_ts_to_us(started_at), 0), agent_id, status, "
      "coalesce(sb_ts_to_us(last_activity_at), 0), turn_count, "
      "last_utterance";
  return list;
}

live_call_record read_live_call(const pqxx::row& row) {
  live_call_record r;
  r.call_id = row[0].as<std::string>();
  r.tenant_id = row[1].as<std::string>();
  r.partition = row[2].as<std::int32_t>();
  r.first_position = row[3].as<std::uint64_t>();
  r.epoch = row[4].as<std::uint64_t>();
  r.started_at = row[5].as<std::int64_t>();
  r.agent_id = row[6].as<std::string>();
  r.status = row[7].as<std::string>();
  r.last_activity_at = row[8].as<std::int64_t>();
  r.turn_count = row[9].as<std::int32_t>();
  r.last_utterance = row[10].as<std::string>();
  return r;
}

const std::string& turn_select_list() {
  static const auto sql = select_list(turn_columns());
  return sql;
}

turn_record read_turn(const pqxx::row& row) {
  return read(turn_columns(), row);
}

const std::string& upsert_sessions_sql() {
  static const auto sql = upsert_sql("sessions", session_columns(),
                                     {"started_at", "id"}, "updated_at");
  return sql;
}

std::vector<std::string>
session_params(const std::vector<const session_record*>& rows) {
  return params(session_columns(), rows);
}

const std::string& upsert_turns_sql() {
  static const auto sql
    = upsert_sql("turns", turn_columns(),
                 {"session_started_at", "session_id", "turn"}, nullptr);
  return sql;
}

std::vector<std::string>
turn_params(const std::vector<const turn_record*>& rows) {
  return params(turn_columns(), rows);
}

void copy_sessions(pqxx::work& tx,
                   const std::vector<const session_record*>& rows) {
  copy_into(tx, "sessions", session_columns(), rows, "updated_at");
}

void copy_turns(pqxx::work& tx, const std::vector<const turn_record*>& rows) {
  copy_into(tx, "turns", turn_columns(), rows, nullptr);
}

} // namespace sb::db::detail

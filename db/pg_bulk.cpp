#include "switchboard/db/pg_bulk.hpp"

#include "partitions.hpp"
#include "pg_util.hpp"

#include "switchboard/db/array_literal.hpp"

#include <pqxx/result>
#include <pqxx/tablewriter>

namespace sb::db {

namespace {

/// Serializes partition creation between writers ("sbpartit").
constexpr std::int64_t partition_lock_key = 0x7362706172746974;

constexpr char hex_digits[] = "0123456789abcdef";

std::string to_hex(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out += hex_digits[b >> 4];
    out += hex_digits[b & 0xF];
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  throw std::invalid_argument("call_state: not hex");
}

std::string from_hex(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(hex_value(hex[i]) * 16 + hex_value(hex[i + 1]));
  return out;
}

} // namespace

void copy_rows(pqxx::work& tx, const std::string& table,
               const std::vector<std::string>& columns,
               const std::vector<text_row>& rows) {
  if (rows.empty())
    return;
    // tablewriter is deprecated in libpqxx 6.4 for its own escaping, which is
    // not used here; that version's stream_to takes only std::tuple rows.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  pqxx::tablewriter writer{tx, table, columns.begin(), columns.end()};
#pragma GCC diagnostic pop
  std::string line;
  for (const auto& row : rows) {
    line.clear();
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0)
        line += '\t';
      if (!row[i]) {
        line += "\\N";
        continue;
      }
      detail::check_no_nul(*row[i]);
      detail::append_copy_field(line, *row[i]);
    }
    writer.write_raw_line(line);
  }
  writer.complete();
}

std::int64_t utc_day_of(std::int64_t us) {
  return detail::utc_day(us);
}

void ensure_daily_partitions(pqxx::work& tx, const std::string& schema,
                             const std::vector<std::string>& tables,
                             const std::set<std::int64_t>& days,
                             const std::set<std::string>& known,
                             std::vector<std::string>& ensured) {
  std::map<std::string, std::pair<std::string, std::int64_t>> wanted;
  for (auto day : days)
    for (const auto& table : tables)
      if (auto name = detail::partition_name(table, day);
          !known.count(schema + "." + name))
        wanted.emplace(name, std::make_pair(table, day));
  if (wanted.empty())
    return;
  array_literal names;
  for (const auto& [name, where] : wanted)
    names.add(std::string_view{name});
  auto missing = tx.exec_params("select n from unnest($1::text[]) as n "
                                "where to_regclass(n) is null",
                                names.str());
  if (!missing.empty()) {
    tx.exec_params("select pg_advisory_xact_lock($1)", partition_lock_key);
    for (const auto& row : missing) {
      const auto& [table, day] = wanted.at(row[0].as<std::string>());
      tx.exec(detail::partition_ddl(table, day));
    }
  }
  for (const auto& [name, where] : wanted)
    ensured.push_back(schema + "." + name);
}

std::map<std::string, std::string>
load_call_states(pqxx::transaction_base& tx,
                 const std::vector<std::string>& call_ids) {
  std::map<std::string, std::string> out;
  if (call_ids.empty())
    return out;
  array_literal ids;
  for (const auto& id : call_ids)
    ids.add(std::string_view{id});
  auto rows = tx.exec_params("select call_id, encode(state, 'hex') from "
                             "call_state where call_id = any($1::text[])",
                             ids.str());
  for (const auto& row : rows)
    out.emplace(row[0].as<std::string>(), from_hex(row[1].as<std::string>()));
  return out;
}

void save_call_states(
  pqxx::work& tx,
  const std::vector<std::pair<std::string, std::string>>& states) {
  if (states.empty())
    return;
  array_literal ids, hex;
  for (const auto& [id, state] : states) {
    ids.add(std::string_view{id});
    hex.add(std::string_view{to_hex(state)});
  }
  tx.exec_params("insert into call_state (call_id, state) "
                 "select id, decode(h, 'hex') "
                 "from unnest($1::text[], $2::text[]) as s(id, h) "
                 "on conflict (call_id) do update set state = excluded.state",
                 ids.str(), hex.str());
}

} // namespace sb::db

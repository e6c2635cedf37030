#pragma once

// Daily range partitions: which UTC day a µs timestamp falls on, the
// partition's name and its CREATE statement.

#include <cstdint>
#include <string>

namespace sb::db::detail {

/// Days since 1970-01-01 of the UTC day holding `us` (µs since the epoch).
[[nodiscard]] std::int64_t utc_day(std::int64_t us);

/// "YYYYMMDD" of a day number.
[[nodiscard]] std::string day_suffix(std::int64_t day);

/// e.g. "sessions_20240131": `table` + "_" + day_suffix(day).
[[nodiscard]] std::string partition_name(const std::string& table,
                                         std::int64_t day);

/// The fillfactor of `table`'s partitions (100: PostgreSQL's default).
[[nodiscard]] int fill_factor(const std::string& table);

/// CREATE TABLE IF NOT EXISTS <partition> PARTITION OF <table> FOR VALUES
/// FROM (<day 00:00 UTC>) TO (<next day 00:00 UTC>) [WITH (fillfactor)].
/// Names are trusted identifiers of ours (letters, digits, underscores).
[[nodiscard]] std::string partition_ddl(const std::string& table,
                                        std::int64_t day);

} // namespace sb::db::detail

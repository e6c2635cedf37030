#pragma once

// The generations of a projection's tables (docs/adr/0007): generation N of
// projection P lives in schema sb_P_gN; the views of the same names in
// `public` show the current one, named by P's checkpoint row. A replay
// builds generation N+1 as a shadow beside it, then swaps it in: one
// transaction repoints the views and moves the checkpoint, so a reader sees
// the old tables or the new ones, never a mix, and the live projection goes
// on from the replay's checkpoint on the new tables.

#include "switchboard/db/pg_session.hpp"
#include "switchboard/db/records.hpp"

#include <caf/error.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sb::db {

/// "sb_<projection>_g<generation>".
[[nodiscard]] std::string generation_schema(const std::string& projection,
                                            std::int32_t generation);

/// The checkpoint row of a replay of `projection` while it runs.
[[nodiscard]] std::string replay_checkpoint_name(const std::string& projection);

/// One projection's tables, as replay and swap handle them.
struct projection_tables {
  std::string projection;
  std::vector<std::string> tables; ///< in its generation schema
};

/// Creates generation `shadow` of `of.projection`, empty: every table like
/// the one of generation `live` (columns, defaults, constraints, indexes,
/// partitioned the same way; daily partitions come with the rows). A
/// leftover schema of that name (an interrupted replay) and its replay
/// checkpoint row are dropped first; the replay's row starts at position
/// 0 of generation `shadow`.
caf::error create_shadow(pg_session& db, const projection_tables& of,
                         std::int32_t live, std::int32_t shadow);

/// Drops generation `shadow` of `projection` and its replay checkpoint row.
caf::error drop_shadow(pg_session& db, const std::string& projection,
                       std::int32_t shadow);

/// What a swap moves: the projection, its tables, and the replay's
/// checkpoint (its generation is the shadow's).
struct swap_item {
  projection_tables of;
  checkpoint replayed;
};

/// One transaction for all `items`: locks each live checkpoint row, points
/// each public view of the projection's tables at the replayed generation,
/// sets the live checkpoint to the replay's (position, epochs, generation)
/// and deletes the replay rows. Afterwards drops the replaced generations
/// (waiting for readers still inside them). `replaced` gets their numbers.
caf::error swap_in(pg_session& db, const std::vector<swap_item>& items,
                   std::vector<std::int32_t>* replaced = nullptr);

} // namespace sb::db

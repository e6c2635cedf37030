#pragma once

// The WHERE clause of a query over one tenant's `sessions s` from a
// conversation_filter, shared by the list (conversation_list.cpp) and the
// analytics counted over sessions (analytics_stats.cpp). Every value
// travels as a parameter; only fixed fragments of SQL, chosen by which
// fields are set and never by their text, are joined.

#include "switchboard/db/conversation_query.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::db::detail {

/// A WHERE clause under construction and its parameters ($1, $2, ...).
class where_builder {
public:
  /// Adds `value` as the next parameter and returns its placeholder.
  std::string param(std::string value);

  /// ANDs `condition` to the clause.
  void require(std::string condition);

  /// `column = value`, if the value is set.
  void equals(const char* column, const std::optional<std::string>& value);

  /// `column` is one of `values`, unless there are none.
  void any_of(const char* column, const std::vector<std::string>& values);

  /// `expr op value::bigint`, if the value is set.
  void bound(const char* expr, const char* op,
             const std::optional<std::int64_t>& value);

  [[nodiscard]] const std::string& clause() const { return clause_; }
  [[nodiscard]] const std::vector<std::string>& params() const {
    return params_;
  }

private:
  std::string clause_;
  std::vector<std::string> params_;
};

/// `v` as the shortest decimal text that reads back as the same double.
std::string exact_text(double v);

/// Requires the tenant and every filter of `f` that is set.
void add_session_filters(where_builder& w, const std::string& tenant_id,
                         const conversation_filter& f);

} // namespace sb::db::detail

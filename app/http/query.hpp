#pragma once

// A strict query-string parser: `a=1&b=x%20y`, percent- and '+'-decoded.
// Every endpoint says which names it knows; anything else is a 400.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::app::http {

using query_params = std::vector<std::pair<std::string, std::string>>;

/// Splits and decodes `query`. Returns false and sets `error` on a bad
/// percent escape. Empty pieces (`a=1&&b=2`) are skipped; `a` alone means
/// an empty value.
[[nodiscard]] bool parse_query(std::string_view query, query_params& out,
                               std::string& error);

/// `%XX` escapes decoded (and '+' as a space where `plus_is_space`: query
/// strings, not paths); nullopt on a bad escape. The one percent-decoder of
/// the API.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view in,
                                                        bool plus_is_space);

/// The value of `name`, if present (the first one).
[[nodiscard]] std::optional<std::string> find_param(const query_params& params,
                                                    std::string_view name);

} // namespace sb::app::http

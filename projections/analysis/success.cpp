#include "switchboard/analysis/success.hpp"

#include "switchboard/analysis/text.hpp"

#include <initializer_list>
#include <string>

namespace sb::analysis {

const char* to_string(outcome o) {
  switch (o) {
  case outcome::unknown:
    return "unknown";
  case outcome::failure:
    return "failure";
  case outcome::success:
    return "success";
  }
  return "unknown";
}

std::optional<outcome> outcome_from_string(std::string_view name) {
  for (auto o : {outcome::unknown, outcome::failure, outcome::success})
    if (name == to_string(o))
      return o;
  return std::nullopt;
}

std::optional<outcome> verdict_of(std::string_view verdict) {
  auto v = fold_ascii(trim(verdict));
  for (const auto* yes : {"success", "successful", "succeeded", "true", "yes",
                          "pass", "passed", "resolved"})
    if (v == yes)
      return outcome::success;
  for (const auto* no : {"failure", "failed", "fail", "unsuccessful", "false",
                         "no", "unresolved"})
    if (v == no)
      return outcome::failure;
  return std::nullopt;
}

outcome judge(std::string_view status, std::string_view end_reason,
              std::int32_t tool_errors, std::string_view provider_verdict) {
  if (auto v = verdict_of(provider_verdict))
    return *v;
  if (status == "failed" || status == "missed" || status == "declined")
    return outcome::failure;
  if (status != "completed")
    return outcome::unknown; // live, or a status this rule does not know
  if (end_reason == "error" || end_reason == "signal_lost"
      || end_reason == "max_duration")
    return outcome::failure;
  if (tool_errors > 0)
    return outcome::unknown;
  return outcome::success;
}

} // namespace sb::analysis

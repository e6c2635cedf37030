#pragma once

// A one-line summary of a call: what the user asked for and how it ended.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sb::analysis {

/// The longest main request kept, in bytes.
inline constexpr std::size_t max_request_bytes = 200;

/// Whether a user turn is a request: it has a question mark (? ¿ ？), or it
/// starts with a question word or contains a request cue of its language
/// ("i want", "i need", "i'd like", "can you", "how do"; "quiero",
/// "necesito"; "ich möchte"; "je voudrais", ...), or it reports a fault
/// ("not working", "geht nicht"), which asks for help as plainly. An
/// unknown language uses the English cues.
[[nodiscard]] bool is_request(std::string_view text, std::string_view language);

/// The user's main request: the first user turn (in order) that is a
/// request, else the longest (the first of equal ones); "" if there is no
/// non-blank user turn. Trimmed and truncated to max_request_bytes on a
/// UTF-8 boundary.
[[nodiscard]] std::string main_request(const std::vector<std::string>& turns,
                                       std::string_view language);

/// "User: <request> — Ended: <status> (<end_reason>)"; with no request
/// "Ended: <status> (<end_reason>)", and without the parenthesis when there
/// is no end reason.
[[nodiscard]] std::string summarize(std::string_view main_request,
                                    std::string_view status,
                                    std::string_view end_reason);

} // namespace sb::analysis

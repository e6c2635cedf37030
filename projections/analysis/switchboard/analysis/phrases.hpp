#pragma once

// Key phrases of a turn: the bigrams and trigrams an analytics view counts
// across calls ("cancel appointment", "order shipped").

#include <string>
#include <string_view>
#include <vector>

namespace sb::analysis {

/// Bigrams and trigrams of `text` (lowercased words, punctuation stripped,
/// joined by one space), skipping any n-gram that starts or ends with a
/// stop word or contains a number-only word; an n-gram never spans a
/// clause break (. , ! ? ; : and the like). Stop-word lists for en, es, de
/// and fr (the simulator's languages); an unknown language uses the English
/// list. In order of occurrence (by first word, the bigram before the
/// trigram), duplicates kept: the caller counts.
[[nodiscard]] std::vector<std::string> phrases_of(std::string_view text,
                                                  std::string_view language);

/// Whether `word` (lowercase) is a stop word of `language`'s list.
[[nodiscard]] bool is_stop_word(std::string_view word,
                                std::string_view language);

} // namespace sb::analysis

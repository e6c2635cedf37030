#pragma once

// Text helpers shared by tags, phrases, requests and sentiment: case folding
// that never breaks a UTF-8 sequence, and one tokenizer, so that a keyword
// and the text it is looked for in are cut into words the same way.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sb::analysis {

/// Lowercases ASCII letters only; every other byte is kept as is.
[[nodiscard]] std::string fold_ascii(std::string_view text);

/// Lowercases ASCII, Latin-1 supplement (À-Þ → à-þ, not ×) and Latin
/// Extended-A (Œ → œ, Ł → ł, ...) letters in UTF-8; other code points and
/// invalid bytes are kept as they are.
[[nodiscard]] std::string fold_case(std::string_view text);

/// "es" of "es-ES", "ES_es" or "es"; lowercase ASCII; "" for "".
[[nodiscard]] std::string primary_language(std::string_view tag);

/// The longest prefix of `text` of at most `max_bytes` bytes that does not
/// cut a UTF-8 sequence.
[[nodiscard]] std::string_view truncate_utf8(std::string_view text,
                                             std::size_t max_bytes);

/// `text` without leading and trailing ASCII whitespace.
[[nodiscard]] std::string_view trim(std::string_view text);

/// How `words_of` cuts text.
struct tokenize_options {
  /// "l'annulation" → "l'", "annulation": a French or Italian elided
  /// article (one or two letters before the apostrophe) becomes a word of
  /// its own, so "annulation" is found in it.
  bool split_elision = false;
  /// "rendez-vous", "e-mail" stay one word (written with '-'), for
  /// phrases; keywords and cues are better served by two words, which
  /// match whether or not the speaker's transcript has the hyphen.
  bool join_hyphens = false;
  /// Ends a clause at . , ! ? ; : and the like: `words_of` then yields an
  /// empty word there, so that n-grams do not span two sentences.
  bool clause_breaks = false;
};

/// The words of `text` as they are written (no case folding): maximal runs
/// of letters and digits, where letters include accented and non-Latin
/// ones and combining marks; an apostrophe (' or ’, written ') between two
/// letters stays inside the word ("don't"). Hyphens (unless joined),
/// spaces and punctuation separate words.
[[nodiscard]] std::vector<std::string> words_of(std::string_view text,
                                                tokenize_options options = {});

/// Whether `needle` occurs in `words` as consecutive whole words.
[[nodiscard]] bool contains_words(const std::vector<std::string>& words,
                                  const std::vector<std::string>& needle);

/// Whether `words` begins with `needle`.
[[nodiscard]] bool starts_with_words(const std::vector<std::string>& words,
                                     const std::vector<std::string>& needle);

/// True for words made of digits only ("4821").
[[nodiscard]] bool is_number(std::string_view word);

} // namespace sb::analysis

#pragma once

// Sentiment of English text, VADER-style (Hutto & Gilbert, 2014): a word
// valence lexicon with rules for negation, boosters, "but", exclamation
// marks and ALL CAPS. The lexicon is our own and small (a few hundred words
// callers of a support line use); other languages score as unknown rather
// than as a guess.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sb::analysis {

enum class sentiment : std::uint8_t { unknown, negative, neutral, positive };
/// "unknown", "negative", "neutral", "positive".
[[nodiscard]] const char* to_string(sentiment s);
/// The sentiment named by to_string(), or nullopt for any other text.
[[nodiscard]] std::optional<sentiment> sentiment_from_string(std::string_view);

struct sentiment_score {
  double compound = 0; ///< -1..1, rounded to 4 decimals
  sentiment label = sentiment::unknown;
};

/// compound >= 0.05 positive, <= -0.05 negative, else neutral.
[[nodiscard]] sentiment label_of(double compound);

/// Scores `text` when `language` is English ("en", "en-US", ...); any other
/// language, "" included, gives label unknown and compound 0, as does text
/// without a single word. compound = sum / sqrt(sum² + 15) over the
/// valences of the words.
[[nodiscard]] sentiment_score score_text(std::string_view text,
                                         std::string_view language);

/// Aggregates the scored turns of one call, in order: their mean compound
/// (rounded to 4 decimals) labelled by the same thresholds; unknown with
/// compound 0 when there is none.
[[nodiscard]] sentiment_score combine(const std::vector<double>& compounds);

/// The valence (-4..4) of one lowercase word in the lexicon, 0 if absent.
[[nodiscard]] double valence_of(std::string_view word);

} // namespace sb::analysis

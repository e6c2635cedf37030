#pragma once

// What simulated callers and agents say, in a few languages. Texts hold no
// double quote, backslash or square bracket, so every log form carries them
// unchanged; apostrophes are allowed (Python reprs then use double quotes).

#include "sim/rng.hpp"

#include <string>
#include <vector>

namespace sb::sim {

struct language_phrases {
  const char* code; ///< "en", "es", ...
  std::vector<std::string> system_prompt;
  std::vector<std::string> greetings; ///< first agent sentence
  std::vector<std::string> offers;    ///< second greeting sentence
  std::vector<std::string> questions; ///< user utterances; # = a number
  std::vector<std::string> followups; ///< a second user segment
  std::vector<std::string> answers;   ///< agent sentences; # = a number
  std::vector<std::string> closings;  ///< last agent sentence
  // A caller whose mood the script fixes (English only: the system scores
  // no other language). The plain questions and follow-ups carry no word of
  // the sentiment lexicon (projections/analysis/sentiment_lexicon.cpp), so
  // a turn's mood is the mood phrase's alone. (The `{}` lets the other
  // languages leave them out free of -Wmissing-field-initializers.)
  std::vector<std::string> plain_questions{};
  std::vector<std::string> plain_followups{};
  std::vector<std::string> pleased{}; ///< said after a question
  std::vector<std::string> upset{};   ///< said before a question
};

[[nodiscard]] const std::vector<language_phrases>& languages();

/// `templ` with every '#' replaced by a random number of 3 to 5 digits.
[[nodiscard]] std::string fill(rng_t& rng, const std::string& templ);

} // namespace sb::sim

#include "switchboard/analysis/sentiment.hpp"

#include "switchboard/analysis/text.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace sb::analysis {

namespace {

// VADER's empirically derived constants (Hutto & Gilbert, 2014).
constexpr double booster_increment = 0.293;
constexpr double caps_increment = 0.733;
constexpr double negation_scalar = -0.74;
constexpr double exclamation_increment = 0.292;
constexpr int max_exclamations = 4;
constexpr double normalization_alpha = 15;

bool in(std::string_view w, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

bool is_negator(std::string_view w) {
  if (w.size() > 3 && w.substr(w.size() - 3) == "n't")
    return true;
  // Transcripts and chat often drop the apostrophe.
  return in(w,
            {"not",     "no",      "never",   "none",     "nobody",  "nothing",
             "nowhere", "neither", "nor",     "cannot",   "without", "dont",
             "doesnt",  "didnt",   "isnt",    "wasnt",    "arent",   "werent",
             "cant",    "couldnt", "wouldnt", "shouldnt", "wont",    "havent",
             "hasnt",   "hadnt",   "aint",    "nope"});
}

/// +1 for a word that strengthens the next ones, -1 for one that weakens
/// them, 0 otherwise.
int booster_sign(std::string_view w) {
  if (in(w, {"absolutely",   "amazingly",     "awfully",    "completely",
             "considerably", "deeply",        "enormously", "entirely",
             "especially",   "exceptionally", "extremely",  "fully",
             "greatly",      "highly",        "hugely",     "incredibly",
             "intensely",    "more",          "most",       "much",
             "particularly", "quite",         "really",     "remarkably",
             "so",           "substantially", "super",      "thoroughly",
             "totally",      "tremendously",  "truly",      "unbelievably",
             "unusually",    "utterly",       "very"}))
    return 1;
  if (in(w, {"almost", "barely", "hardly", "less", "little", "marginally",
             "occasionally", "partly", "scarcely", "slightly", "somewhat",
             "kinda", "sorta"}))
    return -1;
  return 0;
}

struct word {
  std::string lower;
  bool caps = false; ///< at least two letters, all upper case
};

/// The words of `text`, with an empty one at each clause break: negators
/// and boosters reach back three words but not across a comma or a full
/// stop, so that "No, that's great!" is not read as "not great".
std::vector<word> read_words(std::string_view text) {
  std::vector<word> out;
  tokenize_options opts;
  opts.clause_breaks = true;
  for (auto& w : words_of(text, opts)) {
    int upper = 0, lower = 0;
    for (char c : w) {
      upper += c >= 'A' && c <= 'Z';
      lower += c >= 'a' && c <= 'z';
    }
    out.push_back({fold_ascii(w), upper >= 2 && lower == 0});
  }
  return out;
}

/// Four decimals, as stored; never -0, which would print as "-0".
double round4(double x) {
  auto r = std::round(x * 10000.0) / 10000.0;
  return r == 0 ? 0.0 : r;
}

double normalize(double sum) {
  auto c = sum / std::sqrt(sum * sum + normalization_alpha);
  return std::clamp(c, -1.0, 1.0);
}

} // namespace

const char* to_string(sentiment s) {
  switch (s) {
  case sentiment::unknown:
    return "unknown";
  case sentiment::negative:
    return "negative";
  case sentiment::neutral:
    return "neutral";
  case sentiment::positive:
    return "positive";
  }
  return "unknown";
}

std::optional<sentiment> sentiment_from_string(std::string_view name) {
  for (auto s : {sentiment::unknown, sentiment::negative, sentiment::neutral,
                 sentiment::positive})
    if (name == to_string(s))
      return s;
  return std::nullopt;
}

sentiment label_of(double compound) {
  if (compound >= 0.05)
    return sentiment::positive;
  if (compound <= -0.05)
    return sentiment::negative;
  return sentiment::neutral;
}

sentiment_score score_text(std::string_view text, std::string_view language) {
  if (primary_language(language) != "en")
    return {};
  auto words = read_words(text);
  if (words.empty())
    return {};
  // Capitals emphasise only when the speaker also wrote in lower case:
  // a text in all caps is shouting throughout, which says nothing.
  bool any_caps = false, any_plain = false;
  for (const auto& w : words) {
    any_caps = any_caps || w.caps;
    any_plain = any_plain || (!w.caps && !w.lower.empty());
  }
  bool caps_stand_out = any_caps && any_plain;
  auto but = std::find_if(words.begin(), words.end(),
                          [](const word& w) { return w.lower == "but"; })
             - words.begin();

  double sum = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto& w = words[i].lower;
    double v = valence_of(w);
    if (v == 0)
      continue;
    // "kind of" hedges; it is not kindness.
    if (w == "kind" && i + 1 < words.size() && words[i + 1].lower == "of")
      continue;
    auto toward = [&](double magnitude) {
      return v > 0 ? magnitude : -magnitude;
    };
    if (words[i].caps && caps_stand_out)
      v += toward(caps_increment);
    // Boosters up to three words before, weaker with distance.
    for (std::size_t k = 1; k <= 3 && k <= i; ++k) {
      const auto& b = words[i - k];
      if (b.lower.empty()) // clause break
        break;
      int sign = booster_sign(b.lower);
      if (b.lower == "of" && k + 1 <= i
          && in(words[i - k - 1].lower, {"kind", "sort"}))
        sign = -1;
      if (sign == 0 || valence_of(b.lower) != 0)
        continue;
      double s = toward(sign * booster_increment);
      if (b.caps && caps_stand_out)
        s += toward(caps_increment);
      s *= k == 1 ? 1.0 : k == 2 ? 0.95 : 0.9;
      v += s;
    }
    // Each negator up to three words before flips and dampens.
    for (std::size_t k = 1; k <= 3 && k <= i; ++k) {
      if (words[i - k].lower.empty())
        break;
      if (is_negator(words[i - k].lower))
        v *= negation_scalar;
    }
    // "but" shifts the weight to what follows it.
    if (static_cast<std::size_t>(but) < words.size())
      v *= i < static_cast<std::size_t>(but) ? 0.5 : 1.5;
    sum += v;
  }
  auto marks
    = std::min<int>(static_cast<int>(std::count(text.begin(), text.end(), '!')),
                    max_exclamations);
  if (sum > 0)
    sum += marks * exclamation_increment;
  else if (sum < 0)
    sum -= marks * exclamation_increment;
  auto compound = round4(normalize(sum));
  return {compound, label_of(compound)};
}

sentiment_score combine(const std::vector<double>& compounds) {
  if (compounds.empty())
    return {};
  double sum = 0;
  for (double c : compounds)
    sum += c;
  auto mean = round4(sum / static_cast<double>(compounds.size()));
  return {mean, label_of(mean)};
}

} // namespace sb::analysis

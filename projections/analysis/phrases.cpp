#include "switchboard/analysis/phrases.hpp"

#include "switchboard/analysis/text.hpp"

#include <algorithm>
#include <set>

namespace sb::analysis {

namespace {

using word_set = std::set<std::string, std::less<>>;

const word_set& english() {
  static const word_set words = {
    "a",         "about",    "above",     "after",    "again",   "against",
    "all",       "also",     "am",        "an",       "and",     "any",
    "are",       "aren't",   "as",        "at",       "be",      "because",
    "been",      "before",   "being",     "below",    "between", "both",
    "but",       "by",       "can",       "can't",    "cannot",  "could",
    "couldn't",  "did",      "didn't",    "do",       "does",    "doesn't",
    "doing",     "don't",    "down",      "during",   "each",    "even",
    "ever",      "few",      "for",       "from",     "further", "get",
    "got",       "had",      "hadn't",    "has",      "hasn't",  "have",
    "haven't",   "having",   "he",        "he's",     "hello",   "her",
    "here",      "here's",   "hers",      "herself",  "hi",      "him",
    "himself",   "his",      "how",       "how's",    "i",       "i'd",
    "i'll",      "i'm",      "i've",      "if",       "in",      "into",
    "is",        "isn't",    "it",        "it's",     "its",     "itself",
    "just",      "let's",    "may",       "me",       "might",   "more",
    "most",      "must",     "my",        "myself",   "no",      "nor",
    "not",       "now",      "of",        "off",      "oh",      "ok",
    "okay",      "on",       "once",      "only",     "or",      "other",
    "our",       "ours",     "ourselves", "out",      "over",    "own",
    "please",    "same",     "shall",     "she",      "she's",   "should",
    "shouldn't", "so",       "some",      "such",     "than",    "that",
    "that's",    "the",      "their",     "theirs",   "them",    "themselves",
    "then",      "there",    "there's",   "these",    "they",    "they'd",
    "they'll",   "they're",  "they've",   "this",     "those",   "through",
    "to",        "too",      "uh",        "um",       "under",   "until",
    "up",        "very",     "was",       "wasn't",   "we",      "we'd",
    "we'll",     "we're",    "we've",     "well",     "were",    "weren't",
    "what",      "what's",   "when",      "where",    "where's", "which",
    "while",     "who",      "who's",     "whom",     "why",     "will",
    "with",      "won't",    "would",     "wouldn't", "yeah",    "yes",
    "you",       "you'd",    "you'll",    "you're",   "you've",  "your",
    "yours",     "yourself", "yourselves"};
  return words;
}

const word_set& spanish() {
  static const word_set words = {
    "a",     "al",      "algo",   "algunas", "algunos",  "ante",     "antes",
    "así",   "bueno",   "como",   "con",     "contra",   "cual",     "cuando",
    "cómo",  "cuál",    "cuándo", "de",      "del",      "desde",    "donde",
    "dónde", "durante", "e",      "el",      "ella",     "ellas",    "ellos",
    "en",    "entre",   "era",    "es",      "esa",      "ese",      "eso",
    "esta",  "estas",   "este",   "esto",    "estos",    "estoy",    "está",
    "están", "fue",     "ha",     "han",     "hasta",    "hay",      "he",
    "hola",  "la",      "las",    "le",      "les",      "lo",       "los",
    "me",    "mi",      "mis",    "mucho",   "muchos",   "muy",      "más",
    "mí",    "nada",    "ni",     "no",      "nos",      "nosotros", "o",
    "otra",  "otras",   "otro",   "otros",   "para",     "pero",     "poco",
    "por",   "porque",  "que",    "quien",   "quienes",  "qué",      "quién",
    "se",    "ser",     "si",     "sin",     "sobre",    "son",      "soy",
    "su",    "sus",     "sí",     "también", "tanto",    "te",       "ti",
    "todo",  "todos",   "tu",     "tus",     "tú",       "un",       "una",
    "uno",   "unos",    "usted",  "ustedes", "vosotros", "y",        "ya",
    "yo",    "él"};
  return words;
}

const word_set& german() {
  static const word_set words
    = {"aber",   "als",    "am",     "an",     "auch",  "auf",    "aus",
       "bei",    "bin",    "bis",    "bist",   "bitte", "da",     "dann",
       "das",    "dass",   "dein",   "deine",  "dem",   "den",    "denn",
       "der",    "des",    "die",    "dies",   "diese", "dieser", "dieses",
       "dir",    "doch",   "dort",   "du",     "durch", "ein",    "eine",
       "einem",  "einen",  "einer",  "eines",  "er",    "es",     "euch",
       "euer",   "für",    "gegen",  "habe",   "haben", "hallo",  "hat",
       "hatte",  "hier",   "ich",    "ihm",    "ihn",   "ihnen",  "ihr",
       "ihre",   "ihren",  "im",     "in",     "ist",   "ja",     "jetzt",
       "kann",   "kein",   "keine",  "können", "mal",   "man",    "mein",
       "meine",  "meinem", "meinen", "meiner", "mich",  "mir",    "mit",
       "muss",   "müssen", "nach",   "nein",   "nicht", "noch",   "nur",
       "ob",     "oder",   "ohne",   "schon",  "sehr",  "sein",   "seine",
       "sich",   "sie",    "sind",   "so",     "soll",  "um",     "und",
       "uns",    "unser",  "unsere", "unter",  "vom",   "von",    "vor",
       "war",    "waren",  "warum",  "was",    "weil",  "wenn",   "wer",
       "werden", "wie",    "will",   "wir",    "wird",  "wo",     "wurde",
       "zu",     "zum",    "zur",    "über"};
  return words;
}

const word_set& french() {
  static const word_set words
    = {"a",     "ai",    "as",     "au",    "aussi",   "aux",     "avec",
       "avez",  "avoir", "avons",  "bien",  "bonjour", "c'",      "car",
       "ce",    "ces",   "cet",    "cette", "chez",    "comment", "d'",
       "dans",  "de",    "des",    "donc",  "dont",    "du",      "elle",
       "elles", "en",    "entre",  "es",    "est",     "et",      "eu",
       "ici",   "il",    "ils",    "j'",    "je",      "l'",      "la",
       "le",    "les",   "leur",   "leurs", "lui",     "là",      "m'",
       "ma",    "mais",  "me",     "mes",   "moi",     "mon",     "n'",
       "ne",    "ni",    "non",    "nos",   "notre",   "nous",    "on",
       "ont",   "ou",    "oui",    "où",    "par",     "pas",     "plus",
       "pour",  "qu'",   "quand",  "que",   "quel",    "quelle",  "quelles",
       "quels", "qui",   "quoi",   "s'",    "sa",      "sans",    "se",
       "ses",   "si",    "son",    "sont",  "sous",    "suis",    "sur",
       "t'",    "ta",    "te",     "tes",   "toi",     "ton",     "tous",
       "tout",  "toute", "toutes", "tu",    "un",      "une",     "vers",
       "vos",   "votre", "vous",   "y",     "à",       "étaient", "était",
       "été",   "êtes",  "être"};
  return words;
}

const word_set& stop_words(const std::string& lang) {
  if (lang == "es")
    return spanish();
  if (lang == "de")
    return german();
  if (lang == "fr")
    return french();
  return english();
}

} // namespace

bool is_stop_word(std::string_view word, std::string_view language) {
  const auto& list = stop_words(primary_language(language));
  return list.find(word) != list.end();
}

std::vector<std::string> phrases_of(std::string_view text,
                                    std::string_view language) {
  auto lang = primary_language(language);
  const auto& stops = stop_words(lang);
  tokenize_options opts;
  opts.clause_breaks = true;
  opts.join_hyphens = true;
  // Elided articles are words of their own in French ("l'heure").
  opts.split_elision = lang == "fr";
  auto words = words_of(fold_case(text), opts);
  auto usable_end = [&](const std::string& w) {
    return !w.empty() && !is_number(w) && stops.find(w) == stops.end();
  };
  auto usable_inside = [&](const std::string& w) {
    return !w.empty() && !is_number(w);
  };
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (!usable_end(words[i]))
      continue;
    if (usable_end(words[i + 1]))
      out.push_back(words[i] + ' ' + words[i + 1]);
    if (i + 2 < words.size() && usable_inside(words[i + 1])
        && usable_end(words[i + 2]))
      out.push_back(words[i] + ' ' + words[i + 1] + ' ' + words[i + 2]);
  }
  return out;
}

} // namespace sb::analysis

#include "switchboard/analysis/summary.hpp"

#include "switchboard/analysis/text.hpp"

#include <initializer_list>

namespace sb::analysis {

namespace {

/// Cues of one language: phrases a request starts with, and phrases it
/// contains anywhere.
struct cues {
  std::initializer_list<const char*> starts;
  std::initializer_list<const char*> contains;
};

const cues& cues_of(const std::string& lang) {
  static const cues en{{"where", "what", "when", "which", "who", "why", "how",
                        "can", "could", "would", "will", "do", "does", "is",
                        "are"},
                       {"i want",
                        "i need",
                        "i'd like",
                        "i would like",
                        "i wanna",
                        "can you",
                        "could you",
                        "would you",
                        "can i",
                        "could i",
                        "may i",
                        "how do",
                        "how can",
                        "how much",
                        "help me",
                        "i'm looking for",
                        "i am looking for",
                        "i have to",
                        "not working",
                        "isn't working",
                        "doesn't work",
                        "stopped working",
                        "is down",
                        "is broken",
                        "wrong",
                        "problem"}};
  static const cues es{{"dónde", "donde", "cómo", "cuándo", "cuánto", "cuánta",
                        "qué", "cuál", "quién", "por qué", "puede", "podría",
                        "hay"},
                       {"quiero", "quisiera", "necesito", "me gustaría",
                        "puede", "podría", "puedes", "podrías", "ayúdeme",
                        "ayuda", "no funciona", "no tengo", "problema"}};
  static const cues de{
    {"wo", "wie", "wann", "was", "warum", "wer", "welche", "welcher", "welches",
     "können", "könnten", "kann", "gibt", "ist", "sind"},
    {"ich möchte", "ich will", "ich brauche", "ich hätte gern",
     "ich hätte gerne", "können sie", "könnten sie", "kannst du", "wie kann",
     "geht nicht", "funktioniert nicht", "stimmt nicht", "problem"}};
  static const cues fr{
    {"où", "quand", "comment", "pourquoi", "quel", "quelle", "quels", "quelles",
     "combien", "qui", "est-ce", "pouvez", "pourriez"},
    {"je voudrais", "je veux", "j'ai besoin", "je souhaite", "pouvez-vous",
     "pourriez-vous", "est-ce que", "aidez-moi", "ne marche pas",
     "ne fonctionne pas", "problème", "est fausse", "est faux"}};
  if (lang == "es")
    return es;
  if (lang == "de")
    return de;
  if (lang == "fr")
    return fr;
  return en;
}

std::vector<std::string> tokens(std::string_view text) {
  tokenize_options opts;
  opts.split_elision = true;
  return words_of(fold_case(text), opts);
}

/// A language's cues cut into words once.
struct compiled_cues {
  std::vector<std::vector<std::string>> starts, contains;
};

const compiled_cues& compiled(const std::string& lang) {
  auto compile = [](const cues& c) {
    compiled_cues out;
    for (const auto* s : c.starts)
      out.starts.push_back(tokens(s));
    for (const auto* s : c.contains)
      out.contains.push_back(tokens(s));
    return out;
  };
  static const compiled_cues en = compile(cues_of("en"));
  static const compiled_cues es = compile(cues_of("es"));
  static const compiled_cues de = compile(cues_of("de"));
  static const compiled_cues fr = compile(cues_of("fr"));
  if (lang == "es")
    return es;
  if (lang == "de")
    return de;
  if (lang == "fr")
    return fr;
  return en;
}

bool has_question_mark(std::string_view text) {
  return text.find('?') != std::string_view::npos
         || text.find("\xC2\xBF") != std::string_view::npos      // ¿
         || text.find("\xEF\xBC\x9F") != std::string_view::npos; // ？
}

} // namespace

bool is_request(std::string_view text, std::string_view language) {
  if (has_question_mark(text))
    return true;
  auto words = tokens(text);
  if (words.empty())
    return false;
  const auto& c = compiled(primary_language(language));
  for (const auto& cue : c.starts)
    if (starts_with_words(words, cue))
      return true;
  for (const auto& cue : c.contains)
    if (contains_words(words, cue))
      return true;
  return false;
}

std::string main_request(const std::vector<std::string>& turns,
                         std::string_view language) {
  std::string_view longest;
  for (const auto& turn : turns) {
    auto t = trim(turn);
    if (t.empty())
      continue;
    if (is_request(t, language))
      return std::string{truncate_utf8(t, max_request_bytes)};
    if (t.size() > longest.size())
      longest = t;
  }
  return std::string{truncate_utf8(longest, max_request_bytes)};
}

std::string summarize(std::string_view main_request, std::string_view status,
                      std::string_view end_reason) {
  std::string out;
  if (!main_request.empty()) {
    out += "User: ";
    out += main_request;
    out += " \xE2\x80\x94 "; // em dash
  }
  out += "Ended: ";
  out += status;
  if (!end_reason.empty()) {
    out += " (";
    out += end_reason;
    out += ')';
  }
  return out;
}

} // namespace sb::analysis

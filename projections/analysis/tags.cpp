#include "switchboard/analysis/tags.hpp"

#include "switchboard/analysis/text.hpp"

#include <algorithm>

namespace sb::analysis {

namespace {

/// Keywords and text go through the same folding and tokenizer, so that
/// whatever cuts a text into words cuts its keywords the same way.
std::vector<std::string> tokens(std::string_view text) {
  tokenize_options opts;
  opts.split_elision = true;
  return words_of(fold_case(text), opts);
}

} // namespace

tag_matcher::tag_matcher(const rules& r) {
  for (const auto& rule : r.tags) {
    compiled_tag t;
    t.tag = rule.tag;
    for (const auto& [lang, list] : rule.keywords) {
      auto& out = t.keywords[lang];
      for (const auto& k : list)
        out.push_back(tokens(k));
    }
    tags_.push_back(std::move(t));
  }
}

std::vector<std::string> tag_matcher::match(std::string_view text,
                                            std::string_view language) const {
  std::vector<std::string> out;
  auto words = tokens(text);
  if (words.empty())
    return out;
  auto lang = primary_language(language);
  auto any_in = [&](const compiled_tag& t, std::string_view key) {
    auto it = t.keywords.find(key);
    if (it == t.keywords.end())
      return false;
    for (const auto& k : it->second)
      if (contains_words(words, k))
        return true;
    return false;
  };
  for (const auto& t : tags_)
    if ((!lang.empty() && lang != "*" && any_in(t, lang)) || any_in(t, "*"))
      out.push_back(t.tag);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> match_tags(const rules& r, std::string_view text,
                                    std::string_view language) {
  return tag_matcher{r}.match(text, language);
}

} // namespace sb::analysis

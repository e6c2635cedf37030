#include "switchboard/analysis/tags.hpp"

#include <catch2/catch.hpp>

using namespace sb::analysis;
using v = std::vector<std::string>;

namespace {

rules sample() {
  rules r;
  r.version = 1;
  r.tags.push_back({"pricing",
                    {{"en", {"price", "how much"}},
                     {"es", {"precio", "cuánto cuesta"}},
                     {"fr", {"annulation"}}}});
  r.tags.push_back({"billing", {{"*", {"iban"}}, {"en", {"invoice"}}}});
  r.tags.push_back({"handoff", {{"es", {"ÉL MISMO"}}}});
  return r;
}

} // namespace

TEST_CASE("tags match accented upper-case text in its language") {
  auto r = sample();
  CHECK(match_tags(r, "¿CUÁNTO CUESTA el plan?", "es-ES") == v{"pricing"});
  CHECK(match_tags(r, "¿Cuánto cuesta?", "es") == v{"pricing"});
  CHECK(match_tags(r, "El PRECIO, por favor", "ES") == v{"pricing"});
  // Keywords are folded like the text.
  CHECK(match_tags(r, "lo hizo él mismo", "es") == v{"handoff"});
}

TEST_CASE("tags use only the keywords of the text's language and \"*\"") {
  auto r = sample();
  CHECK(match_tags(r, "what is the price", "es").empty());
  CHECK(match_tags(r, "what is the price", "").empty());
  CHECK(match_tags(r, "my IBAN changed", "de") == v{"billing"});
  CHECK(match_tags(r, "my IBAN changed", "") == v{"billing"});
}

TEST_CASE("a keyword matches whole words only") {
  auto r = sample();
  // Plurals are listed in the rules, not guessed.
  CHECK(match_tags(r, "your prices went up", "en").empty());
  CHECK(match_tags(r, "priceless", "en").empty());
  CHECK(match_tags(r, "how muchness", "en").empty());
  CHECK(match_tags(r, "how, much", "en") == v{"pricing"});
  CHECK(match_tags(r, "the price!", "en") == v{"pricing"});
  // Accented letters are letters, not word boundaries.
  CHECK(match_tags(r, "es precioso", "es").empty());
  CHECK(match_tags(r, "ÉPRECIO", "es").empty());
  CHECK(match_tags(r, "precioñ", "es").empty());
  // A French elided article is not part of the word.
  CHECK(match_tags(r, "pour l'annulation", "fr") == v{"pricing"});
  CHECK(match_tags(r, "pour l’annulation", "fr") == v{"pricing"});
}

TEST_CASE("tags come sorted and once each") {
  auto r = sample();
  CHECK(match_tags(r, "invoice price invoice how much IBAN", "en")
        == v{"billing", "pricing"});
}

TEST_CASE("a tag matcher built once tags like match_tags") {
  auto r = sample();
  tag_matcher m{r};
  for (const char* text :
       {"¿CUÁNTO CUESTA el plan?", "what is the price", "my IBAN changed",
        "pour l'annulation", "invoice price invoice how much IBAN", ""})
    for (const char* lang : {"en", "es", "fr", "", "de-DE"}) {
      INFO(text << " / " << lang);
      CHECK(m.match(text, lang) == match_tags(r, text, lang));
    }
  CHECK(m.match("invoice and price", "en") == v{"billing", "pricing"});
}

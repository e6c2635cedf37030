#include "switchboard/analysis/sentiment.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using namespace sb::analysis;

namespace {

double compound(const char* text) {
  return score_text(text, "en").compound;
}
sentiment label(const char* text) {
  return score_text(text, "en").label;
}

} // namespace

TEST_CASE("happy and unhappy callers are told apart") {
  CHECK(label("I love it, thanks so much!") == sentiment::positive);
  CHECK(label("Perfect, that was really helpful.") == sentiment::positive);
  CHECK(label("This is terrible, I'm so frustrated.") == sentiment::negative);
  CHECK(label("My invoice looks wrong.") == sentiment::negative);
  CHECK(label("I need to cancel my appointment on Friday.")
        == sentiment::neutral);
  CHECK(label("I'd like a refund for order 4821.") == sentiment::neutral);
}

TEST_CASE("negation flips a word's sentiment") {
  CHECK(label("this is not good") == sentiment::negative);
  CHECK(label("this isn't good") == sentiment::negative);
  CHECK(label("it never works") == sentiment::negative);
  CHECK(label("no, not happy at all") == sentiment::negative);
  // Negation stops at a clause break.
  CHECK(label("No, that's great!") == sentiment::positive);
  CHECK(label("No. I am happy now") == sentiment::positive);
  // "not bad" is mild praise, never a complaint.
  CHECK(label("not bad") != sentiment::negative);
  CHECK(compound("not bad") < compound("good"));
  // Negation reaches three words back, not further.
  CHECK(label("not that it was at all bad") == sentiment::negative);
}

TEST_CASE("boosters strengthen and weaken, capitals and ! add emphasis") {
  CHECK(compound("very good") > compound("good"));
  CHECK(compound("really terrible") < compound("terrible"));
  CHECK(compound("slightly good") < compound("good"));
  CHECK(compound("slightly good") > 0);
  CHECK(compound("this is GREAT thanks") > compound("this is great thanks"));
  // All in capitals is shouting throughout: no word stands out.
  CHECK(compound("THIS IS GREAT") == compound("this is great"));
  CHECK(compound("good!") > compound("good"));
  CHECK(compound("good!!!!") == compound("good!!!!!!!"));
  CHECK(compound("bad!") < compound("bad"));
}

TEST_CASE("what follows \"but\" weighs more than what precedes it") {
  CHECK(label("the agent was nice but the wait was awful")
        == sentiment::negative);
  CHECK(label("the wait was awful but the agent was great")
        == sentiment::positive);
}

TEST_CASE("the score is VADER's normalised sum, to four decimals") {
  // good = 1.9: 1.9 / sqrt(1.9^2 + 15) = 0.44036...
  CHECK(compound("good") == 0.4404);
  // very good = 1.9 + 0.293
  CHECK(compound("Very good.") == 0.4927);
  // not good = 1.9 x -0.74
  CHECK(compound("not good") == -0.3412);
  CHECK(compound("the order has shipped") == 0);
  CHECK(label("the order has shipped") == sentiment::neutral);
  CHECK(compound("great great great great great great great great") <= 1);
}

TEST_CASE("only English is scored") {
  auto es = score_text("Estoy muy contento, ¡gracias!", "es");
  CHECK(es.label == sentiment::unknown);
  CHECK(es.compound == 0);
  CHECK(score_text("I love it", "").label == sentiment::unknown);
  CHECK(score_text("I love it", "de-DE").label == sentiment::unknown);
  CHECK(score_text("I love it", "en-GB").label == sentiment::positive);
  CHECK(score_text("I love it", "EN").label == sentiment::positive);
  // Nothing to score is not neutral.
  CHECK(score_text("...", "en").label == sentiment::unknown);
  CHECK(score_text("", "en").label == sentiment::unknown);
}

TEST_CASE("accented words are not broken by lowercasing") {
  // "café" stays one word (not "caf" + something), and a word in ALL
  // CAPS next to it still stands out.
  CHECK(label("Café GREAT") == sentiment::positive);
  CHECK(compound("CAFÉ great") == compound("café great"));
}

TEST_CASE("a call's sentiment is the mean of its scored turns") {
  auto c = combine({0.5, -0.1, 0.2});
  CHECK(c.compound == 0.2);
  CHECK(c.label == sentiment::positive);
  CHECK(combine({0.04, 0.05}).label == sentiment::neutral); // 0.045
  CHECK(combine({-0.05}).label == sentiment::negative);
  CHECK(combine({0.05}).label == sentiment::positive);
  auto none = combine({});
  CHECK(none.label == sentiment::unknown);
  CHECK(none.compound == 0);
}

TEST_CASE("sentiment names round-trip") {
  for (auto s : {sentiment::unknown, sentiment::negative, sentiment::neutral,
                 sentiment::positive})
    CHECK(sentiment_from_string(to_string(s)) == s);
  CHECK(std::strcmp(to_string(sentiment::positive), "positive") == 0);
  CHECK_FALSE(sentiment_from_string("Positive"));
  CHECK_FALSE(sentiment_from_string(""));
}

TEST_CASE("the same text always gets the same bits") {
  const char* text = "Well, the refund was SLOW but honestly the agent was "
                     "very kind and helpful!! Not bad at all.";
  auto a = score_text(text, "en");
  auto b = score_text(std::string{text}, "en-US");
  CHECK(std::memcmp(&a.compound, &b.compound, sizeof(double)) == 0);
  CHECK(a.label == b.label);
  // Never -0, which would print as "-0".
  auto zero = score_text("hello there", "en").compound;
  CHECK_FALSE(std::signbit(zero));
}

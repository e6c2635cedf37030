#include "switchboard/analysis/phrases.hpp"

#include <catch2/catch.hpp>

using namespace sb::analysis;
using v = std::vector<std::string>;

TEST_CASE("phrases are the bigrams and trigrams between stop words") {
  CHECK(
    phrases_of("I need to cancel my appointment on Friday.", "en")
    == v{"need to cancel", "cancel my appointment", "appointment on friday"});
  CHECK(phrases_of("Is it on? I am here.", "en") == v{});
  CHECK(phrases_of("Cancel appointment Friday", "en")
        == v{"cancel appointment", "cancel appointment friday",
             "appointment friday"});
  // A stop word may sit inside a trigram, never at its ends.
  CHECK(phrases_of("change of plans", "en") == v{"change of plans"});
  CHECK(phrases_of("The refund will arrive in five days.", "en")
        == v{"refund will arrive", "arrive in five", "five days"});
}

TEST_CASE("numbers and punctuation break phrases") {
  CHECK(phrases_of("invoice 4821 wrong", "en") == v{});
  CHECK(phrases_of("order shipped. tracking number", "en")
        == v{"order shipped", "tracking number"});
  CHECK(phrases_of("Refund, please!", "en") == v{});
  CHECK(phrases_of("Refund  status?!  Refund status", "en")
        == v{"refund status", "refund status"});
}

TEST_CASE("each language has its stop words") {
  CHECK(phrases_of("Quiero cancelar mi cita del viernes.", "es")
        == v{"quiero cancelar", "cancelar mi cita", "cita del viernes"});
  CHECK(phrases_of("Wo ist meine Bestellung 4821?", "de-AT") == v{});
  CHECK(phrases_of("Die Rechnung stimmt nicht.", "de") == v{"rechnung stimmt"});
  // Hyphenated words stay whole; elided articles are stop words.
  CHECK(phrases_of("Je voudrais annuler mon rendez-vous.", "fr")
        == v{"voudrais annuler", "annuler mon rendez-vous"});
  CHECK(phrases_of("J'ai un problème de connexion.", "fr")
        == v{"problème de connexion"});
  // Unknown languages use the English list.
  CHECK(phrases_of("the order has shipped", "xx") == v{"order has shipped"});
  CHECK(is_stop_word("der", "de"));
  CHECK_FALSE(is_stop_word("der", "en"));
}

TEST_CASE("phrases are lowercased and keep accented letters") {
  CHECK(phrases_of("CAMBIO DE DIRECCIÓN", "es") == v{"cambio de dirección"});
  CHECK(phrases_of("Don't WORRY mate", "en") == v{"worry mate"});
}

#include "switchboard/analysis/text.hpp"

#include <catch2/catch.hpp>

using namespace sb::analysis;
using v = std::vector<std::string>;

TEST_CASE("case folding lowers Latin letters and keeps UTF-8 intact") {
  CHECK(fold_case("CUÁNTO CUESTA") == "cuánto cuesta");
  CHECK(fold_case("ÀÉÎÕÜÑÇÆØÞ") == "àéîõüñçæøþ");
  CHECK(fold_case("× ÷ ß") == "× ÷ ß");
  CHECK(fold_case("ŒUVRE ŁÓDŹ ŽŠČ Ÿ") == "œuvre łódź žšč ÿ");
  CHECK(fold_case("ΑΒΓ 東京") == "ΑΒΓ 東京"); // other scripts unchanged
  CHECK(fold_case("\xC3") == "\xC3");         // a cut sequence stays as it was
  // Invalid UTF-8 (an overlong "A", a surrogate) is kept byte for byte.
  CHECK(fold_case("\xE0\x81\x81") == "\xE0\x81\x81");
  CHECK(fold_case("\xED\xA0\x80") == "\xED\xA0\x80");
  CHECK(fold_ascii("ÀBC") == "Àbc");
}

TEST_CASE("words are letters and digits of any script") {
  CHECK(words_of("¿Dónde está mi pedido #4821?")
        == v{"Dónde", "está", "mi", "pedido", "4821"});
  CHECK(words_of("don't — can’t") == v{"don't", "can't"});
  CHECK(words_of("rendez-vous 'quoted'") == v{"rendez", "vous", "quoted"});
  CHECK(words_of("l'heure", {true}) == v{"l'", "heure"});
  CHECK(words_of("aujourd'hui", {true}) == v{"aujourd'hui"});
  CHECK(words_of("great👍thanks") == v{"great", "thanks"});
  CHECK(words_of("Grüße, Müller") == v{"Grüße", "Müller"});
}

TEST_CASE("truncation never cuts a UTF-8 sequence") {
  CHECK(truncate_utf8("añb", 2) == "a");
  CHECK(truncate_utf8("añb", 3) == "añ");
  CHECK(truncate_utf8("abc", 5) == "abc");
  CHECK(primary_language("es-ES") == "es");
  CHECK(primary_language("EN_us") == "en");
  CHECK(primary_language("") == "");
}

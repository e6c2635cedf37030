#include "switchboard/analysis/summary.hpp"

#include <catch2/catch.hpp>

using namespace sb::analysis;

TEST_CASE("a request is a question or says what the user wants") {
  CHECK(is_request("Where's my order 4821?", "en"));
  CHECK(is_request("I need to cancel my appointment on Friday.", "en"));
  CHECK(is_request("i'd like a refund for order 12", "en-US"));
  CHECK(is_request("Can you change my flight to Tuesday", "en"));
  CHECK(is_request("how do I reset the router", "en"));
  CHECK(is_request("My internet is down again.", "en"));
  CHECK_FALSE(is_request("It was placed last week.", "en"));
  CHECK_FALSE(is_request("Thanks.", "en"));
  CHECK_FALSE(is_request("", "en"));
  CHECK(is_request("¿A qué hora cierran hoy", "es"));
  CHECK(is_request("Quiero cancelar mi cita del viernes.", "es"));
  CHECK(is_request("Necesito una factura nueva.", "es"));
  CHECK_FALSE(is_request("Lo pedí la semana pasada.", "es"));
  CHECK(is_request("Ich möchte meinen Termin absagen.", "de"));
  CHECK(is_request("Mein Internet geht nicht.", "de"));
  CHECK_FALSE(is_request("Das war letzte Woche.", "de"));
  CHECK(is_request("Je voudrais annuler mon rendez-vous.", "fr"));
  CHECK(is_request("J'ai un problème de connexion.", "fr"));
  CHECK_FALSE(is_request("C'était la semaine dernière.", "fr"));
  // Unknown languages use the English cues.
  CHECK(is_request("I want a new card", "xx"));
}

TEST_CASE("the main request is the first request, else the longest turn") {
  CHECK(main_request({"Hello.", "It was placed last week.",
                      "Where is my order?", "I need a refund."},
                     "en")
        == "Where is my order?");
  CHECK(main_request({"Hi.", "  It was placed last week. ", "Thanks."}, "en")
        == "It was placed last week.");
  CHECK(main_request({"ab", "cd"}, "en") == "ab");
  CHECK(main_request({}, "en").empty());
  CHECK(main_request({"   ", ""}, "en").empty());
}

TEST_CASE("a long request is cut at 200 bytes without splitting a letter") {
  std::string turn = "¿" + std::string(197, 'a') + "ñññ";
  auto r = main_request({turn}, "es");
  CHECK(r.size() <= max_request_bytes);
  CHECK(r.size() == 199); // ¿ (2 bytes) + 197 a; the next ñ would end at 201
  CHECK(r.compare(0, 2, "¿") == 0);
  std::string exact = std::string(198, 'a') + "ñ?";
  CHECK(main_request({exact}, "en") == std::string(198, 'a') + "ñ");
}

TEST_CASE("the summary names the request and how the call ended") {
  CHECK(summarize("Where is my order?", "completed", "pipeline_finished")
        == "User: Where is my order? — Ended: completed (pipeline_finished)");
  CHECK(summarize("", "failed", "signal_lost")
        == "Ended: failed (signal_lost)");
  CHECK(summarize("", "active", "") == "Ended: active");
}

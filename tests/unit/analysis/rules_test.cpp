#include "switchboard/analysis/rules.hpp"

#include "switchboard/analysis/cost.hpp"
#include "switchboard/analysis/tags.hpp"
#include "switchboard/events/calendar.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

using namespace sb::analysis;

namespace {

constexpr sb::time_us day_us = 86400LL * 1000000;

/// The example of the rules format from the README.
constexpr const char* example = R"({ "version": 1,
  "tags": [ {"tag": "pricing", "keywords": {"en": ["price", "how much", "cost"],
             "es": ["precio", "cuánto cuesta"], "*": []}} ],
  "prices": [
    {"service": "OpenAILLMService", "model": "", "effective_from": "2025-01-01",
     "llm_prompt_per_1m_tokens": 2.5, "llm_completion_per_1m_tokens": 10,
     "llm_cached_per_1m_tokens": 1.25},
    {"service": "telephony", "effective_from": "2025-01-01",
     "telephony_per_minute": 0.0085} ] })";

std::string error_of(const std::string& json) {
  auto r = parse_rules(json);
  CHECK_FALSE(r.value);
  return r.error;
}

} // namespace

TEST_CASE("the documented rules format parses") {
  auto r = parse_rules(example);
  REQUIRE(r.value);
  CHECK(r.error.empty());
  CHECK(r.value->version == 1);
  REQUIRE(r.value->tags.size() == 1);
  CHECK(r.value->tags[0].tag == "pricing");
  CHECK(r.value->tags[0].keywords.at("es")[1] == "cuánto cuesta");
  REQUIRE(r.value->prices.size() == 2);
  const auto& llm = r.value->prices[0];
  CHECK(llm.service == "OpenAILLMService");
  CHECK(llm.effective_from == sb::days_from_civil(2025, 1, 1) * day_us);
  CHECK(llm.llm_prompt_per_1m_tokens == 2.5);
  CHECK(llm.llm_completion_per_1m_tokens == 10);
  CHECK(llm.llm_cached_per_1m_tokens == 1.25);
  CHECK(r.value->prices[1].telephony_per_minute == 0.0085);
}

TEST_CASE("an unknown key in a rules file is an error that names it") {
  auto misspelt = std::string{example};
  misspelt.replace(misspelt.find("llm_cached_per_1m_tokens"),
                   std::string{"llm_cached_per_1m_tokens"}.size(),
                   "llm_cache_per_1m_tokens");
  auto e = error_of(misspelt);
  CHECK(e.find("prices[0]") != std::string::npos);
  CHECK(e.find("llm_cache_per_1m_tokens") != std::string::npos);

  e = error_of(R"({"version": 1, "prices": [{"service": "X",
    "effective_from": "2025-01-01", "stt_per_minute": 1,
    "stt_per_minute": 2}]})");
  CHECK(e.find("stt_per_minute") != std::string::npos);
  CHECK(e.find("twice") != std::string::npos);
  e = error_of(R"({"version": 1, "tagz": []})");
  CHECK(e.find("tagz") != std::string::npos);
  e = error_of(R"({"version": 1, "tags": [{"tag": "x", "keyword": {}}]})");
  CHECK(e.find("tags[0]") != std::string::npos);
  CHECK(e.find("keyword") != std::string::npos);
}

TEST_CASE("bad values in a rules file are errors that name the field") {
  CHECK(error_of("{").find("JSON") != std::string::npos);
  CHECK(error_of(R"({"tags": []})").find("version") != std::string::npos);
  CHECK(error_of(R"({"version": "1"})").find("version") != std::string::npos);
  CHECK(error_of(R"({"version": 1, "prices": [{"service": "X",
        "effective_from": "2025-13-01"}]})")
          .find("prices[0].effective_from")
        != std::string::npos);
  CHECK(error_of(R"({"version": 1, "prices": [{"service": "X",
        "effective_from": "2025-02-30"}]})")
          .find("effective_from")
        != std::string::npos);
  CHECK(error_of(R"({"version": 1, "prices": [{"service": "X",
        "effective_from": "2025-01-01", "stt_per_minute": -1}]})")
          .find("prices[0].stt_per_minute")
        != std::string::npos);
  CHECK(error_of(R"({"version": 1, "prices": [{"service": "X#0",
        "effective_from": "2025-01-01"}]})")
          .find("prices[0].service")
        != std::string::npos);
  CHECK(error_of(R"({"version": 1, "prices": [{"effective_from":
        "2025-01-01"}]})")
          .find("prices[0].service")
        != std::string::npos);
  // A region would never match: lookups use the primary subtag.
  CHECK(error_of(R"({"version": 1, "tags": [{"tag": "x",
        "keywords": {"es-ES": ["hola"]}}]})")
          .find("tags[0].keywords.es-ES")
        != std::string::npos);
  CHECK(error_of(R"({"version": 1, "tags": [{"tag": "x",
        "keywords": {"en": ["ok", 3]}}]})")
          .find("tags[0].keywords.en[1]")
        != std::string::npos);
  CHECK(error_of(R"({"version": 1, "tags": [{"tag": "x",
        "keywords": {"en": ["?!"]}}]})")
          .find("tags[0].keywords.en[0]")
        != std::string::npos);
  CHECK(error_of(R"({"version": 1, "tags": [{"tag": "x", "keywords": {}},
        {"tag": "x", "keywords": {}}]})")
          .find("tags[1].tag")
        != std::string::npos);
}

TEST_CASE("two versions of one price from one time are rejected, unless "
          "they price different kinds of service") {
  auto e = error_of(R"({"version": 1, "prices": [
    {"service": "A", "effective_from": "2025-01-01", "stt_per_minute": 1},
    {"service": "A", "effective_from": "2025-01-01", "stt_per_minute": 2}]})");
  CHECK(e.find("prices[1]") != std::string::npos);
  auto ok = parse_rules(R"({"version": 1, "prices": [
    {"service": "*", "effective_from": "2025-01-01", "stt_per_minute": 1},
    {"service": "*", "effective_from": "2025-01-01",
     "tts_per_1m_characters": 2}]})");
  CHECK(ok.value);
}

TEST_CASE("effective_from takes a UTC day or a full ISO 8601 time") {
  auto day = sb::days_from_civil(2025, 3, 1) * day_us;
  CHECK(parse_effective_from("2025-03-01") == day);
  CHECK(parse_effective_from("2025-03-01T00:00:00Z") == day);
  CHECK(parse_effective_from("2025-03-01T12:30:15.25Z")
        == day + (12 * 3600 + 30 * 60 + 15) * 1000000LL + 250000);
  CHECK(parse_effective_from("2025-03-01T02:00:00+02:00") == day);
  CHECK(parse_effective_from("2025-02-28T19:00-0500") == day);
  CHECK(parse_effective_from("2024-02-29")
        == sb::days_from_civil(2024, 2, 29) * day_us);
  CHECK_FALSE(parse_effective_from("2025-02-29"));
  CHECK_FALSE(parse_effective_from("2025-3-01"));
  CHECK_FALSE(parse_effective_from("2025-03-01T25:00:00Z"));
  CHECK_FALSE(parse_effective_from("2025-03-01T10:00:00Zjunk"));
  CHECK_FALSE(parse_effective_from(""));
}

TEST_CASE("a rules file loads from disk, and a missing one says so") {
  auto path = std::string{SB_BINARY_DIR} + "/analysis_rules_test.json";
  {
    std::ofstream out(path);
    out << example;
  }
  auto r = load_rules(path);
  std::remove(path.c_str());
  REQUIRE(r.value);
  CHECK(r.value->prices.size() == 2);

  auto missing = load_rules(path);
  CHECK_FALSE(missing.value);
  CHECK(missing.error.find(path) != std::string::npos);
}

TEST_CASE("the default rules are compiled in and parse") {
  const auto& r = default_rules();
  CHECK(r.version >= 1);
  CHECK(&default_rules() == &r); // parsed once
  // The library embeds the file of the source tree, byte for byte.
  std::ifstream in(std::string{SB_SOURCE_DIR}
                     + "/projections/analysis/default_rules.json",
                   std::ios::binary);
  REQUIRE(in);
  std::string file{std::istreambuf_iterator<char>{in}, {}};
  CHECK(default_rules_json() == file);

  std::vector<std::string> tags;
  for (const auto& t : r.tags)
    tags.push_back(t.tag);
  CHECK(tags
        == std::vector<std::string>{"pricing", "billing", "cancellation",
                                    "complaint", "booking", "human_handoff"});
}

TEST_CASE("the default rules price every service the simulator logs") {
  const auto& r = default_rules();
  auto at = sb::days_from_civil(2025, 6, 1) * day_us;
  for (const char* s :
       {"OpenAILLMService", "GoogleLLMService", "AnthropicLLMService",
        "GroqLLMService", "CartesiaTTSService", "DeepgramTTSService",
        "ElevenLabsTTSService", "DeepgramSTTService", "WhisperSTTService",
        "AssemblyAISTTService", "telephony"}) {
    INFO(s);
    const auto* p = price_for(r, std::string{s} + "#0", "", at);
    REQUIRE(p);
    CHECK(p->service == s);
  }
  // Services it does not name fall back to the "*" price of their kind.
  const auto* tts = price_for(r, "AzureTTSService#1", "", at);
  REQUIRE(tts);
  CHECK(tts->service == "*");
  CHECK(tts->tts_per_1m_characters > 0);
  const auto* stt = price_for(r, "AzureSTTService", "", at);
  REQUIRE(stt);
  CHECK(stt->stt_per_minute > 0);
  // Nothing is priced before the rules' first day.
  CHECK(price_for(r, "OpenAILLMService#0", "",
                  sb::days_from_civil(2023, 12, 31) * day_us)
        == nullptr);
}

TEST_CASE("the default tags find topics in the simulator's user phrases") {
  const auto& r = default_rules();
  using v = std::vector<std::string>;
  CHECK(match_tags(r, "I need to cancel my appointment on Friday.", "en")
        == v{"booking", "cancellation"});
  CHECK(match_tags(r, "I'd like a refund for order 4821.", "en")
        == v{"billing"});
  CHECK(match_tags(r, "My invoice 123 looks wrong.", "en")
        == v{"billing", "complaint"});
  CHECK(match_tags(r, "My internet is down again.", "en") == v{"complaint"});
  CHECK(match_tags(r, "Can you change my flight to Tuesday?", "en")
        == v{"booking"});
  CHECK(match_tags(r, "Quiero cancelar mi cita del viernes.", "es")
        == v{"booking", "cancellation"});
  CHECK(match_tags(r, "Necesito una factura nueva.", "es") == v{"billing"});
  CHECK(match_tags(r, "Ich möchte meinen Termin absagen.", "de")
        == v{"booking", "cancellation"});
  CHECK(match_tags(r, "Die Rechnung 123 stimmt nicht.", "de")
        == v{"billing", "complaint"});
  CHECK(match_tags(r, "Je voudrais annuler mon rendez-vous.", "fr")
        == v{"booking", "cancellation"});
  CHECK(match_tags(r, "La facture 123 est fausse.", "fr")
        == v{"billing", "complaint"});
  CHECK(match_tags(r, "I want to speak to a real person", "en")
        == v{"human_handoff"});
  CHECK(match_tags(r, "How much does it cost?", "en-US") == v{"pricing"});
}

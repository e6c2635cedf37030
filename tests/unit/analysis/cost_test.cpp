#include "switchboard/analysis/cost.hpp"

#include "switchboard/events/calendar.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace sb::analysis;

namespace {

sb::time_us day(int y, unsigned m, unsigned d) {
  return sb::days_from_civil(y, m, d) * 86400LL * 1000000;
}

price_version llm(std::string service, std::string model, sb::time_us from,
                  double prompt, double completion, double cached) {
  price_version p;
  p.service = std::move(service);
  p.model = std::move(model);
  p.effective_from = from;
  p.llm_prompt_per_1m_tokens = prompt;
  p.llm_completion_per_1m_tokens = completion;
  p.llm_cached_per_1m_tokens = cached;
  return p;
}

rules sample() {
  rules r;
  r.version = 3;
  r.prices.push_back(
    llm("OpenAILLMService", "", day(2025, 1, 1), 2.5, 10, 1.25));
  r.prices.push_back(llm("OpenAILLMService", "", day(2025, 7, 1), 2, 8, 1));
  r.prices.push_back(
    llm("OpenAILLMService", "gpt-4o-mini", day(2025, 1, 1), 0.15, 0.6, 0.075));
  r.prices.push_back(llm("*", "", day(2025, 1, 1), 5, 20, 2.5));
  price_version tts;
  tts.service = "*";
  tts.effective_from = day(2025, 1, 1);
  tts.tts_per_1m_characters = 30;
  r.prices.push_back(tts);
  price_version stt;
  stt.service = "DeepgramSTTService";
  stt.effective_from = day(2025, 1, 1);
  stt.stt_per_minute = 0.0043;
  r.prices.push_back(stt);
  price_version phone;
  phone.service = "telephony";
  phone.effective_from = day(2025, 1, 1);
  phone.telephony_per_minute = 0.0085;
  r.prices.push_back(phone);
  return r;
}

usage_line tokens(std::string service, std::int64_t prompt,
                  std::int64_t completion, std::int64_t cached = 0,
                  std::string model = "") {
  usage_line u;
  u.service = std::move(service);
  u.model = std::move(model);
  u.llm_prompt_tokens = prompt;
  u.llm_completion_tokens = completion;
  u.llm_cached_tokens = cached;
  return u;
}

} // namespace

TEST_CASE("the price version is the one in force when the call started") {
  auto r = sample();
  auto* before = price_for(r, "OpenAILLMService#0", "", day(2025, 6, 30));
  REQUIRE(before);
  CHECK(before->llm_prompt_per_1m_tokens == 2.5);
  auto* on = price_for(r, "OpenAILLMService#0", "", day(2025, 7, 1));
  REQUIRE(on);
  CHECK(on->llm_prompt_per_1m_tokens == 2);
  CHECK(price_for(r, "OpenAILLMService", "", day(2024, 12, 31)) == nullptr);

  // The same usage costs what its day's prices say.
  std::vector<usage_line> u{tokens("OpenAILLMService#0", 1000, 100)};
  CHECK(price_call(r, day(2025, 6, 30), u, 0, "web").total()
        == 1000 * 2.5 + 100 * 10);
  CHECK(price_call(r, day(2025, 7, 2), u, 0, "web").total()
        == 1000 * 2 + 100 * 8);
}

TEST_CASE("a model's own price wins over the service's, then \"*\"") {
  auto r = sample();
  auto at = day(2025, 8, 1);
  auto* mini = price_for(r, "OpenAILLMService#1", "gpt-4o-mini", at);
  REQUIRE(mini);
  CHECK(mini->model == "gpt-4o-mini");
  auto* other_model = price_for(r, "OpenAILLMService#1", "gpt-4o", at);
  REQUIRE(other_model);
  CHECK(other_model->model.empty());
  CHECK(other_model->llm_prompt_per_1m_tokens == 2);
  auto* unknown = price_for(r, "MistralLLMService#0", "", at);
  REQUIRE(unknown);
  CHECK(unknown->service == "*");
  CHECK(unknown->llm_prompt_per_1m_tokens == 5);
  // "*" of the right kind: a TTS service gets the TTS fallback.
  auto* tts = price_for(r, "CartesiaTTSService#0", "", at);
  REQUIRE(tts);
  CHECK(tts->tts_per_1m_characters == 30);
  // "#" not followed by digits is part of the name.
  CHECK(base_service_name("A#0") == "A");
  CHECK(base_service_name("A#12") == "A");
  CHECK(base_service_name("A#x") == "A#x");
  CHECK(base_service_name("A#") == "A#");
}

TEST_CASE("cached prompt tokens are priced apart from the others") {
  auto r = sample();
  std::vector<usage_line> u{tokens("OpenAILLMService#0", 1000, 200, 600)};
  auto c = price_call(r, day(2025, 2, 1), u, 0, "web");
  CHECK(c[component::llm_prompt] == 400 * 2.5); // 1000 - 600 uncached
  CHECK(c[component::llm_cached] == 600 * 1.25);
  CHECK(c[component::llm_completion] == 200 * 10);
  CHECK(c.total() == 1000 + 750 + 2000);

  // More cached than prompt tokens: no negative prompt cost.
  std::vector<usage_line> odd{tokens("OpenAILLMService#0", 100, 0, 300)};
  auto o = price_call(r, day(2025, 2, 1), odd, 0, "web");
  CHECK(o[component::llm_prompt] == 0);
  CHECK(o[component::llm_cached] == 375);
}

TEST_CASE("telephony bills whole minutes, rounded up, and web calls are "
          "free of it") {
  auto r = sample();
  auto at = day(2025, 2, 1);
  auto phone = [&](std::int64_t ms, const char* direction) {
    return price_call(r, at, {}, ms, direction)[component::telephony];
  };
  CHECK(phone(0, "inbound") == 0);
  CHECK(phone(1, "inbound") == 8500);
  CHECK(phone(60000, "inbound") == 8500);
  CHECK(phone(60001, "outbound") == 17000);
  CHECK(phone(125000, "outbound") == 25500);
  CHECK(phone(125000, "web") == 0);
  CHECK(phone(125000, "") == 0);
}

TEST_CASE("TTS characters and STT seconds are priced per line's service") {
  auto r = sample();
  usage_line tts;
  tts.service = "CartesiaTTSService#0";
  tts.tts_characters = 1234;
  usage_line stt;
  stt.service = "DeepgramSTTService#0";
  stt.stt_seconds = 90;
  usage_line unpriced;
  unpriced.service = "WhisperSTTService#0";
  unpriced.stt_seconds = 90;
  auto c = price_call(r, day(2025, 2, 1), {tts, stt, unpriced}, 0, "web");
  CHECK(c[component::tts] == 1234 * 30);
  CHECK(c[component::stt] == 6450); // 1.5 min x 0.0043 USD
  CHECK(c.total() == 1234 * 30 + 6450);
}

TEST_CASE("each component is rounded once per call, to the nearest "
          "micro-USD") {
  rules r;
  r.prices.push_back(llm("X", "", 0, 0.3, 0, 0));
  // 0.3 µ$ a token: three lines of 1 token are 0.9 µ$, one micro-dollar
  // when rounded once, none if each line were rounded.
  std::vector<usage_line> u{tokens("X#0", 1, 0), tokens("X#1", 1, 0),
                            tokens("X#2", 1, 0)};
  CHECK(price_call(r, 1, u, 0, "web")[component::llm_prompt] == 1);
}

TEST_CASE("a call's cost does not depend on the order of its usage lines") {
  auto r = sample();
  std::vector<usage_line> u;
  for (int i = 0; i < 40; ++i) {
    u.push_back(tokens("OpenAILLMService#" + std::to_string(i), 80 + 13 * i,
                       5 + 7 * i, i % 3 == 0 ? 30 : 0,
                       i % 2 ? "gpt-4o-mini" : ""));
    usage_line t;
    t.service = "ElevenLabsTTSService#" + std::to_string(i);
    t.tts_characters = 31 + i;
    u.push_back(t);
  }
  auto forward = price_call(r, day(2025, 9, 1), u, 61000, "inbound");
  std::reverse(u.begin(), u.end());
  auto backward = price_call(r, day(2025, 9, 1), u, 61000, "inbound");
  std::rotate(u.begin(), u.begin() + 17, u.end());
  auto rotated = price_call(r, day(2025, 9, 1), u, 61000, "inbound");
  CHECK(forward.micro_usd == backward.micro_usd);
  CHECK(forward.micro_usd == rotated.micro_usd);
  CHECK(forward[component::telephony] == 17000);
  CHECK(forward.total() > 0);
}

TEST_CASE("components have stable names") {
  CHECK(std::string{to_string(component::llm_prompt)} == "llm_prompt");
  CHECK(std::string{to_string(component::llm_completion)} == "llm_completion");
  CHECK(std::string{to_string(component::llm_cached)} == "llm_cached");
  CHECK(std::string{to_string(component::tts)} == "tts");
  CHECK(std::string{to_string(component::stt)} == "stt");
  CHECK(std::string{to_string(component::telephony)} == "telephony");
}

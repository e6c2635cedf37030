// Ingest's size rule (README "Limits"), without NATS: signals split into
// messages by bytes under the server's max_payload, too-large signals set
// aside, dead letters that always fit, and a line limit that agrees.

#include "ingest/dead_letters.hpp"
#include "ingest/ingest_limits.hpp"
#include "ingest/signal_packing.hpp"

#include "gateway/pipecat_parser.hpp"
#include "switchboard/events/codec.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace sb;
using namespace sb::app;

namespace {

signal tts(std::uint32_t line, std::size_t text_bytes,
           std::string call = "3b7e0d52-6f0a-4c1e-9d4b-2a8f61c95e07") {
  signal s;
  s.call_id = std::move(call);
  s.kind = signal_kind::bot_text;
  s.at_us = 1759715049000000 + line * 1000;
  s.service = "CartesiaTTSService#0";
  s.text = std::string(text_bytes, 'a' + line % 26);
  s.line = line;
  return s;
}

/// Every signal of the messages, decoded, in order.
std::vector<signal> decoded(const packed_signals& p) {
  std::vector<signal> out;
  for (const auto& m : p.messages) {
    signal_batch b;
    std::string error;
    REQUIRE(decode(m, b, error));
    CHECK(b.tenant_id == "default");
    CHECK(b.agent_id == "support-bot");
    CHECK(b.source == "pipecat");
    out.insert(out.end(), b.signals.begin(), b.signals.end());
  }
  return out;
}

packed_signals pack(std::vector<signal> signals, std::size_t bytes,
                    std::size_t count = max_signals_per_message) {
  return pack_signals("default", "support-bot", "pipecat", std::move(signals),
                      bytes, count);
}

} // namespace

TEST_CASE("the limits follow the server's max_payload") {
  auto d = limits_for(1 << 20);
  CHECK(d.message_bytes == (1 << 20) - 4096);
  CHECK(d.line_bytes == (1 << 20) - 8192);
  CHECK(limits_for(0).line_bytes == d.line_bytes); // unknown: the default
  CHECK(limits_for(-1).message_bytes == d.message_bytes);
  // The streams store nothing over 8 MiB, whatever the server takes.
  CHECK(limits_for(64 << 20).message_bytes == (8 << 20) - 4096);
  auto small = limits_for(8 * 1024);
  CHECK(small.message_bytes == 6 * 1024);
  CHECK(small.line_bytes == 4 * 1024);
}

TEST_CASE("the gateway reads lines as long as the default limits say") {
  CHECK(gateway::parse_options{}.max_line_bytes
        == limits_for(default_max_payload).line_bytes);
}

TEST_CASE("a signal's encoded size is what the codec writes") {
  signal_batch b;
  b.tenant_id = "tenant-with-a-long-name";
  b.agent_id = "support-bot";
  b.source = "events";
  CHECK(encoded_size(b) == encode(b).size());
  b.signals.push_back(tts(1, 0));
  b.signals.push_back(tts(2, 12345));
  auto odd = tts(3, 7);
  odd.detail = "{\"arguments\": 1}";
  odd.value_s = 1.5;
  odd.prompt_tokens = 10;
  b.signals.push_back(odd);
  CHECK(encoded_size(b) == encode(b).size());
}

TEST_CASE("1,400 TTS signals of a 1.2 MB call go out in messages under "
          "the limit, in order") {
  std::vector<signal> signals;
  for (std::uint32_t i = 1; i <= 1400; ++i)
    signals.push_back(tts(i, 800));
  auto limit = limits_for(1 << 20).message_bytes;
  auto p = pack(signals, limit);
  CHECK(p.too_large.empty());
  CHECK(p.messages.size() == 2);
  for (const auto& m : p.messages)
    CHECK(m.size() <= limit);
  CHECK(decoded(p) == signals);
}

TEST_CASE("a message never holds more than the signal count limit") {
  std::vector<signal> signals;
  for (std::uint32_t i = 1; i <= 45; ++i)
    signals.push_back(tts(i, 10));
  auto p = pack(signals, 1 << 20, 20);
  CHECK(p.messages.size() == 3);
  CHECK(decoded(p) == signals);
}

TEST_CASE("the same signals split the same way") {
  std::vector<signal> signals;
  for (std::uint32_t i = 1; i <= 300; ++i)
    signals.push_back(tts(i, 100 + i * 37 % 3000));
  auto a = pack(signals, 64 * 1024);
  auto b = pack(signals, 64 * 1024);
  CHECK(a.messages == b.messages);
  CHECK(a.messages.size() > 5);
}

TEST_CASE("a signal that fits no message alone is set aside, the rest "
          "keeps its order") {
  auto limit = limits_for(1 << 20).message_bytes;
  std::vector<signal> signals
    = {tts(1, 100), tts(2, 2'000'000), tts(3, 100), tts(4, limit)};
  auto p = pack(signals, limit);
  REQUIRE(p.too_large.size() == 2);
  CHECK(p.too_large[0].sig.line == 2);
  CHECK(p.too_large[0].bytes > 2'000'000);
  CHECK(p.too_large[1].sig.line == 4);
  CHECK(decoded(p) == std::vector<signal>{signals[0], signals[2]});
}

TEST_CASE("a signal of a line at the limit fits one message") {
  auto limits = limits_for(1 << 20);
  // The longest line: its text is nearly all of it.
  auto s = tts(1, limits.line_bytes);
  s.call_id = std::string(128, 'c'); // the longest call id a line may name
  auto p = pack({s}, limits.message_bytes);
  CHECK(p.too_large.empty());
  REQUIRE(p.messages.size() == 1);
  CHECK(p.messages[0].size() <= limits.message_bytes);
}

TEST_CASE("a too-large signal's dead letter fits a message and says why") {
  auto s = tts(7, 3'000'000);
  auto r = too_large_letter(s, 3'000'150, 1'044'480);
  r.source = "events";
  r.tenant_id = "default";
  r.agent_id = "support-bot";
  auto json = to_json(r, 1'044'480);
  CHECK(json.size() < 16 * 1024);
  auto j = nlohmann::json::parse(json);
  CHECK(j["line"] == 7);
  CHECK(j["reason"].get<std::string>().rfind("too_large: ", 0) == 0);
  CHECK(j["raw"].get<std::string>().size() <= dead_letter_raw_bytes);
  CHECK(j["raw"].get<std::string>().rfind("{\"call_id\":", 0) == 0);
  CHECK(j["raw_bytes"].get<std::uint64_t>() > 3'000'000);
}

TEST_CASE("a dead letter is cut further when escaping makes it too long") {
  dead_letter_record r;
  r.source = "pipecat";
  r.line = 3;
  r.reason = "line too long";
  r.raw = std::string(4096, '"'); // each becomes \" in JSON
  r.raw_bytes = 2'000'000;
  auto json = to_json(r, 6000);
  CHECK(json.size() <= 6000);
  auto j = nlohmann::json::parse(json);
  CHECK(j["raw"].get<std::string>().size() > 1000);
  CHECK(j["raw_bytes"] == 2'000'000);
}

TEST_CASE("the gateway's dead letters record the line's full size") {
  gateway::parse_options o;
  o.max_line_bytes = 100;
  auto body = std::string(5000, 'x') + "\n";
  auto r = gateway::parse_pipecat(body, o);
  REQUIRE(r.dead_letters.size() == 1);
  CHECK(r.dead_letters[0].raw_bytes == 5000);
  CHECK(r.dead_letters[0].raw.size() <= dead_letter_raw_bytes);
}

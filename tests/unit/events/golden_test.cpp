// The golden corpus: every event type as version 1 wrote it, committed as
// hex in tests/fixtures/events/golden_v1.hex. Each release must still decode
// every line to the same values; a new version adds a new corpus file and
// never changes an old one. `unit_events "[.write-golden]"` writes the file.

#include "switchboard/events/codec.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace sb;

namespace {

const std::string corpus_path
  = std::string{SB_SOURCE_DIR} + "/tests/fixtures/events/golden_v1.hex";

std::vector<event> corpus_events() {
  call_ended ended;
  ended.status = call_status::failed;
  ended.end_reason = "signal_lost";
  ended.ended_at = 1762164008000000;
  ended.duration_ms = 5000;
  call_analyzed analyzed{"User asked about the weather.", "neutral",
                         {"weather", "paris"}, "{\"city\":\"Paris\"}",
                         "{\"llm_usd\":0.0021}"};
  std::vector<event_payload> payloads = {
    call_queued{},
    call_ringing{},
    call_started{"support-bot", "inbound", "pipecat", "spring", "+15550001",
                 "+15550002", "en"},
    user_spoke{2, 0, "I'd like \"two\" tickets — für morgen", 1762164005000000,
               1762164006000000, "en", 0.91, true},
    agent_spoke{3, 1, "It is sunny in Paris.", 1762164007300000},
    turn_latency_measured{3, 120.5, 390.25, 100, 1400, true},
    tool_invoked{"get_weather", "{\"location\":\"Paris\"}", "sunny", 42.5,
                 ""},
    user_interrupted{3},
    usage_recorded{"OpenAILLMService#0", 141, 75, 79, 12.345},
    ended,
    analyzed,
    recording_available{"https://recordings.example/abc.wav"},
    conversation_erased{},
    partition_acquired{17, 12345, "node-1"},
    speech_changed{speaker::user, true},
    metric_measured{"CartesiaTTSService#0", "ttfb", 100, false},
    problem_logged{"fatal", "OpenAILLMService#0", "invalid api key"},
    turn_completed{3, speaker::agent, 1762164007400000, 1762164008000000,
                   true}};
  std::vector<event> out;
  std::uint64_t seq = 0;
  for (auto& p : payloads) {
    event e;
    e.env = envelope{"default", "call-golden", ++seq, 7,
                     1762164000000000 + static_cast<time_us>(seq),
                     1762164100000000, 900 + seq, static_cast<std::uint32_t>(seq),
                     0xabcdef0123456789ull};
    e.payload = p;
    out.push_back(e);
  }
  return out;
}

std::string to_hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

} // namespace

TEST_CASE("write the version 1 golden corpus", "[.write-golden]") {
  std::ofstream out{corpus_path};
  for (const auto& e : corpus_events())
    out << e.type_name() << ' ' << to_hex(encode(e)) << '\n';
}

TEST_CASE("every event written by version 1 still decodes to the same facts") {
  std::ifstream in{corpus_path};
  REQUIRE(in.good());
  auto want = corpus_events();
  std::string name, hex;
  std::size_t n = 0;
  while (in >> name >> hex) {
    REQUIRE(n < want.size());
    INFO(name);
    event got;
    std::string error;
    REQUIRE(decode(from_hex(hex), got, error));
    CHECK(got.type_name() == name);
    CHECK(got.type_tag() == want[n].type_tag());
    CHECK(got.env.call_id == "call-golden");
    CHECK(got.env.seq == n + 1);
    CHECK(got.env.source_index == n + 1);
    // Re-encoding gives the stored bytes: every field read back intact.
    CHECK(to_hex(encode(got)) == hex);
    CHECK(encode(got) == encode(want[n]));
    ++n;
  }
  CHECK(n == std::variant_size_v<event_payload>);
}

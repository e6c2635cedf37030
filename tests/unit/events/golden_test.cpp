// The golden corpus: every event type as each schema generation wrote it,
// committed as hex in tests/fixtures/events/golden_v<n>.hex, one line per
// type. A file never changes once committed: every later release must
// decode every line of every file to the same facts (older versions
// upcast). A generation that bumps a type's version adds the next file;
// `unit_events "[.write-golden]"` writes the newest one.

#include "switchboard/events/codec.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace sb;

namespace {

/// The generation this build writes. Bump it, and extend corpus_payloads(),
/// when a type's version goes up.
constexpr int newest_generation = 2;

const std::filesystem::path corpus_dir
  = std::filesystem::path{SB_SOURCE_DIR} / "tests/fixtures/events";

std::filesystem::path corpus_path(int generation) {
  return corpus_dir / ("golden_v" + std::to_string(generation) + ".hex");
}

/// Every golden_v<n>.hex in the folder, by n: a file added later is tested
/// without touching this test.
std::map<int, std::filesystem::path> corpus_files() {
  static const std::regex name{R"(golden_v([0-9]+)\.hex)"};
  std::map<int, std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator{corpus_dir}) {
    std::smatch m;
    auto file = entry.path().filename().string();
    if (std::regex_match(file, m, name))
      out[std::stoi(m[1])] = entry.path();
  }
  return out;
}

/// What generation `generation` wrote, as this build must read it: the
/// facts it could express, with later fields at the values an upcast gives.
std::vector<event_payload> corpus_payloads(int generation) {
  call_ended ended;
  ended.status = call_status::failed;
  ended.end_reason = "signal_lost";
  ended.ended_at = 1762164008000000;
  ended.duration_ms = 5000;
  call_analyzed analyzed{"User asked about the weather.",
                         "neutral",
                         {"weather", "paris"},
                         "{\"city\":\"Paris\"}",
                         "{\"llm_usd\":0.0021}"};
  usage_recorded usage{"OpenAILLMService#0", 141, 75, 79, 12.345};
  if (generation >= 2) { // usage_recorded v2
    usage.llm_cached_tokens = 128;
    usage.model = "gpt-4o-mini";
  }
  return {
    call_queued{},
    call_ringing{},
    call_started{"support-bot", "inbound", "pipecat", "spring", "+15550001",
                 "+15550002", "en"},
    user_spoke{2, 0, "I'd like \"two\" tickets — für morgen", 1762164005000000,
               1762164006000000, "en", 0.91, true},
    agent_spoke{3, 1, "It is sunny in Paris.", 1762164007300000},
    turn_latency_measured{3, 120.5, 390.25, 100, 1400, true},
    tool_invoked{"get_weather", "{\"location\":\"Paris\"}", "sunny", 42.5, ""},
    user_interrupted{3},
    usage,
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
}

envelope corpus_envelope(std::uint64_t seq) {
  return envelope{"default",
                  "call-golden",
                  seq,
                  7,
                  1762164000000000 + static_cast<time_us>(seq),
                  1762164100000000,
                  900 + seq,
                  static_cast<std::uint32_t>(seq),
                  0xabcdef0123456789ull};
}

std::vector<event> corpus_events(int generation) {
  std::vector<event> out;
  std::uint64_t seq = 0;
  for (auto& p : corpus_payloads(generation)) {
    event e;
    e.env = corpus_envelope(++seq);
    e.payload = std::move(p);
    out.push_back(std::move(e));
  }
  return out;
}

/// The version an entry's payload was written with: the two bytes after
/// the frame, the envelope and the tag. Every corpus envelope has the same
/// size, which an event without payload fields measures.
std::uint16_t stored_version(const std::string& bytes) {
  event bare;
  bare.env = corpus_envelope(1);
  auto at = encode(bare).size() - 2; // call_queued: ... tag, version
  REQUIRE(bytes.size() >= at + 2);
  return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at])
                                    | static_cast<unsigned char>(bytes[at + 1])
                                        << 8);
}

std::uint16_t current_version(const event& e) {
  return std::visit([](const auto& p) { return p.version; }, e.payload);
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

TEST_CASE("write the newest golden corpus", "[.write-golden]") {
  std::ofstream out{corpus_path(newest_generation)};
  for (const auto& e : corpus_events(newest_generation))
    out << e.type_name() << ' ' << to_hex(encode(e)) << '\n';
}

TEST_CASE("every event of every golden corpus still decodes to its facts") {
  auto files = corpus_files();
  REQUIRE(files.size() == static_cast<std::size_t>(newest_generation));
  REQUIRE(files.rbegin()->first == newest_generation); // 1..newest, no gap
  for (const auto& [generation, path] : files) {
    INFO(path.filename().string());
    std::ifstream in{path};
    REQUIRE(in.good());
    auto want = corpus_events(generation);
    std::set<std::uint16_t> tags;
    std::string name, hex;
    std::size_t n = 0;
    while (in >> name >> hex) {
      REQUIRE(n < want.size());
      INFO(name);
      auto bytes = from_hex(hex);
      event got;
      std::string error;
      REQUIRE(decode(bytes, got, error));
      CHECK(got.type_name() == name);
      CHECK(got.type_tag() == want[n].type_tag());
      CHECK(got.env.call_id == "call-golden");
      CHECK(got.env.seq == n + 1);
      CHECK(got.env.source_index == n + 1);
      // Every field, upcast ones included, is what the generation meant.
      CHECK(encode(got) == encode(want[n]));
      auto version = stored_version(bytes);
      CHECK(version >= 1);
      CHECK(version <= current_version(got));
      // A type at its current version is written exactly as it was then.
      if (version == current_version(got))
        CHECK(to_hex(encode(got)) == hex);
      // The newest file is what this build writes: a version bump
      // without a new corpus file is caught here.
      if (generation == newest_generation)
        CHECK(version == current_version(got));
      if (const auto* usage = std::get_if<usage_recorded>(&got.payload)) {
        CHECK(usage->llm_prompt_tokens == 141);
        CHECK(usage->stt_seconds == 12.345);
        if (version == 1) { // written before v2: upcast
          CHECK(usage->llm_cached_tokens == 0);
          CHECK(usage->model.empty());
        } else {
          CHECK(usage->llm_cached_tokens == 128);
          CHECK(usage->model == "gpt-4o-mini");
        }
      }
      tags.insert(got.type_tag());
      ++n;
    }
    CHECK(n == want.size());
    CHECK(tags.size() == n); // one line per type
    if (generation == newest_generation)
      CHECK(n == std::variant_size_v<event_payload>);
  }
}
